using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// POST mission_status_endpoint (mission-status.md): a Resource Server asks, by Mission reference, for
/// the state, anchors and its own audience's projection, and gets a signed answer. A caller sees a
/// Mission only for the audience it is registered as, and only if the Mission holds an entry for that
/// audience; everything else is the one not_found answer (MBO-MS-007).
/// </summary>
public sealed class MissionStatusEndpoint(
    ClientAssertionAuthenticator authenticator, MissionStore store, Hooks<IStateAuthorityHook> hooks, MissionStatusResponseGenerator statusResponses,
    StatusRateLimiter limiter, Configuration.ReferenceSettings settings, StatusTokenEndpoint statusTokens)
    : MissionEndpointBase(authenticator, store, hooks, Path)
{
    public const string Path = "missions/status";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        var method = http.Request.IsHttps ? "mtls"
            : http.Request.Headers.Authorization.ToString().StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase) ? "dpop_bearer"
            : "private_key_jwt";
        var (client, form, failure) = method switch
        {
            "mtls" => await AuthenticateMutualTlsAsync(http),
            "dpop_bearer" => await AuthenticateDpopAsync(http),
            _ => await AuthenticateAsync(http),
        };
        if (failure is not null) return failure;
        if (!AuthMethods(settings).Contains(method))
        {
            // A method this deployment does not offer authenticates nobody (variants StatusOnlyMtls, StatusOnlyDpopBearer).
            return Error(StatusCodes.Status401Unauthorized, "unauthorized", $"Mission Status is asked by {string.Join(" or ", AuthMethods(settings))} here, not {method}",
                form["nonce"]);
        }

        string? nonce = form["nonce"];
        // MBO-MS-017: the window is the consumer's.
        var consumer = new StatusConsumer(client!.ClientId, form["mission"]);
        Hooks.Run(h => h.RateLimiting(consumer));
        if (!limiter.TryAcquire(consumer.Key, out var retryAfter))
        {
            // MBO-MS-016: 429 with retry_after and Retry-After.
            var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = ErrorBody(new JsonObject
            {
                ["error"] = "rate_limited", ["error_description"] = "too many Mission Status requests from this client", ["nonce"] = nonce, ["retry_after"] = seconds,
            });
            Hooks.Run(h => h.RateLimited(new RateLimitedAnswer(body, http.Response.Headers)));
            return Results.Content(body.ToJsonString(), "application/json", statusCode: StatusCodes.Status429TooManyRequests);
        }
        // MBO-MS-009: a nonce outside the ABNF is refused, never signed back.
        var request = new StatusRequest(IsValidNonce(nonce) ? null : Error(StatusCodes.Status400BadRequest, "invalid_request", "nonce must match [A-Za-z0-9_-]{16,128}", null));
        Hooks.Run(h => h.StatusRequested(request));
        if (request.Refusal is { } badNonce)
        {
            return badNonce;
        }
        string? reference = form["mission"];
        string? audience = form["audience"];
        if (string.IsNullOrEmpty(reference) || string.IsNullOrEmpty(audience))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "mission and audience are required", nonce);
        }

        var lookup = new StatusLookup(audience) { Mission = await Store.FindAsync(reference, http.RequestAborted) };
        if (lookup.Mission is null && await Store.ResolvePairwiseAsync(reference, http.RequestAborted) is { } resolved && resolved.Sector == audience)
        {
            // oauth-profile.md §15 (MBO-AS-PW-004): a ref resolves for an audience of its sector: a Resource AS, whose projection
            // is the entries of the resources it is authoritative for, or (sector resource_server) that Resource Server.
            if (settings.Catalogue.FindAuthority(audience) is { } authority) (lookup.Mission, lookup.PairwiseRef, lookup.Resources) = (resolved.Mission, reference, authority.Resources);
            else if (settings.PairwiseSector == Configuration.ReferenceSettings.ResourceServerSector) (lookup.Mission, lookup.PairwiseRef) = (resolved.Mission, reference);
            lookup.ByPairwiseRef = lookup.Mission is not null;
        }
        Hooks.Run(h => h.StatusMissionFound(lookup));
        var mission = lookup.Mission;
        var visible = mission is not null && client.StatusAudience == audience && MissionStatusResponseGenerator.ProjectionFor(mission, lookup.Resources).Count > 0;
        // A reference is never a bearer capability: unknown, foreign and not-your-audience look alike.
        var decision = new StatusDecision(mission, visible, visible ? null : NotFound(nonce), () => NotFound(nonce),
            (status, error, description) => Error(status, error, description, nonce));
        Hooks.Run(h => h.StatusDecided(decision));
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        var payload = statusResponses.Payload(mission!, audience, client.ClientId, nonce!, null, pairwiseRef: lookup.PairwiseRef, resources: lookup.Resources);
        Hooks.Run(h => h.StatusPayloadBuilt(new StatusPayload(payload, mission!)));
        var answer = new StatusAnswer(payload, statusResponses.Sign, MissionStatusResponseGenerator.MediaType);
        Hooks.Run(h => h.StatusAnswering(answer));
        return answer.Instead ?? Results.Text(answer.Sign(payload), answer.MediaType);
    }

    /// <summary>dpop_bearer: a Mission-Status-scoped token (<see cref="StatusTokenEndpoint"/>) with a proof of its key.</summary>
    private async Task<(Configuration.TestClient? Client, IFormCollection Form, IResult? Failure)> AuthenticateDpopAsync(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var (client, failure) = await statusTokens.AuthenticateAsync(http);
        if (client is not null) return (client, form, null);
        http.Response.Headers.WWWAuthenticate = "DPoP realm=\"mission\", error=\"invalid_token\"";
        return (null, form, Error(StatusCodes.Status401Unauthorized, "unauthorized", failure!, form["nonce"]));
    }

    /// <summary>
    /// mtls, at the alias on the TLS listener: the client names itself by client_id and presents a certificate of the
    /// key it is registered with (self_signed_tls_client_auth, RFC 8705 §2.2), and nothing else (exactly one method).
    /// </summary>
    private async Task<(Configuration.TestClient? Client, IFormCollection Form, IResult? Failure)> AuthenticateMutualTlsAsync(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        if (form.ContainsKey("client_assertion") || http.Request.Headers.Authorization.Count > 0)
        {
            return (null, form, Error(StatusCodes.Status400BadRequest, "invalid_request", "the mtls alias authenticates by client certificate only: one authentication method per request", form["nonce"]));
        }
        string? clientId = form["client_id"];
        var client = Configuration.TestPrincipals.FindClient(clientId);
        var keyMatches = certificate is not null && client is not null && TestClientKeys.PublicKey(client.ClientId) is { } key && MutualTls.HoldsKey(certificate, key);
        var check = new MutualTlsCheck(client, certificate is not null, keyMatches,
            certificate is null ? "no client certificate was presented (mtls, RFC 8705)"
            : client is null ? "client_id names no registered client"
            : !keyMatches ? $"the client certificate does not certify the key {client.ClientId} is registered with (self_signed_tls_client_auth, RFC 8705 §2.2)"
            : null);
        Hooks.Run(h => h.MutualTlsChecked(check));
        if (check.Failure is null) return (client, form, null);
        return (null, form, Error(StatusCodes.Status401Unauthorized, "unauthorized", check.Failure, form["nonce"]));
    }

    /// <summary>The methods Mission Status takes (mission_status_auth_methods_supported), as the AS metadata and the mission-authority document both say.</summary>
    public static string[] AuthMethods(Configuration.ReferenceSettings settings)
        => [.. settings.StatusAuthMethods.Where(m => m != "mtls" || settings.MutualTlsBase is not null)];

    /// <summary>RFC 8705 §5 mtls_endpoint_aliases: where Mission Status takes client certificates; none without a TLS listener.</summary>
    public static JsonObject? MutualTlsAliases(Configuration.ReferenceSettings settings)
        => settings.MutualTlsEndpoint(Path) is { } alias ? new JsonObject { ["mission_status_endpoint"] = alias } : null;
}

/// <summary>
/// Per-consumer rate limit of the Mission Status endpoint (mission-status.md "Caching and freshness",
/// MBO-MS-017): a fixed window per client id.
/// </summary>
public sealed class StatusRateLimiter(TimeProvider clock, int limit = StatusRateLimiter.Limit)
{
    public const int Limit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);

    public bool TryAcquire(string consumer, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        var window = _windows.AddOrUpdate(consumer, _ => (now, 1),
            (_, w) => now - w.Start >= Window ? (now, 1) : (w.Start, w.Count + 1));
        retryAfter = window.Start + Window - now;
        return window.Count <= limit;
    }
}

/// <summary>
/// GET {mission.origin}/.well-known/mission-authority (oauth-profile.md §2, framework "State authority
/// metadata document"; MBO-AS-MD-005, MD-006), and the Intent schema it names.
/// </summary>
public sealed class MissionAuthorityDocument(Configuration.ReferenceSettings settings, Hooks<IStateAuthorityHook> hooks)
{
    public const string Path = ".well-known/mission-authority";
    public const string IntentSchemaPath = "schemas/mission-intent.json";

    public IResult Handle()
    {
        var document = new JsonObject
        {
            // The issuer exactly as mission.origin spells it.
            ["issuer"] = settings.MissionOrigin,
            ["jwks_uri"] = settings.Endpoint("jwks"),
            ["mission_status_endpoint"] = settings.Endpoint(MissionStatusEndpoint.Path),
            ["mission_status_auth_methods_supported"] = new JsonArray([.. MissionStatusEndpoint.AuthMethods(settings).Select(m => (JsonNode?)m)]),
            ["mission_lifecycle_endpoint"] = settings.Endpoint(LifecycleEndpoint.Path),
            ["mission_lifecycle_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            ["mission_intent_schema_uri"] = settings.Endpoint(IntentSchemaPath),
            ["authority_set_types_supported"] = new JsonArray("mission_resource_access"),
            ["mission_pairwise_supported"] = true,
            ["mission_pairwise_sector"] = settings.PairwiseSector,
            ["mission_framework_versions_supported"] = new JsonArray("seed-2026-06"),
            ["mission_normalization_profiles_supported"] = new JsonArray(Anchors.IntegrityAnchor.IntentNormalizationProfile),
            ["mission_capability_advertisement"] = new JsonObject
            {
                ["mission_ladder_levels_supported"] = new JsonArray([.. Configuration.ReferenceSettings.LadderLevels.Select(l => (JsonNode)l)]),
                ["mission_authorization_domain_tiers_supported"] = new JsonArray([.. Configuration.ReferenceSettings.DomainTiers.Select(t => (JsonNode)t)]),
                // mas.md Metadata: a state authority with projection issuers is a Mission Authority Server.
                ["mission_profiles_supported"] = settings.Catalogue.IsMissionAuthority
                    ? new JsonArray("oauth", "runtime_enforcement", "mas")
                    : new JsonArray("oauth", "runtime_enforcement"),
                ["mission_optional_modules_supported"] = new JsonArray(),
            },
        };
        if (MissionStatusEndpoint.MutualTlsAliases(settings) is { } aliases) document["mtls_endpoint_aliases"] = aliases;
        var served = new AuthorityDocument(document);
        hooks.Run(h => h.AuthorityDocumentBuilt(served));
        return Results.Content(document.ToJsonString(), served.MediaType);
    }

    /// <summary>The JSON Schema of mission_intent in force (fixtures/schemas/mission-intent.schema.json, embedded).</summary>
    public static IResult IntentSchema()
    {
        using var stream = typeof(MissionAuthorityDocument).Assembly.GetManifestResourceStream("schemas.mission-intent.schema.json")
            ?? throw new InvalidOperationException("the Intent schema is not embedded");
        using var reader = new StreamReader(stream);
        return Results.Content(reader.ReadToEnd(), "application/schema+json");
    }
}
