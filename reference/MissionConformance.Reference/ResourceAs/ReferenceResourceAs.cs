using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>
/// A reference Resource Authorization Server of a second trust domain (oauth-profile.md §14, MBO-RAS-*):
/// it redeems ID-JAGs by the RFC 7523 JWT bearer grant for local, DPoP-bound access tokens. An ID-JAG
/// is accepted only from the origin it trusts by configuration (never because mission.origin says so),
/// signed by that origin's key, audienced to this AS, unexpired, bound by cnf.jkt to the key of the
/// request's DPoP proof, and once (jti). The local token keeps the mission claim unchanged, is bound to
/// the same key, expires no later than the grant, and carries no more than the grant conveyed, for this
/// AS's resources only. It holds no Mission: it never creates, alters or reports one, so introspecting a
/// local token (RFC 7662, for this domain's Resource Server) answers the mission claim without a state.
/// </summary>
public sealed class ReferenceResourceAs : IAsyncDisposable
{
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>Local tokens live five minutes at most, and never past the grant (MBO-RAS-005).</summary>
    public static readonly TimeSpan LocalTokenLifetime = TimeSpan.FromMinutes(5);

    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly IssuerTrust _origin;
    private readonly DpopVerifier _dpop = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _redeemed = new(StringComparer.Ordinal);

    /// <summary>The refresh tokens a projection issuer has issued, by value: what each may derive again.</summary>
    private readonly ConcurrentDictionary<string, ProjectedGrant> _refreshTokens = new(StringComparer.Ordinal);

    private readonly GrantValidator _grants;
    private readonly LocalTokenIssuer _tokens;
    private readonly ProjectionGate _gate;

    private readonly Hooks<IResourceAsHook> _hooks;

    private sealed record ProjectedGrant(string? Subject, JsonElement Mission, JsonArray Entries, string Jkt, DateTimeOffset Expires);

    private ReferenceResourceAs(WebApplication app, ResourceAsOptions options, Uri issuer)
    {
        _app = app;
        Options = options;
        Issuer = issuer;
        _hooks = FaultInstaller.HooksFor<IResourceAsHook>(options.Faults);
        _origin = new IssuerTrust(_http, options.TrustedOrigin);
        _grants = new GrantValidator(options.TrustedOrigin, issuer, _http, _origin, _hooks);
        _tokens = new LocalTokenIssuer(issuer, options.ClientId, options.Projection is not null, _hooks);
        // The MAS's Mission Status, for a projection issuer; asked afresh every time (no reuse of an answer).
        _gate = new ProjectionGate(options.Projection is { } projection
            ? new MissionStateSource(_http, _origin, projection.StatusAudience, projection.StatusClientId, maxStaleSeconds: 0, new Hooks<IResourceServerHook>([]), new JsonWebKey(projection.StatusKeyJwk), options.Clock)
            : null, _hooks);
    }

    public ResourceAsOptions Options { get; }

    /// <summary>This AS's issuer identifier: the aud an ID-JAG for it carries, and the iss of its local tokens.</summary>
    public Uri Issuer { get; }

    public string TokenEndpoint => Issuer.AbsoluteUri + "token";

    public static async Task<ReferenceResourceAs> StartAsync(ResourceAsOptions options, CancellationToken ct = default)
    {
        if (options.Resources.Count == 0) throw new ReferenceConfigurationException("a Resource AS needs the resources it is authoritative for");
        return await ReferenceStack.StartOnLoopbackAsync(options.Url, url => StartAtAsync(options, url, ct));
    }

    private static async Task<ReferenceResourceAs> StartAtAsync(ResourceAsOptions options, Uri url, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.AbsoluteUri.TrimEnd('/'));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ReferenceResourceAs(app, options, new Uri(url.AbsoluteUri.TrimEnd('/') + "/"));
        server._hooks.Run(h => h.Use(app, server));
        app.MapGet("/.well-known/oauth-authorization-server", () => Results.Json(server.Metadata()));
        app.MapGet("/jwks", () => Results.Json(server._tokens.Jwks()));
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)server.TokenAsync);
        app.MapPost("/introspect", (Func<HttpContext, Task<IResult>>)server.IntrospectAsync);
        return await ReferenceStack.StartOrDisposeAsync(app, server, ct);
    }

    public string IntrospectionEndpoint => Issuer.AbsoluteUri + "introspect";

    private JsonObject Metadata()
    {
        var metadata = new JsonObject
        {
            ["issuer"] = Issuer.AbsoluteUri,
            ["token_endpoint"] = TokenEndpoint,
            ["jwks_uri"] = Issuer.AbsoluteUri + "jwks",
            ["introspection_endpoint"] = IntrospectionEndpoint,
            ["introspection_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic"),
            ["grant_types_supported"] = Options.Projection is null ? new JsonArray(JwtBearerGrant) : new JsonArray(JwtBearerGrant, "refresh_token"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic"),
            ["dpop_signing_alg_values_supported"] = new JsonArray("ES256"),
            ["authorization_details_types_supported"] = new JsonArray("mission_resource_access"),
        };
        _hooks.Run(h => h.MetadataBuilt(metadata, Issuer));
        return metadata;
    }

    private IResult? Check(ResourceAsRule rule, IResult? refusal) => ResourceAsRules.Check(_hooks, rule, refusal);

    /// <summary>
    /// RFC 7662 for this domain's Resource Server: a local token minted here, unexpired, is active with its claims; the
    /// mission claim as the ID-JAG carried it, never with a state (MBO-AS-INT-005: only the origin reports Mission state).
    /// </summary>
    private async Task<IResult> IntrospectAsync(HttpContext http)
    {
        if (!Authenticated(http, Options.IntrospectionClientId, Options.IntrospectionClientSecret))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"resource-as\"";
            return Error("invalid_client", "introspection is for this domain's Resource Server, authenticated with client_secret_basic", StatusCodes.Status401Unauthorized);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var inactive = new NoStoreJsonResult(new JsonObject { ["active"] = false }, StatusCodes.Status200OK);
        if (form["token"] is not [{ Length: > 0 } token]) return inactive;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer.AbsoluteUri,
            ValidateAudience = false,
            IssuerSigningKey = _tokens.VerificationKey,
            ValidTypes = ["at+jwt"],
            ClockSkew = TimeSpan.Zero,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken local) return inactive;
        var answer = JsonNode.Parse(Base64UrlEncoder.Decode(local.EncodedPayload))!.AsObject();
        answer["active"] = true;
        _hooks.Run(h => h.IntrospectionAnswered(answer));
        return new NoStoreJsonResult(answer, StatusCodes.Status200OK);
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        if (!Authenticated(http, Options.ClientId, Options.ClientSecret))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"resource-as\"";
            return Error("invalid_client", "authenticate with client_secret_basic as a client of this Resource AS", StatusCodes.Status401Unauthorized);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form["grant_type"] == "refresh_token" && Options.Projection is not null) return await RefreshAsync(http, form);
        if (form["grant_type"] != JwtBearerGrant)
        {
            return Error("unsupported_grant_type", $"this Resource AS redeems ID-JAGs by the {JwtBearerGrant} grant{(Options.Projection is null ? " only" : ", and refreshes what it issued")}");
        }
        if (form["assertion"] is not [{ Length: > 0 } assertion]) return Error("invalid_request", "assertion (the ID-JAG) is required");

        var (grant, refusal) = await _grants.ValidateAsync(assertion, http.RequestAborted);
        if (refusal is not null) return refusal;

        // MBO-RAS-003: the grant is sender-constrained, and the request proves the key it is bound to.
        var bound = grant!.TryGetPayloadValue<JsonElement>("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object && cnf.TryGetProperty("jkt", out var jktValue)
            ? jktValue.GetString()
            : null;
        if (Check(ResourceAsRule.SenderConstrained, !string.IsNullOrEmpty(bound) ? null
            : Error("invalid_grant", "the ID-JAG is a bearer grant (no cnf.jkt); only a sender-constrained grant is redeemed")) is { } bearer)
        {
            return bearer;
        }
        string proven;
        try
        {
            proven = await _dpop.ProofKeyAsync(http, TokenEndpoint, accessToken: null);
        }
        catch (DpopProofException e)
        {
            return Error("invalid_grant", $"the ID-JAG is bound to a key this request does not prove: {e.Message}");
        }
        var jkt = string.IsNullOrEmpty(bound) ? proven : bound;
        if (proven != jkt) return Error("invalid_grant", "the request's DPoP proof is made with another key than the one the ID-JAG is bound to (cnf.jkt)");

        // mas.md contracts 2 and 3: a projection issuer issues nothing for a Mission the MAS does not say is active, and a
        // refusal here (the MAS unreachable included) does not burn the grant either.
        var mission = grant.GetPayloadValue<JsonElement>("mission");
        if (await _gate.RefuseUnlessActiveAsync(mission, http.RequestAborted) is { } inactive) return inactive;

        // MBO-RAS-004: single use within the grant's lifetime (after the proof: a refused request does not burn the grant).
        var expires = DateTimeOffset.FromUnixTimeSeconds(grant.TryGetPayloadValue<long>("exp", out var exp) ? exp : 0);
        if (Check(ResourceAsRule.SingleUse, _redeemed.TryAdd(grant.Id ?? "", expires) ? null : Error("invalid_grant", "this ID-JAG (jti) was redeemed before")) is { } replayed)
        {
            return replayed;
        }
        foreach (var spent in _redeemed.Where(r => r.Value < DateTimeOffset.UtcNow)) _redeemed.TryRemove(spent.Key, out _);

        // MBO-RAS-006: the local authority is the grant's entries for this AS's resources, narrowed by the request, never more.
        var conveyed = grant.TryGetPayloadValue<JsonElement>("authorization_details", out var details) && details.ValueKind == JsonValueKind.Array
            ? JsonNode.Parse(details.GetRawText())!.AsArray()
            : [];
        var local = new JsonArray([.. conveyed.Where(e => (string?)e?["resource"] is { } r && Options.Resources.Contains(r)).Select(e => e!.DeepClone())]);
        if (form["authorization_details"] is [{ Length: > 0 } requested])
        {
            var beyond = Error("invalid_authorization_details", "a requested entry is not a subset of what the ID-JAG conveys for this Resource AS's resources");
            if (JsonNode.Parse(requested) is not JsonArray wanted || wanted.Any(w => w is not JsonObject))
            {
                return beyond;
            }
            if (Check(ResourceAsRule.WithinGrant, wanted.All(w => local.Any(e => SubsetRule.IsSubset(w!, e!))) ? null : beyond) is { } widened)
            {
                return widened;
            }
            local = new JsonArray([.. wanted.Select(w => w!.DeepClone())]);
        }
        if (local.Count == 0) return Error("invalid_grant", "the ID-JAG conveys no authority at this Resource AS's resources");
        _hooks.Run(h => h.GrantRedeemed(mission));

        var refreshToken = Options.Projection is null ? null : Remember(new ProjectedGrant(grant.Subject, mission, local, jkt, DateTimeOffset.UtcNow + ProjectionSettings.RefreshTokenLifetime));
        return new NoStoreJsonResult(_tokens.Issue(grant.Subject, mission, local, jkt, expires, refreshToken), StatusCodes.Status200OK);
    }

    /// <summary>
    /// A projection issuer's refresh (mas.md contract 2): its own refresh token, the proof of the key it is bound to, and
    /// then the MAS asked whether the Mission is still active. Only an answer "active" derives; a revoked, suspended or
    /// unknown Mission is invalid_grant with its mission_state, an unanswered question fails closed.
    /// </summary>
    private async Task<IResult> RefreshAsync(HttpContext http, IFormCollection form)
    {
        if (form["refresh_token"] is not [{ Length: > 0 } token] || !_refreshTokens.TryGetValue(token, out var held) || held.Expires < DateTimeOffset.UtcNow)
        {
            return Error("invalid_grant", "the refresh token is unknown or expired");
        }
        try
        {
            if (await _dpop.ProofKeyAsync(http, TokenEndpoint, accessToken: null) != held.Jkt) return Error("invalid_grant", "the refresh token is bound to another key than the request's DPoP proof");
        }
        catch (DpopProofException e)
        {
            return Error("invalid_grant", $"the refresh token is bound to a key this request does not prove: {e.Message}");
        }
        if (Check(ResourceAsRule.MissionActiveOnRefresh, await _gate.RefuseUnlessActiveAsync(held.Mission, http.RequestAborted)) is { } inactive) return inactive;
        return new NoStoreJsonResult(_tokens.Issue(held.Subject, held.Mission, held.Entries, held.Jkt, held.Expires, token), StatusCodes.Status200OK);
    }

    private string Remember(ProjectedGrant grant)
    {
        var token = "prt_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _refreshTokens[token] = grant;
        foreach (var spent in _refreshTokens.Where(r => r.Value.Expires < DateTimeOffset.UtcNow)) _refreshTokens.TryRemove(spent.Key, out _);
        return token;
    }

    private static bool Authenticated(HttpContext http, string clientId, string secret)
        => Security.ClientAssertionAuthenticator.BasicCredentials(http.Request) is { } credentials && credentials.Id == clientId
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credentials.Secret), Encoding.UTF8.GetBytes(secret));

    private static NoStoreJsonResult Error(string error, string description, int status = StatusCodes.Status400BadRequest)
        => ResourceAsRules.Error(error, description, status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _gate.Dispose();
        _origin.Dispose();
        _http.Dispose();
        _tokens.Dispose();
    }
}
