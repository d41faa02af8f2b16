using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// conformance.md §5 L3 / AD-3 items 1–3: the harness as a Resource Server asking the state authority
/// about a Mission, by reference (Mission Status) and by token (introspection with the Mission
/// projection), with the target file's "status" clients. One scenario, so the two surfaces are asked
/// about the same two Missions at the same moments of their life.
/// </summary>
public sealed class MissionStatusScenario : Scenario
{
    /// <summary>How many requests the rate-limit probe (MBO-MS-016) sends at most: loopback-friendly, and enough for a limit of 20 per window (the reference allows 10).</summary>
    public const int BurstLimit = 30;

    private const string SignedIntrospection = "application/token-introspection+jwt";

    private static readonly ICheck[] DocumentChecks = [new MissionAuthorityDocumentValid(), new MissionAuthorityServedAsJson()];

    private static readonly ICheck[] StatusChecks =
    [
        new StatusAnswersSigned(), new StatusRequiresAuthentication(), new StatusJwsVerifies(), new StatusBindsRequest(), new StatusPayloadComplete(),
        new StatusProjectionAudienceOnly(), new StatusNoOracle(), new StatusErrorsEchoNonce(), new StatusNonceFormatEnforced(), new StatusReportsInactiveMissions(),
        new StatusLifetimeRecommended(), new StatusTimestampsOrdered(), new StatusCarriesPolicyVersion(), new StatusMissionMemberExclusive(),
        new StatusRateLimitSignalled(), new StatusRateLimitedPerConsumer(), new StatusNotIntrospectionFormat(),
    ];

    private static readonly ICheck[] IntrospectionChecks =
    [
        new IntrospectionShowsActiveMission(), new IntrospectionShowsInactiveMission(), new IntrospectionAudienceOnly(), new IntrospectionUnknownTokenInactive(),
        new IntrospectionSigned(),
    ];

    private static readonly string[] DocumentRequirements = [.. DocumentChecks.Select(c => c.RequirementId)];

    private static readonly string[] StatusRequirements = [.. StatusChecks.Select(c => c.RequirementId)];

    private static readonly string[] IntrospectionRequirements = [.. IntrospectionChecks.Select(c => c.RequirementId)];

    public override string Id => "status.state-authority";
    public override string Title => "Mission Status and introspection tell a Resource Server the Mission's state, signed and filtered to its audience, and tell nobody else anything";
    public override IReadOnlyList<ICheck> Checks { get; } = [.. DocumentChecks, .. StatusChecks, .. IntrospectionChecks, new MissionStatusCapability(), new IntrospectionCapability()];

    public override async Task RunAsync(ScenarioContext context)
    {
        if (await StateAuthorityRun.StartAsync(context, Requirements) is not { } run) return;
        using (run)
        {
            await run.AskActiveAsync();
            await run.TryOtherMethodsAsync();
            await run.IntrospectActiveAsync();
            await run.AskAboutAnotherMissionAsync();
            await run.SuspendAndRevokeAsync();
            // Last, because it may leave this client rate-limited for a while.
            await run.BurstAsync();
            await run.JudgeAsync();
        }
    }

    /// <summary>
    /// One run of the scenario against a state authority, in named steps that share what they learnt: the Mission, where the
    /// state authority answers, the status client asking as a Resource Server would, and the answers gathered for the checks.
    /// </summary>
    private sealed class StateAuthorityRun : IDisposable
    {
        private readonly ScenarioContext _context;
        private readonly MissionFlow _flow;
        private readonly ObtainedMission _obtained;
        private readonly string _missionId;
        private readonly string _token;
        private readonly JsonElement _claim;
        private readonly string _origin;
        private readonly JsonElement? _document;
        private readonly Uri? _statusEndpoint;
        private readonly Uri? _introspectionEndpoint;
        private readonly TargetClient _caller;
        private readonly string _audience;
        private readonly string _jwks;
        private readonly StatusCaller? _status;

        private StatusAnswer? _active, _unknown, _unknownAgain, _foreign, _suspended, _revoked;
        private WireResponse? _unauthenticated, _basic, _malformedNonce;
        private StatusAnswer? _asEditionSays;
        private readonly string _authenticationNonce = MissionClient.NewNonce();
        private DpopBearerAttempt? _dpopBearer;
        private MutualTlsAttempt? _mutualTls;
        private WireResponse? _introspected, _garbage, _introspectedOpenly, _introspectedSigned, _nonAudience, _introspectedRevoked;
        private ObtainedMission? _other;
        private string? _whyNoOther, _whyNoNonAudience, _whyNoTransitions, _stateAfterSuspend, _stateAfterRevoke;
        private readonly List<WireResponse> _burst = [];
        private RateLimitNeighbour? _afterBurst;

        private StateAuthorityRun(ScenarioContext context, MissionFlow flow, ObtainedMission obtained, string missionId, string token, JsonElement claim, string origin,
            JsonElement? document, Uri? statusEndpoint, Uri? introspectionEndpoint, TargetClient caller, string jwks)
        {
            (_context, _flow, _obtained, _missionId, _token, _claim, _origin) = (context, flow, obtained, missionId, token, claim, origin);
            (_document, _statusEndpoint, _introspectionEndpoint, _caller, _audience, _jwks) = (document, statusEndpoint, introspectionEndpoint, caller, caller.Audience!, jwks);
            // Every question goes by a method the state authority advertises (private_key_jwt first), as its Resource Servers would ask.
            _status = statusEndpoint is null ? null : StatusCaller.For(context, caller, statusEndpoint, document);
        }

        private CancellationToken Ct => _context.Cancellation;

        /// <summary>
        /// A Mission, its state authority (mission.origin's document, the AS metadata), and a status client to ask as; null when the
        /// scenario cannot go on, every requirement then given its reason. The mission-authority document is judged here.
        /// </summary>
        public static async Task<StateAuthorityRun?> StartAsync(ScenarioContext context, IReadOnlyList<string> requirements)
        {
            var flow = new MissionFlow(context);
            var ct = context.Cancellation;
            var obtained = await flow.ObtainAsync();
            if (obtained.MissionId is not { } missionId || obtained.Token.MissionAuthority is not { } origin || obtained.Token.AccessToken is not { } token)
            {
                foreach (var id in requirements)
                {
                    context.Blocked(id, Dependencies.MissingMission(obtained.Token, "id", flow.Edition.MissionAuthorityMember) ?? "the code redemption returned no access_token");
                }
                return null;
            }
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri) || originUri.Query.Length > 0 || originUri.Fragment.Length > 0)
            {
                foreach (var id in requirements) context.Blocked(id, $"mission.origin \"{origin}\" is not a URL without query or fragment (MBO-AS-REC-003), so the state authority cannot be located from it");
                return null;
            }

            // The state authority is mission.origin (mission-status.md "Purpose"); its document says where to ask.
            var documentUrl = new Uri(origin.TrimEnd('/') + "/.well-known/mission-authority");
            var document = await context.Client.GetDocumentAsync(documentUrl, ct, ArtifactKind.MissionAuthority);
            var documentJson = document.Status == HttpStatusCode.OK ? document.ObjectBody() : null;
            // A missionStatus the target file declares replaces the advertised one (its URL, for this Mission, stands for it).
            var statusEndpoint = context.Client.DeclaredStatus?.For(missionId) ?? context.Client.Metadata.MissionStatusEndpoint ?? UriMember(documentJson, "mission_status_endpoint");
            var introspectionEndpoint = context.Client.Metadata.IntrospectionEndpoint;
            if (statusEndpoint is null && document.Status != HttpStatusCode.OK)
            {
                foreach (var id in DocumentRequirements.Concat(StatusRequirements))
                {
                    context.Skip(id, "the state authority advertises no mission_status_endpoint and publishes no mission-authority document: it offers no Mission Status");
                }
            }
            else
            {
                var authority = new MissionAuthorityEvidence(documentUrl, document, origin);
                context.Judge(new MissionAuthorityDocumentValid(), authority);
                context.Judge(new MissionAuthorityServedAsJson(), authority);
                if (statusEndpoint is null)
                {
                    foreach (var id in StatusRequirements) context.Skip(id, "neither the AS metadata nor the mission-authority document names a mission_status_endpoint");
                }
            }
            if (introspectionEndpoint is null)
            {
                foreach (var id in IntrospectionRequirements) context.Skip(id, "the AS advertises no introspection_endpoint (RFC 8414)");
            }
            if (statusEndpoint is null && introspectionEndpoint is null)
            {
                context.Skip("MBO-CM-006", "the state authority offers neither Mission Status nor introspection");
                return null;
            }

            var objects = obtained.Resources;
            var caller = flow.Server.StatusClients.FirstOrDefault(c => objects.Contains(c.Audience!) && obtained.Token.Audiences.Contains(c.Audience!));
            if (caller is null)
            {
                var why = flow.Server.StatusClients.Count == 0
                    ? "the target file names no Resource Server client (clients[] with role \"status\", its keyFile and the audience it asks for)"
                    : "no status client's audience is both one of the Intent's objects and an audience of the issued token";
                foreach (var id in requirements.Except(context.Judged)) context.Interrupt(id, why);
                return null;
            }
            if (statusEndpoint is not null && caller.Key is null && context.Client.DeclaredStatus?.Authentication is null)
            {
                foreach (var id in StatusRequirements.Except(context.Judged))
                {
                    context.Interrupt(id, $"the status client {caller.ClientId} authenticates with a client secret, which Mission Status forbids (mission-status.md \"Authentication\"): give it a keyFile for private_key_jwt");
                }
                statusEndpoint = null;
            }
            var jwksUri = UriMember(documentJson, "jwks_uri") ?? context.Client.Metadata.JwksUri;
            var jwks = (await context.Client.GetDocumentAsync(jwksUri, ct)).Body;
            return new StateAuthorityRun(context, flow, obtained, missionId, token, obtained.Token.Mission!.Value, origin, documentJson, statusEndpoint, introspectionEndpoint, caller, jwks);
        }

        private async Task<StatusAnswer> AskAsync(string mission)
        {
            var nonce = MissionClient.NewNonce();
            var response = await _status!.AskAsync(mission, _audience, nonce);
            return new StatusAnswer(response, nonce, _audience, _caller.ClientId, mission, _context.Clock.GetUtcNow());
        }

        private Task<WireResponse> IntrospectAsync(string value, bool withAssertion = true, string? accept = null)
            => _context.Client.IntrospectAsync(_introspectionEndpoint!, _caller.Credentials, value, Ct, withAssertion, accept);

        /// <summary>
        /// The active Mission, and the refusals that need no second Mission: no authentication, client_secret_basic, an unknown id, a
        /// nonce the edition refuses (seed: outside its ABNF; ietf-2026-08, which gives none: absent). A declared operation of another
        /// shape is also asked the edition's own way (MBO-MS-001).
        /// </summary>
        public async Task AskActiveAsync()
        {
            if (_statusEndpoint is null) return;
            _active = await AskAsync(_missionId);
            _context.Control(Controls.StatusServed, _active.Response.Status == HttpStatusCode.OK, $"the authenticated request answered {_active.Response.Outcome()}");
            _unauthenticated = await UnauthenticatedAsync(new ClientCredentials(_caller.ClientId), _authenticationNonce);
            _basic = await UnauthenticatedAsync(new ClientCredentials(_flow.Agent.ClientId, _flow.Agent.Secret ?? "not-a-secret"), MissionClient.NewNonce());
            _unknown = await AskAsync("msn_" + MissionClient.NewNonce() + MissionClient.NewNonce());
            _malformedNonce = await _status!.AskAsync(_missionId, _audience, _flow.Edition.StatusNonceFormat is null ? null : "abc");
            if (_context.Client.DeclaredStatus is { } declared && (declared.Body != DeclaredBody.Form || declared.MissionInPath))
            {
                var nonce = MissionClient.NewNonce();
                var response = await _context.Client.DeclaredStatusAsync(_caller.Credentials, _missionId, _audience, nonce, Ct, asEditionSays: true);
                _asEditionSays = new StatusAnswer(response, nonce, _audience, _caller.ClientId, _missionId, _context.Clock.GetUtcNow());
            }
        }

        /// <summary>A question without the caller's credential: <paramref name="client"/>'s secret, if any, as client_secret_basic, else its client_id alone.</summary>
        private Task<WireResponse> UnauthenticatedAsync(ClientCredentials client, string nonce)
            => _context.Client.DeclaredStatus is not null
                ? _context.Client.DeclaredStatusAsync(client, _missionId, _audience, nonce, Ct, withCredential: false)
                : _context.Client.MissionStatusAsync(_statusEndpoint!, client, _missionId, _audience, nonce, Ct, withAssertion: false);

        /// <summary>The same Mission by dpop_bearer and by mtls, where the state authority advertises them, each with the requests it must refuse.</summary>
        public async Task TryOtherMethodsAsync()
        {
            // A declared operation is asked as declared; the advertised methods are the advertised endpoint's.
            if (_statusEndpoint is null || _context.Client.DeclaredStatus is not null) return;
            var methods = StatusCaller.Methods(_document).Concat(StatusCaller.Methods(_context.Client.Metadata.Document)).ToHashSet(StringComparer.Ordinal);
            if (methods.Contains("dpop_bearer")) _dpopBearer = await DpopBearerAsync(_statusEndpoint);
            // RFC 8705 §5: a client using mTLS goes to the alias, when one is advertised.
            if (methods.Contains("mtls")) _mutualTls = await MutualTlsAsync(StatusCaller.MutualTlsAlias(_context.Client.Metadata.Document) ?? StatusCaller.MutualTlsAlias(_document) ?? _statusEndpoint);
        }

        /// <summary>mtls: the caller's certificate (the target file's, else self-signed of its registered key, RFC 8705 §2.2); none; another key's.</summary>
        private async Task<MutualTlsAttempt> MutualTlsAsync(Uri endpoint)
        {
            using var selfSigned = StatusCaller.SelfSignedFor(_caller);
            var certificate = _caller.Certificate ?? selfSigned;
            if (certificate is null)
            {
                return new MutualTlsAttempt(endpoint, null, null, null,
                    NotExercised: $"status client {_caller.ClientId} has no certificateFile, and its key is no EC private JWK, of which the suite makes a self-signed certificate (RFC 8705 §2.2)");
            }
            using var strangerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var stranger = MutualTls.SelfSigned(strangerKey, _caller.ClientId);
            var nonce = MissionClient.NewNonce();
            var (answered, failure) = await _status!.AskPresentingAsync(endpoint, certificate, _missionId, _audience, nonce);
            if (answered is null)
            {
                var hint = _flow.Server.TlsTrust.Count == 0 ? "; if no public CA issued its certificate, name that certificate in the target file's tlsTrustFile" : "";
                return new MutualTlsAttempt(endpoint, null, null, null, Unreachable: $"no TLS exchange with {endpoint}: {failure}{hint}");
            }
            // An alias that demands a certificate may end the handshake without one, or without one it trusts: a refusal before HTTP.
            var (none, noneRefused) = await _status.AskPresentingAsync(endpoint, null, _missionId, _audience, MissionClient.NewNonce());
            var (other, otherRefused) = await _status.AskPresentingAsync(endpoint, stranger, _missionId, _audience, MissionClient.NewNonce());
            return new MutualTlsAttempt(endpoint, new StatusAnswer(answered, nonce, _audience, _caller.ClientId, _missionId, _context.Clock.GetUtcNow()), none, other)
            {
                Presented = _caller.Certificate is { } fromFile ? $"the target file's certificate ({fromFile.Subject}, certificateFile)" : MutualTlsAttempt.SelfSigned,
                WithoutCertificateHandshakeRefusal = noneRefused,
                OtherKeyHandshakeRefusal = otherRefused,
            };
        }

        /// <summary>dpop_bearer: a Mission-Status-scoped token by the suite's convention (client_credentials, resource = the endpoint), then the active Mission with it.</summary>
        private async Task<DpopBearerAttempt> DpopBearerAsync(Uri endpoint)
        {
            using var key = new DpopKey();
            using var other = new DpopKey();
            var issued = await _context.Client.StatusTokenAsync(_caller.Credentials, endpoint, key, Ct);
            if (issued.Status != HttpStatusCode.OK || issued.ObjectBody() is not { } body || Subset.Text(body, "access_token") is not { } statusToken
                || !string.Equals(Subset.Text(body, "token_type"), "DPoP", StringComparison.OrdinalIgnoreCase))
            {
                return new DpopBearerAttempt(issued, null, null, null, $"the suite's way to a Mission-Status-scoped DPoP token (client_credentials at the token endpoint, private_key_jwt, "
                    + $"resource the Mission Status endpoint, a DPoP proof; mission-status.md names no way) was answered HTTP {(int)issued.Status} {issued.Member("error") ?? ""}".TrimEnd());
            }
            var nonce = MissionClient.NewNonce();
            var answered = await _context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, key.Proof("POST", endpoint.AbsoluteUri, statusToken), _missionId, _audience, nonce, Ct);
            var withoutProof = await _context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, null, _missionId, _audience, MissionClient.NewNonce(), Ct);
            var otherKey = await _context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, other.Proof("POST", endpoint.AbsoluteUri, statusToken), _missionId, _audience, MissionClient.NewNonce(), Ct);
            return new DpopBearerAttempt(issued, new StatusAnswer(answered, nonce, _audience, _caller.ClientId, _missionId, _context.Clock.GetUtcNow()), withoutProof, otherKey, null);
        }

        /// <summary>Introspection of the active Mission's token: authenticated, a malformed token, unauthenticated, and signed (RFC 9701).</summary>
        public async Task IntrospectActiveAsync()
        {
            if (_introspectionEndpoint is null) return;
            _introspected = await IntrospectAsync(_token);
            _garbage = await IntrospectAsync("not-a-token-" + MissionClient.NewNonce());
            _introspectedOpenly = await IntrospectAsync(_token, withAssertion: false);
            _introspectedSigned = await IntrospectAsync(_token, accept: SignedIntrospection);
        }

        /// <summary>Another audience's real Mission, the same Intent without this caller's resource: no oracle, and no answer for it.</summary>
        public async Task AskAboutAnotherMissionAsync()
        {
            var objects = _obtained.Resources;
            if (objects.Count < 2)
            {
                _whyNoOther = $"the target file's Intent names one object, so no Mission without {_audience} can be made";
            }
            else
            {
                try
                {
                    _other = await _flow.ObtainAsync(_flow.Edition.WithResources(_flow.Intent(), objects.Where(o => o != _audience)));
                }
                catch (ConsentLoopException loop)
                {
                    // The AS could not approve that Intent (it asked for the decision again): what needs another Mission is left unjudged, the rest stands.
                    _whyNoOther = $"a Mission without {_audience} could not be approved: {loop.Message}";
                }
            }
            _whyNoNonAudience = _whyNoOther;
            if (_other?.MissionId is { } otherId && _statusEndpoint is not null) _foreign = await AskAsync(otherId);
            if (_foreign is not null && NoOracle.Differences(_unknown!.Response, null, _foreign.Response, "nonce").Count > 0)
            {
                _unknownAgain = await AskAsync("msn_" + MissionClient.NewNonce() + MissionClient.NewNonce());
            }
            if (_other?.Token.AccessToken is { } otherToken && _introspectionEndpoint is not null)
            {
                if (!_other.Token.Audiences.Contains(_audience)) _nonAudience = await IntrospectAsync(otherToken);
                else _whyNoNonAudience = $"the token of a Mission without {_audience} still names it as an audience (see MBO-AS-TOK-008)";
            }
        }

        /// <summary>Suspended, then revoked: Mission Status still answers, with the state signed (MBO-MS-010); introspection says inactive (INT-002).</summary>
        public async Task SuspendAndRevokeAsync()
        {
            if (!_context.Client.HasLifecycle)
            {
                _whyNoTransitions = Dependencies.NoLifecycle + " to suspend and revoke the Mission with";
                return;
            }
            if (await _flow.LifecycleAsync(_missionId, "suspend") is { } suspend && (int)suspend.Status is < 200 or >= 300)
            {
                _whyNoTransitions = $"suspend answered HTTP {(int)suspend.Status} (see MBO-AS-LC-002)";
                return;
            }
            _stateAfterSuspend = await _flow.StateAsync(_missionId);
            if (_statusEndpoint is not null) _suspended = await AskAsync(_missionId);
            var revoke = await _flow.LifecycleAsync(_missionId, "revoke");
            if ((int)revoke.Status is < 200 or >= 300)
            {
                (_whyNoTransitions, _suspended) = ($"revoke answered HTTP {(int)revoke.Status} (see MBO-AS-LC-001)", null);
                return;
            }
            _stateAfterRevoke = await _flow.StateAsync(_missionId);
            if (_statusEndpoint is not null) _revoked = await AskAsync(_missionId);
            if (_stateAfterRevoke is null or "revoked" && _introspectionEndpoint is not null) _introspectedRevoked = await IntrospectAsync(_token);
        }

        /// <summary>
        /// A bounded burst (MBO-MS-016), with another consumer asking for its own audience just before and right after (MBO-MS-017): a limit
        /// per consumer leaves it served after; a limit on the endpoint or the Mission refuses it too. A neighbour the suite cannot ask by
        /// the advertised method leaves MS-017 for want of one; it never interrupts this scenario.
        /// </summary>
        public async Task BurstAsync()
        {
            if (_statusEndpoint is null) return;
            // A declared credential is the deployment's: a second status client would ask with the same one, and show nothing (MBO-MS-017).
            var neighbour = _context.Client.DeclaredStatus?.Authentication is not null ? null
                : _flow.Server.StatusClients.FirstOrDefault(c => c.ClientId != _caller.ClientId && c.Audience is not null);
            using var neighbourAsker = neighbour is null ? null : StatusCaller.For(_context, neighbour, _statusEndpoint, _document);
            async Task<WireResponse?> NeighbourAsksAsync()
            {
                try
                {
                    return await neighbourAsker!.AskAsync(_missionId, neighbour!.Audience!, MissionClient.NewNonce());
                }
                catch (ScenarioInterruptedException)
                {
                    return null;
                }
            }
            var neighbourBefore = neighbourAsker is null ? null : await NeighbourAsksAsync();
            for (var i = 0; i < BurstLimit && _burst.All(r => r.Status != HttpStatusCode.TooManyRequests); i++)
            {
                _burst.Add((await AskAsync(_missionId)).Response);
            }
            if (neighbourBefore is not null && _burst.Any(r => r.Status == HttpStatusCode.TooManyRequests) && await NeighbourAsksAsync() is { } neighbourAfter)
            {
                _afterBurst = new RateLimitNeighbour(neighbour!.ClientId, neighbourBefore, neighbourAfter);
            }
        }

        /// <summary>Every check, on what the steps gathered.</summary>
        public async Task JudgeAsync()
        {
            var whyNoRevoked = _whyNoTransitions ?? (_stateAfterRevoke is { } s && s != "revoked" ? $"after revoke the inventory shows the Mission {s} (see MBO-AS-LC-001)" : null);
            var anchor = (string?)(await _flow.RecordAsync(_missionId))?["integrity"]?["authority_hash"] is { } recorded
                ? new AnchorReference(recorded, "Mission record")
                : Subset.Text(_claim, "authority_hash") is { } carried ? new AnchorReference(carried, "token") : null;
            MissionStatusEvidence? statusEvidence = null;
            if (_statusEndpoint is not null)
            {
                statusEvidence = new MissionStatusEvidence(_origin, anchor, _jwks, _active!, _unauthenticated!, _basic!, _authenticationNonce,
                    _unknown!, _foreign, _malformedNonce!, _suspended, _revoked, _burst, _whyNoOther ?? (_foreign is null && _other is not null ? Dependencies.NoMissionId(_other) : null),
                    _whyNoTransitions, _stateAfterSuspend, _stateAfterRevoke)
                {
                    Method = _status!.Method, DpopBearer = _dpopBearer, MutualTls = _mutualTls, UnknownAgain = _unknownAgain, Neighbour = _afterBurst,
                    RuntimeEnforcementAdvertised = RuntimeEnforcement(_context.Client.Metadata.Document, _document),
                    Edition = _flow.Edition, Declared = _context.Client.DeclaredStatus, AsEditionSays = _asEditionSays,
                    MaxStaleSeconds = MaxStaleSeconds(_context.Client.Metadata.Document) ?? MaxStaleSeconds(_document),
                };
                foreach (var check in StatusChecks.Cast<Check<MissionStatusEvidence>>()) _context.Judge(check, statusEvidence);
            }
            IntrospectionEvidence? introspectionEvidence = null;
            if (_introspectionEndpoint is not null)
            {
                introspectionEvidence = new IntrospectionEvidence(_audience, _missionId, anchor, _introspected!, _garbage!, _introspectedOpenly!, _nonAudience, _whyNoNonAudience,
                    _introspectedSigned!, _jwks, _introspectedRevoked, whyNoRevoked ?? (_introspectedRevoked is null ? "the Mission could not be revoked" : null))
                {
                    Edition = _flow.Edition,
                };
                foreach (var check in IntrospectionChecks.Cast<Check<IntrospectionEvidence>>()) _context.Judge(check, introspectionEvidence);
            }
            JudgeCapability(_context, statusEvidence, introspectionEvidence);
        }

        public void Dispose() => _status?.Dispose();
    }

    /// <summary>
    /// MBO-CM-006: AD-3 needs Mission Status or introspection with the Mission projection, so one road that holds suffices and
    /// only it is judged; when neither holds, each offered road is judged and says what it lacks. Judging both always made
    /// the worst verdict win, which turned "or" into "and".
    /// </summary>
    private static void JudgeCapability(ScenarioContext context, MissionStatusEvidence? status, IntrospectionEvidence? introspection)
    {
        if (status is not null && new MissionStatusCapability().Judge(status).Holds == true)
        {
            context.Judge(new MissionStatusCapability(), status);
            return;
        }
        if (introspection is not null && new IntrospectionCapability().Judge(introspection).Holds == true)
        {
            context.Judge(new IntrospectionCapability(), introspection);
            return;
        }
        if (status is not null) context.Judge(new MissionStatusCapability(), status);
        if (introspection is not null) context.Judge(new IntrospectionCapability(), introspection);
    }

    /// <summary>
    /// Where runtime enforcement is advertised (mission-status.md open point 2): runtime_enforcement in the AS metadata's or the
    /// mission-authority document's mission_profiles_supported, or Level 4 in mission_ladder_levels_supported; null when nowhere.
    /// </summary>
    private static string? RuntimeEnforcement(JsonElement metadata, JsonElement? document)
    {
        var advertisements = new (string Where, JsonElement? Object)[]
        {
            ("the AS metadata", metadata),
            ("the mission-authority document", document is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("mission_capability_advertisement", out var c) ? c : document),
        };
        foreach (var (where, value) in advertisements)
        {
            if (value is not { ValueKind: JsonValueKind.Object } o) continue;
            if (o.TryGetProperty("mission_profiles_supported", out var profiles) && profiles.ValueKind == JsonValueKind.Array
                && profiles.EnumerateArray().Any(p => p.ValueKind == JsonValueKind.String && p.GetString() == "runtime_enforcement"))
            {
                return $"{where} lists runtime_enforcement in mission_profiles_supported";
            }
            if (o.TryGetProperty("mission_ladder_levels_supported", out var levels) && levels.ValueKind == JsonValueKind.Array
                && levels.EnumerateArray().Any(l => l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) && n == 4))
            {
                return $"{where} claims Level 4";
            }
        }
        return null;
    }

    /// <summary>mission_max_stale_seconds of a metadata document (ietf status §Authorization Server Metadata), when a positive integer.</summary>
    private static int? MaxStaleSeconds(JsonElement? document)
        => document is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("mission_max_stale_seconds", out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetInt32(out var seconds) && seconds > 0 ? seconds : null;

    private static Uri? UriMember(JsonElement? document, string name)
        => document is { } d && Subset.Text(d, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
}
