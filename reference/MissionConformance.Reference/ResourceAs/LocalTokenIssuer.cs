using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>
/// The local access tokens of a Resource AS (MBO-RAS-005), signed with its own ES256 key, which its JWKS publishes.
/// </summary>
public sealed class LocalTokenIssuer(Uri issuer, string clientId, bool projectionIssuer, Hooks<IResourceAsHook> hooks) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _kid = "ras-" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(6));

    /// <summary>The key its tokens verify with: for this domain's introspection.</summary>
    public SecurityKey VerificationKey => new ECDsaSecurityKey(_key) { KeyId = _kid };

    public JsonObject Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_key));
        return new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = _kid, ["use"] = "sig", ["alg"] = "ES256" }) };
    }

    /// <summary>
    /// MBO-RAS-005: iss this AS, the mission claim as the grant carried it (mission.origin the MAS's, MBO-MAS-001), cnf the
    /// grant's key, exp no later than <paramref name="notAfter"/> (the grant's, or a projection issuer's refresh token's).
    /// </summary>
    public JsonObject Issue(string? subject, JsonElement mission, JsonArray entries, string jkt, DateTimeOffset notAfter, string? refreshToken)
    {
        var now = DateTimeOffset.UtcNow;
        var draft = new LocalTokenDraft(now, now + ReferenceResourceAs.LocalTokenLifetime < notAfter ? now + ReferenceResourceAs.LocalTokenLifetime : notAfter, mission, projectionIssuer, issuer);
        hooks.Run(h => h.Issuing(draft));
        var expires = draft.Expires;
        mission = draft.Mission;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject!,
            ["client_id"] = clientId,
            ["jti"] = "rat_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            ["authorization_details"] = JsonSerializer.SerializeToElement(entries),
            ["mission"] = mission,
            ["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt },
        };
        var audiences = entries.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList();
        claims["aud"] = audiences.Count == 1 ? audiences[0] : audiences;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.AbsoluteUri,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = "at+jwt",
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = _kid }, SecurityAlgorithms.EcdsaSha256),
        });
        var response = new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "DPoP",
            ["expires_in"] = Math.Max(0, (long)(expires - now).TotalSeconds),
            ["authorization_details"] = entries.DeepClone(),
        };
        if (refreshToken is not null) response["refresh_token"] = refreshToken;
        return response;
    }

    public void Dispose() => _key.Dispose();
}
