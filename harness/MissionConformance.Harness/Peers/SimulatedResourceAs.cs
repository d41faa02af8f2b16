using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace MissionConformance.Harness.Peers;

/// <summary>
/// The Resource AS of another trust domain an AS under test projects Missions into (oauth-profile.md §14), played by the
/// harness (design.md principle 4): the target file names it (its issuer and resources), the target brings none. It stands in
/// for that issuer, listening on 127.0.0.1, trusts one origin by configuration (never because of mission.origin) with the keys
/// the harness read from that origin's jwks_uri, and redeems ID-JAGs presented with the RFC 7523 JWT bearer grant and an RFC
/// 9449 DPoP proof, validating them as §14's "Validation at the Resource AS" has it: the origin's signature, aud itself alone,
/// exp − iat at most 300 s and not past, a jti never redeemed before, and cnf proven by the request's proof. Each refusal is
/// invalid_grant with the reason as error_description; an accepted grant yields a local at+jwt keeping the mission claim
/// unchanged. The harness is its only client, so its answers are captured on the run's wire log like any other.
/// </summary>
public sealed class SimulatedResourceAs : IDisposable
{
    public const string TokenPath = "/token";

    /// <summary>oauth-profile.md §14: an ID-JAG lives at most 300 s (exp − iat).</summary>
    public const int MaxGrantLifetimeSeconds = 300;

    /// <summary>How far a DPoP proof's iat may be from now (RFC 9449 §11.1 leaves the window to the server).</summary>
    public static readonly TimeSpan ProofWindow = TimeSpan.FromSeconds(60);

    /// <summary>Sent with every answer, so a reader of the wire log sees which peer answered and for whom it stands in.</summary>
    public const string PeerHeader = "X-Mission-Conformance-Peer";

    private readonly WireMockServer _server;
    private readonly Uri _issuer;
    private readonly string _origin;
    private readonly IReadOnlyList<SecurityKey> _originKeys;
    private readonly IReadOnlySet<string> _resources;
    private readonly TimeProvider _clock;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _redeemed = new(StringComparer.Ordinal);

    private SimulatedResourceAs(WireMockServer server, Uri issuer, string origin, string originJwks, IEnumerable<string> resources, TimeProvider clock)
    {
        _server = server;
        _issuer = issuer;
        _origin = origin;
        _originKeys = [.. new JsonWebKeySet(originJwks).GetSigningKeys()];
        _resources = new HashSet<string>(resources, StringComparer.Ordinal);
        _clock = clock;
    }

    /// <summary>The issuer it stands in for: an ID-JAG's aud must name it.</summary>
    public Uri Issuer => _issuer;

    /// <summary>Where it listens for the JWT bearer grant.</summary>
    public Uri TokenEndpoint => new($"http://127.0.0.1:{_server.Ports[0]}{TokenPath}");

    /// <summary>RFC 8414 metadata as a client of this Resource AS is configured with: its issuer, and the loopback token endpoint.</summary>
    public AuthorizationServerMetadata Metadata => new(JsonSerializer.SerializeToElement(new JsonObject
    {
        ["issuer"] = _issuer.AbsoluteUri,
        ["token_endpoint"] = TokenEndpoint.AbsoluteUri,
        ["grant_types_supported"] = new JsonArray(TokenTypes.JwtBearerGrant),
        ["dpop_signing_alg_values_supported"] = new JsonArray("ES256"),
    }));

    /// <summary>
    /// Starts a Resource AS standing in for <paramref name="issuer"/>, authoritative for <paramref name="resources"/>, that trusts
    /// ID-JAGs from <paramref name="origin"/> signed by a key of <paramref name="originJwks"/>; lifetimes are read on <paramref name="clock"/>,
    /// the clock the origin issues by.
    /// </summary>
    public static SimulatedResourceAs Start(Uri issuer, IEnumerable<string> resources, string origin, string originJwks, TimeProvider clock)
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        try
        {
            var resourceAs = new SimulatedResourceAs(server, issuer, origin, originJwks, resources, clock);
            server.Given(Request.Create().WithPath(TokenPath).UsingPost()).RespondWith(Response.Create().WithCallback(resourceAs.RedeemAsync));
            return resourceAs;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private async Task<WireMock.IResponseMessage> RedeemAsync(WireMock.IRequestMessage request)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Body ?? "");
        if (form["grant_type"] != TokenTypes.JwtBearerGrant || string.IsNullOrEmpty(form["assertion"]))
        {
            return Answer(400, Error("invalid_request", $"grant_type {TokenTypes.JwtBearerGrant} with an assertion (RFC 7523 §2.1) is the one grant this Resource AS takes"));
        }
        var proof = request.Headers is { } headers && headers.TryGetValue("DPoP", out var values) ? values.FirstOrDefault() : null;
        var (grant, refusal) = await ValidateAsync(form["assertion"]!, proof);
        return grant is null
            ? Answer(400, Error("invalid_grant", refusal!))
            : Answer(200, LocalToken(grant, form["client_id"]).ToJsonString());
    }

    /// <summary>The grant's claims if it is redeemable here; otherwise why not, naming the offending value. A redeemed jti is spent.</summary>
    private async Task<(JsonObject? Grant, string? Refusal)> ValidateAsync(string assertion, string? proof)
    {
        DecodedJwt decoded;
        try
        {
            decoded = DecodedJwt.Decode(assertion);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return (null, $"the assertion is not a compact JWS: {e.Message}");
        }
        var claims = JsonNode.Parse(decoded.Payload.GetRawText()) as JsonObject;
        if (claims is null) return (null, "the assertion's payload is not a JSON object");
        var issuer = Text(claims, "iss");
        if (issuer != _origin)
        {
            return (null, $"the ID-JAG's iss is {issuer ?? "(none)"}, not {_origin}, the one origin this Resource AS trusts by policy");
        }
        var signature = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = _originKeys, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
        });
        if (!signature.IsValid) return (null, $"the ID-JAG's signature does not verify with the keys of {_origin}'s jwks_uri");
        var audiences = claims["aud"] switch
        {
            JsonArray many => many.Select(a => a is JsonValue v && v.TryGetValue<string>(out var s) ? s : "(not a string)").ToList(),
            JsonValue one when one.TryGetValue<string>(out var s) => [s],
            _ => [],
        };
        if (audiences is not [var audience] || audience != _issuer.AbsoluteUri)
        {
            return (null, $"the ID-JAG's aud is [{string.Join(", ", audiences)}], not this Resource AS ({_issuer.AbsoluteUri}) alone");
        }
        if (Number(claims, "iat") is not { } iat || Number(claims, "exp") is not { } exp) return (null, "the ID-JAG has no numeric iat and exp");
        if (exp - iat is <= 0 or > MaxGrantLifetimeSeconds)
        {
            return (null, $"the ID-JAG lives {exp - iat} s (exp − iat); at most {MaxGrantLifetimeSeconds} s is allowed");
        }
        var now = _clock.GetUtcNow();
        if (exp <= now.ToUnixTimeSeconds()) return (null, $"the ID-JAG expired at {DateTimeOffset.FromUnixTimeSeconds(exp):u}, before it was presented ({now:u})");
        if (Text(claims, "jti") is not { Length: > 0 } jti) return (null, "the ID-JAG has no jti, so its single use cannot be enforced");
        if (_redeemed.ContainsKey(jti)) return (null, $"the ID-JAG's jti {jti} was redeemed here before: a replay");
        if (claims["cnf"] is not JsonObject cnf || cnf.Count == 0) return (null, "the ID-JAG has no cnf: a bearer grant, which a Resource AS refuses");
        if (Text(cnf, "jkt") is { } jkt)
        {
            if (proof is null) return (null, $"the ID-JAG is bound to cnf.jkt {jkt}, and the request carries no DPoP proof");
            var (prover, wrong) = await ProofKeyAsync(proof);
            if (wrong is not null) return (null, $"the request's DPoP proof is not valid: {wrong}");
            if (prover != jkt) return (null, $"the ID-JAG is bound to cnf.jkt {jkt}, not the key of the request's DPoP proof ({prover})");
        }
        if (!_redeemed.TryAdd(jti, now)) return (null, $"the ID-JAG's jti {jti} was redeemed here before: a replay");
        return (claims, null);
    }

    /// <summary>RFC 9449 §4.3: typ dpop+jwt, signed by the public jwk of its header, htm POST, htu this token endpoint, a jti, a fresh iat.</summary>
    private async Task<(string? Thumbprint, string? Wrong)> ProofKeyAsync(string proof)
    {
        try
        {
            var decoded = DecodedJwt.Decode(proof);
            if (!decoded.Header.TryGetProperty("jwk", out var jwkElement) || jwkElement.ValueKind != JsonValueKind.Object) return (null, "its header carries no jwk");
            var jwk = new JsonWebKey(jwkElement.GetRawText());
            if (jwk.HasPrivateKey) return (null, "its header's jwk holds a private key");
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(proof, new TokenValidationParameters
            {
                IssuerSigningKey = jwk, ValidTypes = ["dpop+jwt"], ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
            });
            if (!result.IsValid) return (null, $"typ or signature: {result.Exception?.Message}");
            var payload = decoded.Payload;
            var htu = payload.TryGetProperty("htu", out var u) ? u.GetString() : null;
            if (!payload.TryGetProperty("htm", out var htm) || htm.GetString() != "POST" || htu != TokenEndpoint.AbsoluteUri)
            {
                return (null, $"htm and htu must be POST {TokenEndpoint.AbsoluteUri}");
            }
            if (!payload.TryGetProperty("jti", out _)) return (null, "it has no jti");
            // The harness signs its proofs on the machine's clock, not on the origin's (which the embedded run may advance).
            if (!payload.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issued)
                || (DateTimeOffset.FromUnixTimeSeconds(issued) - DateTimeOffset.UtcNow).Duration() > ProofWindow)
            {
                return (null, $"its iat is missing or more than {ProofWindow.TotalSeconds:0} s from now");
            }
            return (Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()), null);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// §14: iss this Resource AS, the mission claim as received, exp at most the grant's, bound to the same key, and the grant's
    /// entries for this domain's resources only; the origin's client_id stays an audit reference (origin_client_id).
    /// </summary>
    private JsonObject LocalToken(JsonObject grant, string? clientId)
    {
        var now = _clock.GetUtcNow();
        var exp = Math.Min(Number(grant, "exp")!.Value, (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds());
        var entries = grant["authorization_details"] is JsonArray details
            ? new JsonArray([.. details.Where(e => e?["resource"] is JsonValue r && r.TryGetValue<string>(out var resource) && _resources.Contains(resource)).Select(e => e!.DeepClone())])
            : [];
        var claims = new JsonObject
        {
            ["iss"] = _issuer.AbsoluteUri,
            ["sub"] = grant["sub"]?.DeepClone(),
            ["aud"] = new JsonArray([.. _resources.Select(r => JsonValue.Create(r))]),
            ["client_id"] = clientId,
            ["origin_client_id"] = grant["client_id"]?.DeepClone(),
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = exp,
            ["cnf"] = grant["cnf"]!.DeepClone(),
            ["mission"] = grant["mission"]?.DeepClone(),
            ["authorization_details"] = entries,
        };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(claims.ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256), new Dictionary<string, object> { ["typ"] = "at+jwt" });
        return new JsonObject
        {
            ["access_token"] = token, ["token_type"] = "DPoP", ["expires_in"] = exp - now.ToUnixTimeSeconds(),
            ["issued_token_type"] = TokenTypes.AccessToken,
        };
    }

    private WireMock.ResponseMessage Answer(int status, string body)
        => PeerLog.Response(status, "application/json", body, ("Cache-Control", "no-store"), (PeerHeader, $"Resource AS simulated for {_issuer.AbsoluteUri}"));

    private static string Error(string error, string description) => new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString();

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
    }
}
