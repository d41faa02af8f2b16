using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>
/// RFC 9449 proofs as the simulated peers receive them: typ dpop+jwt, ES256, signed by the public key in its jwk header, for this
/// method and URL (htm, htu without query), recent (iat within 60 s), and with ath the hash of the token it accompanies.
/// </summary>
public static class DpopProofs
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>The RFC 7638 thumbprint of the proof's key, or why the proof does not hold.</summary>
    public static async Task<(string? Thumbprint, string? Problem)> VerifyAsync(string? proof, string method, string url, string? accessToken)
    {
        if (string.IsNullOrEmpty(proof)) return (null, "no DPoP proof");
        JsonWebToken jwt;
        JsonWebKey key;
        try
        {
            jwt = new JsonWebToken(proof);
            using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedHeader));
            key = new JsonWebKey(header.RootElement.GetProperty("jwk").GetRawText());
        }
        catch (Exception e) when (e is ArgumentException or JsonException or KeyNotFoundException or FormatException)
        {
            return (null, "the DPoP proof is not a JWT with a jwk header");
        }
        if (jwt.Typ != "dpop+jwt" || jwt.Alg != SecurityAlgorithms.EcdsaSha256 || key.HasPrivateKey) return (null, "the DPoP proof is not typ dpop+jwt, ES256, with a public jwk");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false, ValidTypes = ["dpop+jwt"],
        });
        if (!result.IsValid) return (null, "the DPoP proof's signature does not verify with its jwk");
        if (!jwt.TryGetPayloadValue<string>("htm", out var htm) || htm != method) return (null, $"the DPoP proof's htm is not {method}");
        if (!jwt.TryGetPayloadValue<string>("htu", out var htu) || htu != url.Split('?', '#')[0]) return (null, $"the DPoP proof's htu is not {url}");
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat) || (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(iat)).Duration() > Window) return (null, "the DPoP proof's iat is not within 60 s");
        if (accessToken is not null)
        {
            var ath = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
            if (!jwt.TryGetPayloadValue<string>("ath", out var proofAth) || proofAth != ath) return (null, "the DPoP proof's ath is not the hash of the access token");
        }
        return (Base64UrlEncoder.Encode(key.ComputeJwkThumbprint()), null);
    }
}
