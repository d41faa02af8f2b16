using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
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
        var flow = new MissionFlow(context);
        var ct = context.Cancellation;
        var obtained = await flow.ObtainAsync();
        if (obtained.MissionId is not { } missionId || obtained.Token.Mission is not { } claim || Subset.Text(claim, "origin") is not { } origin
            || obtained.Token.AccessToken is not { } token)
        {
            foreach (var id in Requirements) context.Blocked(id, Dependencies.MissingMission(obtained.Token, "id", "origin") ?? "the code redemption returned no access_token");
            return;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri) || originUri.Query.Length > 0 || originUri.Fragment.Length > 0)
        {
            foreach (var id in Requirements) context.Blocked(id, $"mission.origin \"{origin}\" is not a URL without query or fragment (MBO-AS-REC-003), so the state authority cannot be located from it");
            return;
        }

        // The state authority is mission.origin (mission-status.md "Purpose"); its document says where to ask.
        var documentUrl = new Uri(origin.TrimEnd('/') + "/.well-known/mission-authority");
        var document = await context.Client.GetDocumentAsync(documentUrl, ct);
        var documentJson = document.Status == HttpStatusCode.OK ? document.ObjectBody() : null;
        var statusEndpoint = context.Client.Metadata.MissionStatusEndpoint ?? UriMember(documentJson, "mission_status_endpoint");
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
            return;
        }

        var objects = MissionFlow.Objects(obtained.Intent);
        var caller = flow.Server.StatusClients.FirstOrDefault(c => objects.Contains(c.Audience!) && obtained.Token.Audiences.Contains(c.Audience!));
        if (caller is null)
        {
            var why = flow.Server.StatusClients.Count == 0
                ? "the target file names no Resource Server client (clients[] with role \"status\", its keyFile and the audience it asks for)"
                : "no status client's audience is both one of the Intent's objects and an audience of the issued token";
            foreach (var id in Requirements.Except(context.Judged)) context.Interrupt(id, why);
            return;
        }
        var audience = caller.Audience!;
        var jwksUri = UriMember(documentJson, "jwks_uri") ?? context.Client.Metadata.JwksUri;
        var jwks = (await context.Client.GetDocumentAsync(jwksUri, ct)).Body;

        // Every question goes by a method the state authority advertises (private_key_jwt first), as its Resource Servers would ask.
        using var status = statusEndpoint is null ? null : StatusCaller.For(context, caller, statusEndpoint, documentJson);
        async Task<StatusAnswer> AskAsync(string mission)
        {
            var nonce = MissionClient.NewNonce();
            var response = await status!.AskAsync(mission, audience, nonce);
            return new StatusAnswer(response, nonce, audience, caller.ClientId, mission, context.Clock.GetUtcNow());
        }
        Task<WireResponse> IntrospectAsync(string value, bool withAssertion = true, string? accept = null)
            => context.Client.IntrospectAsync(introspectionEndpoint!, caller.Credentials, value, ct, withAssertion, accept);

        // The active Mission, and the refusals that need no second Mission.
        StatusAnswer? active = null, unknown = null, unknownAgain = null;
        WireResponse? unauthenticated = null, basic = null, malformedNonce = null;
        var authenticationNonce = MissionClient.NewNonce();
        if (statusEndpoint is not null)
        {
            active = await AskAsync(missionId);
            context.Control(Controls.StatusServed, active.Response.Status == HttpStatusCode.OK, $"the authenticated request answered {active.Response.Outcome()}");
            unauthenticated = await context.Client.MissionStatusAsync(statusEndpoint, new ClientCredentials(caller.ClientId), missionId, audience, authenticationNonce, ct, withAssertion: false);
            basic = await context.Client.MissionStatusAsync(statusEndpoint, new ClientCredentials(flow.Agent.ClientId, flow.Agent.Secret ?? "not-a-secret"),
                missionId, audience, MissionClient.NewNonce(), ct, withAssertion: false);
            unknown = await AskAsync("msn_" + MissionClient.NewNonce() + MissionClient.NewNonce());
            malformedNonce = await status!.AskAsync(missionId, audience, "abc");
        }
        var methods = StatusCaller.Methods(documentJson).Concat(StatusCaller.Methods(context.Client.Metadata.Document)).ToHashSet(StringComparer.Ordinal);
        DpopBearerAttempt? dpopBearer = null;
        if (statusEndpoint is not null && methods.Contains("dpop_bearer"))
        {
            dpopBearer = await DpopBearerAsync(statusEndpoint, missionId);
        }
        MutualTlsAttempt? mutualTls = null;
        if (statusEndpoint is not null && methods.Contains("mtls"))
        {
            // RFC 8705 §5: a client using mTLS goes to the alias, when one is advertised.
            mutualTls = await MutualTlsAsync(StatusCaller.MutualTlsAlias(context.Client.Metadata.Document) ?? StatusCaller.MutualTlsAlias(documentJson) ?? statusEndpoint, missionId);
        }

        // mtls: the caller's certificate (the target file's, else self-signed of its registered key, RFC 8705 §2.2); none; another key's.
        async Task<MutualTlsAttempt> MutualTlsAsync(Uri endpoint, string mission)
        {
            using var selfSigned = StatusCaller.SelfSignedFor(caller);
            var certificate = caller.Certificate ?? selfSigned;
            if (certificate is null)
            {
                return new MutualTlsAttempt(endpoint, null, null, null,
                    NotExercised: $"status client {caller.ClientId} has no certificateFile, and its key is no EC private JWK, of which the suite makes a self-signed certificate (RFC 8705 §2.2)");
            }
            using var strangerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var stranger = MutualTls.SelfSigned(strangerKey, caller.ClientId);
            var trust = flow.Server.TlsTrust;
            var timeout = context.Target.Timeouts.Request;
            using var withCertificate = MutualTls.Client(context.Wire, certificate, trust, timeout);
            using var withoutCertificate = MutualTls.Client(context.Wire, null, trust, timeout);
            using var withStranger = MutualTls.Client(context.Wire, stranger, trust, timeout);
            var named = new ClientCredentials(caller.ClientId);
            var nonce = MissionClient.NewNonce();
            var (answered, failure) = await TlsAsync(withCertificate, nonce);
            if (answered is null)
            {
                var hint = trust.Count == 0 ? "; if no public CA issued its certificate, name that certificate in the target file's tlsTrustFile" : "";
                return new MutualTlsAttempt(endpoint, null, null, null, Unreachable: $"no TLS exchange with {endpoint}: {failure}{hint}");
            }
            // An alias that demands a certificate may end the handshake without one, or without one it trusts: a refusal before HTTP.
            var (none, noneRefused) = await TlsAsync(withoutCertificate, MissionClient.NewNonce());
            var (other, otherRefused) = await TlsAsync(withStranger, MissionClient.NewNonce());
            return new MutualTlsAttempt(endpoint, new StatusAnswer(answered, nonce, audience, caller.ClientId, mission, context.Clock.GetUtcNow()), none, other)
            {
                Presented = caller.Certificate is { } fromFile ? $"the target file's certificate ({fromFile.Subject}, certificateFile)" : MutualTlsAttempt.SelfSigned,
                WithoutCertificateHandshakeRefusal = noneRefused,
                OtherKeyHandshakeRefusal = otherRefused,
            };

            async Task<(WireResponse? Response, string? Failure)> TlsAsync(HttpClient http, string requestNonce)
            {
                try
                {
                    return (await Over(http).MissionStatusAsync(endpoint, named, mission, audience, requestNonce, ct, withAssertion: false), null);
                }
                catch (HttpRequestException e)
                {
                    return (null, $"{e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
                }
            }
        }
        MissionClient Over(HttpClient http) => new(http, context.Client.Metadata, context.Clock);

        // dpop_bearer: a Mission-Status-scoped token by the suite's convention (client_credentials, resource = the endpoint), then the active Mission with it.
        async Task<DpopBearerAttempt> DpopBearerAsync(Uri endpoint, string mission)
        {
            using var key = new DpopKey();
            using var other = new DpopKey();
            var issued = await context.Client.StatusTokenAsync(caller.Credentials, endpoint, key, ct);
            if (issued.Status != HttpStatusCode.OK || issued.ObjectBody() is not { } body || Subset.Text(body, "access_token") is not { } statusToken
                || !string.Equals(Subset.Text(body, "token_type"), "DPoP", StringComparison.OrdinalIgnoreCase))
            {
                return new DpopBearerAttempt(issued, null, null, null, $"the suite's way to a Mission-Status-scoped DPoP token (client_credentials at the token endpoint, private_key_jwt, "
                    + $"resource the Mission Status endpoint, a DPoP proof; mission-status.md names no way) was answered HTTP {(int)issued.Status} {issued.Member("error") ?? ""}".TrimEnd());
            }
            var nonce = MissionClient.NewNonce();
            var answered = await context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, key.Proof("POST", endpoint.AbsoluteUri, statusToken), mission, audience, nonce, ct);
            var withoutProof = await context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, null, mission, audience, MissionClient.NewNonce(), ct);
            var otherKey = await context.Client.MissionStatusWithTokenAsync(endpoint, statusToken, other.Proof("POST", endpoint.AbsoluteUri, statusToken), mission, audience, MissionClient.NewNonce(), ct);
            return new DpopBearerAttempt(issued, new StatusAnswer(answered, nonce, audience, caller.ClientId, mission, context.Clock.GetUtcNow()), withoutProof, otherKey, null);
        }
        WireResponse? introspected = null, garbage = null, introspectedOpenly = null, introspectedSigned = null;
        if (introspectionEndpoint is not null)
        {
            introspected = await IntrospectAsync(token);
            garbage = await IntrospectAsync("not-a-token-" + MissionClient.NewNonce());
            introspectedOpenly = await IntrospectAsync(token, withAssertion: false);
            introspectedSigned = await IntrospectAsync(token, accept: SignedIntrospection);
        }

        // Another audience's real Mission: the same Intent without this caller's resource.
        ObtainedMission? other = null;
        string? whyNoOther = null;
        if (objects.Count < 2)
        {
            whyNoOther = $"the target file's Intent names one object, so no Mission without {audience} can be made";
        }
        else
        {
            var otherIntent = flow.Intent();
            otherIntent["objects"] = new JsonArray(objects.Where(o => o != audience).Select(o => (JsonNode?)o).ToArray());
            other = await flow.ObtainAsync(otherIntent);
        }
        StatusAnswer? foreign = null;
        WireResponse? nonAudience = null;
        string? whyNoNonAudience = whyNoOther;
        if (other?.MissionId is { } otherId && statusEndpoint is not null) foreign = await AskAsync(otherId);
        if (foreign is not null && NoOracle.Differences(unknown!.Response, null, foreign.Response, "nonce").Count > 0)
        {
            unknownAgain = await AskAsync("msn_" + MissionClient.NewNonce() + MissionClient.NewNonce());
        }
        if (other?.Token.AccessToken is { } otherToken && introspectionEndpoint is not null)
        {
            if (!other.Token.Audiences.Contains(audience)) nonAudience = await IntrospectAsync(otherToken);
            else whyNoNonAudience = $"the token of a Mission without {audience} still names it as an audience (see MBO-AS-TOK-008)";
        }

        // Suspended, then revoked: Mission Status still answers, with the state signed (MBO-MS-010); introspection says inactive (INT-002).
        StatusAnswer? suspended = null, revoked = null;
        WireResponse? introspectedRevoked = null;
        string? whyNoTransitions = null, stateAfterSuspend = null, stateAfterRevoke = null;
        if (context.Client.Metadata.LifecycleEndpoint is null)
        {
            whyNoTransitions = "the AS advertises no mission_lifecycle_endpoint to suspend and revoke the Mission with";
        }
        else if (await flow.LifecycleAsync(missionId, "suspend") is { } suspend && (int)suspend.Status is < 200 or >= 300)
        {
            whyNoTransitions = $"suspend answered HTTP {(int)suspend.Status} (see MBO-AS-LC-002)";
        }
        else
        {
            stateAfterSuspend = await flow.StateAsync(missionId);
            if (statusEndpoint is not null) suspended = await AskAsync(missionId);
            var revoke = await flow.LifecycleAsync(missionId, "revoke");
            if ((int)revoke.Status is < 200 or >= 300)
            {
                (whyNoTransitions, suspended) = ($"revoke answered HTTP {(int)revoke.Status} (see MBO-AS-LC-001)", null);
            }
            else
            {
                stateAfterRevoke = await flow.StateAsync(missionId);
                if (statusEndpoint is not null) revoked = await AskAsync(missionId);
                if (stateAfterRevoke is null or "revoked" && introspectionEndpoint is not null) introspectedRevoked = await IntrospectAsync(token);
            }
        }
        var whyNoRevoked = whyNoTransitions ?? (stateAfterRevoke is { } s && s != "revoked" ? $"after revoke the inventory shows the Mission {s} (see MBO-AS-LC-001)" : null);

        // MBO-MS-017: another consumer asks about the Mission for its own audience just before the burst and right after it. A limit per
        // consumer leaves it served after; a limit on the endpoint or the Mission refuses it too.
        // A neighbour the suite cannot ask by the advertised method leaves MS-017 for want of one; it never interrupts this scenario.
        var neighbour = statusEndpoint is null ? null : flow.Server.StatusClients.FirstOrDefault(c => c.ClientId != caller.ClientId && c.Audience is not null);
        using var neighbourAsker = neighbour is null ? null : StatusCaller.For(context, neighbour, statusEndpoint!, documentJson);
        async Task<WireResponse?> NeighbourAsksAsync()
        {
            try
            {
                return await neighbourAsker!.AskAsync(missionId, neighbour!.Audience!, MissionClient.NewNonce());
            }
            catch (ScenarioInterruptedException)
            {
                return null;
            }
        }
        var neighbourBefore = neighbourAsker is null ? null : await NeighbourAsksAsync();

        // Last, because it may leave this client rate-limited for a while: a bounded burst (MBO-MS-016).
        var burst = new List<WireResponse>();
        for (var i = 0; statusEndpoint is not null && i < BurstLimit && burst.All(r => r.Status != HttpStatusCode.TooManyRequests); i++)
        {
            burst.Add((await AskAsync(missionId)).Response);
        }
        RateLimitNeighbour? afterBurst = null;
        if (neighbourBefore is not null && burst.Any(r => r.Status == HttpStatusCode.TooManyRequests) && await NeighbourAsksAsync() is { } neighbourAfter)
        {
            afterBurst = new RateLimitNeighbour(neighbour!.ClientId, neighbourBefore, neighbourAfter);
        }

        var anchor = (string?)(await flow.RecordAsync(missionId))?["integrity"]?["authority_hash"] is { } recorded
            ? new AnchorReference(recorded, "Mission record")
            : Subset.Text(claim, "authority_hash") is { } carried ? new AnchorReference(carried, "token") : null;
        MissionStatusEvidence? statusEvidence = null;
        if (statusEndpoint is not null)
        {
            var evidence = new MissionStatusEvidence(origin, anchor, jwks, active!, unauthenticated!, basic!, authenticationNonce,
                unknown!, foreign, malformedNonce!, suspended, revoked, burst, whyNoOther ?? (foreign is null && other is not null ? Dependencies.NoMissionId(other) : null), whyNoTransitions,
                stateAfterSuspend, stateAfterRevoke) { Method = status!.Method, DpopBearer = dpopBearer, MutualTls = mutualTls, UnknownAgain = unknownAgain, Neighbour = afterBurst,
                RuntimeEnforcementAdvertised = RuntimeEnforcement(context.Client.Metadata.Document, documentJson),
            };
            context.Judge(new StatusAnswersSigned(), evidence);
            context.Judge(new StatusRequiresAuthentication(), evidence);
            context.Judge(new StatusJwsVerifies(), evidence);
            context.Judge(new StatusBindsRequest(), evidence);
            context.Judge(new StatusPayloadComplete(), evidence);
            context.Judge(new StatusProjectionAudienceOnly(), evidence);
            context.Judge(new StatusNoOracle(), evidence);
            context.Judge(new StatusErrorsEchoNonce(), evidence);
            context.Judge(new StatusNonceFormatEnforced(), evidence);
            context.Judge(new StatusReportsInactiveMissions(), evidence);
            context.Judge(new StatusLifetimeRecommended(), evidence);
            context.Judge(new StatusRateLimitedPerConsumer(), evidence);
            context.Judge(new StatusCarriesPolicyVersion(), evidence);
            context.Judge(new StatusTimestampsOrdered(), evidence);
            context.Judge(new StatusMissionMemberExclusive(), evidence);
            context.Judge(new StatusRateLimitSignalled(), evidence);
            context.Judge(new StatusNotIntrospectionFormat(), evidence);
            statusEvidence = evidence;
        }
        IntrospectionEvidence? introspectionEvidence = null;
        if (introspectionEndpoint is not null)
        {
            var evidence = new IntrospectionEvidence(audience, missionId, anchor, introspected!, garbage!, introspectedOpenly!, nonAudience, whyNoNonAudience,
                introspectedSigned!, jwks, introspectedRevoked, whyNoRevoked ?? (introspectedRevoked is null ? "the Mission could not be revoked" : null));
            context.Judge(new IntrospectionShowsActiveMission(), evidence);
            context.Judge(new IntrospectionShowsInactiveMission(), evidence);
            context.Judge(new IntrospectionAudienceOnly(), evidence);
            context.Judge(new IntrospectionUnknownTokenInactive(), evidence);
            context.Judge(new IntrospectionSigned(), evidence);
            introspectionEvidence = evidence;
        }
        JudgeCapability(context, statusEvidence, introspectionEvidence);
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

    private static Uri? UriMember(JsonElement? document, string name)
        => document is { } d && Subset.Text(d, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
}
