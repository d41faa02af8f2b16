using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Schemas;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace MissionConformance.Harness.Peers;

/// <summary>A Mission the simulated AS holds, whose state a scenario scripts.</summary>
public sealed class SimulatedMission(string id, string origin, string subject, string clientId, JsonArray authority, string authorityHash, DateTimeOffset expiry)
{
    private string _state = "active";

    public string Id => id;

    public string Origin => origin;

    public string Subject => subject;

    public string ClientId => clientId;

    public JsonArray Authority => authority;

    public string AuthorityHash => authorityHash;

    public DateTimeOffset Expiry => expiry;

    public const string PolicyVersion = "sim-policy-2026-11";

    public string PolicyViewId => "sha-256:" + Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(id + PolicyVersion)));

    public const string PolicyViewVersion = "1";

    public string State
    {
        get => Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, value);
    }

    /// <summary>The mission claim a token for this Mission carries (oauth-profile.md §8).</summary>
    public JsonObject Claim() => new() { ["id"] = id, ["origin"] = origin, ["authority_hash"] = authorityHash };
}

/// <summary>How <see cref="SimulatedAuthorizationServer.FailStatus"/> leaves a Mission Status request unanswered.</summary>
public enum StatusOutage
{
    /// <summary>503 temporarily_unavailable, with Retry-After.</summary>
    Unavailable,

    /// <summary>200 with random bytes for a body and no content type.</summary>
    Garbage,
}

/// <summary>What a minted access token says; every member can be set wrong on purpose.</summary>
public sealed record AccessTokenSpec(string Audience, SimulatedMission? Mission)
{
    public JsonArray? AuthorizationDetails { get; init; }

    /// <summary>Replaces the Mission's claim (e.g. with x_ members); null keeps the Mission's own.</summary>
    public JsonObject? MissionClaim { get; init; }

    public bool OmitMission { get; init; }

    public string? Scope { get; init; }

    public string Type { get; init; } = "at+jwt";

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Seconds before now the token was issued (with a short lifetime, an expired token).</summary>
    public TimeSpan IssuedAgo { get; init; } = TimeSpan.Zero;

    /// <summary>Signed with a key the issuer's JWKS does not hold.</summary>
    public bool ForeignKey { get; init; }

    /// <summary>cnf.jkt: the token is bound to this DPoP key thumbprint (RFC 9449 §6).</summary>
    public string? DpopThumbprint { get; init; }

    /// <summary>The act claim of a delegated token (RFC 8693 §4.1): the acting party, with any earlier actors nested.</summary>
    public JsonObject? Act { get; init; }
}

/// <summary>
/// The Authorization Server a Resource Server under test is told to trust (design.md principle 4):
/// RFC 8414 metadata, a JWKS, access tokens minted with whatever claims a scenario needs, and a Mission
/// Status endpoint (mission-status.md) answering signed responses whose state the scenario scripts.
/// WireMock on 127.0.0.1; every request it receives is evidence.
/// </summary>
public sealed class SimulatedAuthorizationServer : IDisposable
{
    public const string StatusPath = "/mission-status";
    public const string StatusResponseType = "application/mission-status-response+jwt";
    public const string IntrospectionPath = "/introspect";

    private readonly WireMockServer _server;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, SimulatedMission> _missions = new(StringComparer.Ordinal);
    private readonly PeerLog _log;
    private readonly ConcurrentDictionary<string, int> _statusRequests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _introspections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _statusRequestErrors = new(StringComparer.Ordinal);

    private SimulatedAuthorizationServer(WireMockServer server, PeerLog log)
    {
        _server = server;
        _log = log;
        Kid = "sim-" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(6));
    }

    public string Kid { get; }

    /// <summary>On 127.0.0.1, as bound (WireMock names it localhost, which would make a different issuer string).</summary>
    public Uri Issuer => new($"http://127.0.0.1:{_server.Ports[0]}/");

    public string JwksUri => Issuer.AbsoluteUri + "jwks";

    public string StatusEndpoint => Issuer.AbsoluteUri + StatusPath.TrimStart('/');

    /// <summary>How long a Mission Status response may be used (expires_at − issued_at); short, so a change shows quickly.</summary>
    public TimeSpan StatusLifetime { get; set; } = TimeSpan.FromSeconds(1);

    public static SimulatedAuthorizationServer Start(int port, PeerLog log)
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
        var simulated = new SimulatedAuthorizationServer(server, log);
        simulated.Map();
        return simulated;
    }

    private void Map()
    {
        _server.Given(Request.Create().WithPath("/.well-known/oauth-authorization-server").UsingGet())
            .RespondWith(Response.Create().WithCallback(request => _log.Answer("authorization server", request, 200, "application/json", Metadata().ToJsonString())));
        _server.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithCallback(request => _log.Answer("authorization server", request, 200, "application/json", PublicJwks.Of(_key, Kid).ToJsonString())));
        // Below the per-Mission mappings of FailStatus (WireMock: the lower number wins).
        _server.Given(Request.Create().WithPath(StatusPath).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(Status));
        _server.Given(Request.Create().WithPath(IntrospectionPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(IntrospectAsync));
        _server.Given(Request.Create().WithPath(TokenPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(IssueAsync));
    }

    public const string TokenPath = "/token";

    public string TokenEndpoint => Issuer.AbsoluteUri + TokenPath.TrimStart('/');

    /// <summary>
    /// POST /token, grant client_credentials (RFC 6749 §4.4) by private_key_jwt, with a DPoP proof (RFC 9449) and the audience as resource
    /// (RFC 8707): a DPoP-bound at+jwt for that resource, as a PEP gets one for its PDP (runtime.md §1, MBO-RT-PEP-013). Like Mission Status,
    /// the assertion is required but its signature is not checked: Resource Servers under test bring keys the simulated AS was never given.
    /// </summary>
    private async Task<WireMock.IResponseMessage> IssueAsync(WireMock.IRequestMessage request)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Body ?? "");
        if (form["grant_type"] != "client_credentials") return _log.Answer("authorization server", request, 400, "application/json", Error("unsupported_grant_type", "only client_credentials", null));
        if (string.IsNullOrEmpty(form["client_assertion"]) || form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return _log.Answer("authorization server", request, 401, "application/json", Error("invalid_client", "authenticate with private_key_jwt", null));
        }
        if (form["resource"] is not { Length: > 0 } resource || !Uri.IsWellFormedUriString(resource, UriKind.Absolute))
        {
            return _log.Answer("authorization server", request, 400, "application/json", Error("invalid_target", "name the audience as resource (RFC 8707)", null));
        }
        var (thumbprint, problem) = await Crypto.DpopProofs.VerifyAsync(Header(request, "DPoP"), "POST", TokenEndpoint, null);
        if (thumbprint is null) return _log.Answer("authorization server", request, 400, "application/json", Error("invalid_dpop_proof", problem!, null));
        var clientId = Unverified(form["client_assertion"]!, "iss") ?? "unknown";
        var token = Mint(new AccessTokenSpec(resource, null) { DpopThumbprint = thumbprint, Lifetime = TimeSpan.FromMinutes(10) }, clientId);
        return _log.Answer("authorization server", request, 200, "application/json",
            new JsonObject { ["access_token"] = token, ["token_type"] = "DPoP", ["expires_in"] = 600 }.ToJsonString(), null, ("Cache-Control", "no-store"));
    }

    /// <summary>
    /// Why a caller of the peer at <paramref name="audience"/> is not authenticated as runtime.md §1 asks (a DPoP-bound at+jwt of this issuer
    /// for that audience, with a valid proof for this request), or null when it is.
    /// </summary>
    public async Task<string?> CallerProblemAsync(WireMock.IRequestMessage request, string audience, string url)
    {
        var authorization = Header(request, "Authorization");
        if (authorization is null) return "no Authorization header: the call is unauthenticated";
        if (!authorization.StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase)) return $"Authorization uses the {authorization.Split(' ')[0]} scheme, not DPoP: a bearer credential proves no key";
        var token = authorization[5..].Trim();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer.AbsoluteUri, ValidAudience = audience, IssuerSigningKey = new ECDsaSecurityKey(_key) { KeyId = Kid }, ClockSkew = TimeSpan.FromSeconds(5),
        });
        if (!result.IsValid) return $"the access token is not one of {Issuer} for {audience}: {result.Exception?.Message}";
        var jkt = ((JsonWebToken)result.SecurityToken).TryGetPayloadValue<JsonElement>("cnf", out var cnf) && cnf.TryGetProperty("jkt", out var j) ? j.GetString() : null;
        if (jkt is null) return "the access token is not DPoP-bound (no cnf.jkt)";
        var (thumbprint, problem) = await Crypto.DpopProofs.VerifyAsync(Header(request, "DPoP"), request.Method, url, token);
        return problem ?? (thumbprint == jkt ? null : "the DPoP proof is signed by a key the token is not bound to");
    }

    private static string? Header(WireMock.IRequestMessage request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public JsonObject Metadata() => new()
    {
        ["issuer"] = Issuer.AbsoluteUri,
        ["jwks_uri"] = JwksUri,
        ["mission_status_endpoint"] = StatusEndpoint,
        ["mission_status_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        ["introspection_endpoint"] = Issuer.AbsoluteUri + IntrospectionPath.TrimStart('/'),
        ["introspection_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        ["token_endpoint"] = TokenEndpoint,
        ["grant_types_supported"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        ["dpop_signing_alg_values_supported"] = new JsonArray("ES256"),
        ["authorization_details_types_supported"] = new JsonArray("mission_resource_access"),
    };

    /// <summary>A Mission in state active, its authority_hash computed by the harness's own anchor code.</summary>
    public SimulatedMission CreateMission(string subject, string clientId, JsonArray authority, TimeSpan lifetime, Wire.WireLog? wire = null)
    {
        var id = "msn_sim_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var hash = IntegrityAnchors.Framework("mission-authority-set", "urn:mbo:schema:mission-authority-set:1", "sim-tenant", Issuer.AbsoluteUri, authority);
        var mission = new SimulatedMission(id, Issuer.AbsoluteUri, subject, clientId, authority, hash, DateTimeOffset.UtcNow + lifetime);
        _missions[id] = mission;
        _log.Own(id, Wire.WireLog.Scenario, wire);
        return mission;
    }

    /// <summary>The event type of mas.md's provisional lifecycle SET (open point 2: no seed-era URI exists).</summary>
    public const string LifecycleEventType = "https://schemas.karlmcguinness.com/mission/lifecycle-change";

    /// <summary>
    /// Pushes a lifecycle SET (RFC 8417, mas.md) for the Mission to a receiver (RFC 8935: POST
    /// application/secevent+jwt), signed with this issuer's key, through the caller's (capturing) client.
    /// </summary>
    public async Task<HttpResponseMessage> PushEventAsync(HttpClient http, Uri receiver, SimulatedMission mission, string priorState, string state, string audience, CancellationToken ct)
    {
        var set = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(LifecycleEvent(mission, priorState, state, audience).ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = Kid }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = "secevent+jwt" });
        using var content = new StringContent(set, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/secevent+jwt");
        return await http.PostAsync(receiver, content, ct);
    }

    /// <summary>The payload of the lifecycle SET <see cref="PushEventAsync"/> signs (lifecycle-event-set.schema.json, mas.md's provisional shape).</summary>
    public JsonObject LifecycleEvent(SimulatedMission mission, string priorState, string state, string audience)
        => new()
        {
            ["iss"] = Issuer.AbsoluteUri, ["aud"] = audience, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["jti"] = "set-" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            ["events"] = new JsonObject
            {
                [LifecycleEventType] = new JsonObject
                {
                    ["mission"] = new JsonObject { ["id"] = mission.Id, ["origin"] = mission.Origin },
                    ["prior_state"] = priorState, ["state"] = state, ["committed_at"] = Rfc3339(DateTimeOffset.UtcNow),
                },
            },
        };

    /// <summary>
    /// From now on, a Mission Status request about <paramref name="mission"/> gets no usable answer, as when the state
    /// authority cannot be reached (MBO-MAS-003): 503 temporarily_unavailable, or 200 with a body of random bytes and no
    /// content type (WireMock's malformed-chunk fault). A peer shared by parallel scenarios cannot drop the connection for
    /// one Mission alone; other Missions are answered as before.
    /// </summary>
    public void FailStatus(SimulatedMission mission, StatusOutage outage)
    {
        var response = outage == StatusOutage.Unavailable
            ? Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "30")
                .WithBody("{\"error\":\"temporarily_unavailable\",\"error_description\":\"the Mission Authority cannot answer\"}")
            : Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK);
        _server.Given(Request.Create().WithPath(StatusPath).UsingPost().WithBody(new WireMock.Matchers.RegexMatcher($"(^|&)mission={Regex.Escape(mission.Id)}(&|$)")))
            .AtPriority(1).RespondWith(response);
    }

    /// <summary>How many authenticated Mission Status requests named this Mission (MBO-RS-C-008).</summary>
    public int StatusRequestsFor(string missionId) => _statusRequests.GetValueOrDefault(missionId);

    /// <summary>What was wrong with each malformed Mission Status request naming this Mission, in order.</summary>
    public IReadOnlyList<string> StatusRequestErrorsFor(string missionId) => _statusRequestErrors.GetValueOrDefault(missionId) ?? [];

    /// <summary>How many introspection requests named a token of the Mission.</summary>
    public int IntrospectionsFor(string missionId) => _introspections.GetValueOrDefault(missionId);

    public string Mint(AccessTokenSpec spec) => Mint(spec, null);

    private string Mint(AccessTokenSpec spec, string? client)
    {
        var now = DateTimeOffset.UtcNow - spec.IssuedAgo;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = spec.Mission?.Subject ?? client ?? "user-sim",
            ["client_id"] = spec.Mission?.ClientId ?? client ?? "agent-sim",
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
        };
        if (!spec.OmitMission && (spec.MissionClaim ?? spec.Mission?.Claim()) is { } mission) claims["mission"] = Element(mission);
        if ((spec.AuthorizationDetails ?? spec.Mission?.Authority) is { } details) claims["authorization_details"] = Element(details);
        if (spec.Scope is not null) claims["scope"] = spec.Scope;
        if (spec.DpopThumbprint is not null) claims["cnf"] = new Dictionary<string, object> { ["jkt"] = spec.DpopThumbprint };
        if (spec.Act is not null) claims["act"] = Element(spec.Act);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer.AbsoluteUri,
            Audience = spec.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + spec.Lifetime).UtcDateTime,
            TokenType = spec.Type,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(spec.ForeignKey ? _foreignKey : _key) { KeyId = Kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>
    /// POST /mission-status: authenticated (a client_assertion), by reference, signed, nonce echoed, projection filtered to the
    /// audience. A request that breaks mission-status-request.schema.json (a nonce outside the ABNF, say) is answered all the
    /// same, so that only the check that reads <see cref="StatusRequestErrorsFor"/> fails, not every call the Resource Server
    /// would refuse for want of a state; a conformant state authority refuses it (MBO-MS-009).
    /// </summary>
    private WireMock.ResponseMessage Status(WireMock.IRequestMessage request)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Body ?? "");
        var nonce = form["nonce"];
        var missionId = form["mission"] ?? "";
        var parameters = ArtifactSchemas.FormAsJson(form.AllKeys.OfType<string>().Select(name => new KeyValuePair<string, string>(name, form[name] ?? "")));
        if (ArtifactSchemas.Validate(ArtifactKind.MissionStatusRequest, parameters) is { Count: > 0 } violations)
        {
            var described = "the request breaks mission-status-request.schema.json: " + string.Join("; ", violations.Take(3));
            _statusRequestErrors.AddOrUpdate(missionId, [described], (_, known) => [.. known, described]);
        }
        if (string.IsNullOrEmpty(form["client_assertion"]) || form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return _log.Answer("authorization server", request, 401, "application/json", Error("unauthorized", "authenticate with private_key_jwt", nonce), missionId);
        }
        if (!_missions.TryGetValue(missionId, out var mission))
        {
            return _log.Answer("authorization server", request, 404, "application/json", Error("not_found", "no such Mission", nonce), missionId);
        }
        _statusRequests.AddOrUpdate(missionId, 1, (_, n) => n + 1);
        var audience = form["audience"] ?? "";
        var clientId = Unverified(form["client_assertion"]!, "iss") ?? "unknown";
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = Issuer.AbsoluteUri, ["aud"] = audience, ["sub"] = clientId, ["nonce"] = nonce,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + StatusLifetime).ToUnixTimeSeconds(),
            ["mission"] = new JsonObject { ["id"] = mission.Id, ["origin"] = mission.Origin },
            ["state"] = mission.State,
            ["integrity_anchors"] = new JsonObject { ["authority_hash"] = mission.AuthorityHash },
            ["authority_projection"] = new JsonArray([.. mission.Authority.Where(e => (string?)e?["resource"] == audience).Select(e => e!.DeepClone())]),
            ["policy_version"] = SimulatedMission.PolicyVersion,
            ["policy_view_id"] = mission.PolicyViewId,
            ["policy_view_version"] = SimulatedMission.PolicyViewVersion,
            ["issued_at"] = Rfc3339(now), ["expires_at"] = Rfc3339(now + StatusLifetime), ["freshness_at"] = Rfc3339(now),
            ["mission_expiry"] = Rfc3339(mission.Expiry), ["audience"] = audience,
        };
        var jws = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = Kid }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = StatusResponseType });
        return _log.Answer("authorization server", request, 200, StatusResponseType, jws, missionId, ("Cache-Control", "no-store"));
    }

    /// <summary>
    /// POST /introspect (RFC 7662, oauth-profile.md §11): authenticated by a client assertion; active only if
    /// the token is one of this issuer's, unexpired, and its Mission is active; a valid token of a non-active
    /// Mission gets active false with mission.state. The mission projection also carries the policy view
    /// (policy_version, policy_view_id, policy_view_version), the runtime fields a PEP needs (runtime.md §4).
    /// There is no proof-of-possession check here: the RS verifies cnf itself (MBO-RS-C-007).
    /// </summary>
    private async Task<WireMock.IResponseMessage> IntrospectAsync(WireMock.IRequestMessage request)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Body ?? "");
        if (string.IsNullOrEmpty(form["client_assertion"]) || form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return _log.Answer("authorization server", request, 401, "application/json", Error("invalid_client", "authenticate with private_key_jwt", null));
        }
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(form["token"] ?? "", new TokenValidationParameters
        {
            ValidIssuer = Issuer.AbsoluteUri, ValidateAudience = false, IssuerSigningKey = new ECDsaSecurityKey(_key) { KeyId = Kid }, ClockSkew = TimeSpan.Zero,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return _log.Answer("authorization server", request, 200, "application/json", "{\"active\":false}", null, ("Cache-Control", "no-store"));
        }
        var claims = JsonNode.Parse(Base64UrlEncoder.Decode(token.EncodedPayload))!.AsObject();
        var missionId = (string?)(claims["mission"]?["id"] as JsonValue);
        if (missionId is null || !_missions.TryGetValue(missionId, out var mission))
        {
            return _log.Answer("authorization server", request, 200, "application/json", "{\"active\":false}", missionId, ("Cache-Control", "no-store"));
        }
        _introspections.AddOrUpdate(missionId, 1, (_, n) => n + 1);
        claims["active"] = mission.State == "active";
        claims["mission"] = new JsonObject
        {
            ["id"] = mission.Id, ["origin"] = mission.Origin, ["authority_hash"] = mission.AuthorityHash, ["state"] = mission.State,
            ["policy_version"] = SimulatedMission.PolicyVersion, ["policy_view_id"] = mission.PolicyViewId, ["policy_view_version"] = SimulatedMission.PolicyViewVersion,
        };
        return _log.Answer("authorization server", request, 200, "application/json", claims.ToJsonString(), missionId, ("Cache-Control", "no-store"));
    }

    private static string Error(string error, string description, string? nonce)
        => new JsonObject { ["error"] = error, ["error_description"] = description, ["nonce"] = nonce }.ToJsonString();

    private static string? Unverified(string jwt, string claim)
    {
        try
        {
            return new JsonWebToken(jwt).TryGetPayloadValue<string>(claim, out var value) ? value : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
        _foreignKey.Dispose();
    }
}
