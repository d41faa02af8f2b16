using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>A DPoP-bound token presented without a valid proof (RFC 9449 §7.1: 401 with error invalid_dpop_proof).</summary>
public class DpopProofException(string message) : SecurityTokenException(message);

/// <summary>A proof without the nonce the server asks for (RFC 9449 §8: 400 use_dpop_nonce with a DPoP-Nonce header).</summary>
public sealed class DpopNonceRequiredException(string message) : DpopProofException(message);

/// <summary>
/// RFC 9449 proofs: typ dpop+jwt, ES256, signed by the key in its jwk header, htm and htu of this
/// request, a recent iat, ath of the token it accompanies (if any), and a jti not seen before.
/// The Resource Servers use it for DPoP-bound tokens (MBO-RS-A-001), the AS at the token endpoint to
/// bind a delegated token to the delegate's key (MBO-AS-DEL-003).
/// </summary>
public sealed class DpopVerifier
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>RS-A sender constraint (RFC 9449 §7.1): a token bound by cnf.jkt is honoured only with the DPoP scheme and a proof by that key.</summary>
    public async Task VerifyAsync(HttpContext http, string scheme, string token, JsonElement claims, string htu)
    {
        if (!claims.TryGetProperty("cnf", out var cnf) || cnf.ValueKind != JsonValueKind.Object || !cnf.TryGetProperty("jkt", out var jktValue)) return;
        if (!scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase)) throw new DpopProofException("the access token is DPoP-bound (cnf.jkt): present it with the DPoP scheme and a proof");
        if (await ProofKeyAsync(http, htu, token) != jktValue.GetString()) throw new DpopProofException("the DPoP proof is signed by a key the token is not bound to");
    }

    /// <summary>
    /// Verifies the request's one DPoP proof and returns the RFC 7638 thumbprint of its key; with <paramref name="nonceAccepted"/>,
    /// a proof whose nonce it does not accept throws <see cref="DpopNonceRequiredException"/> before its jti is spent.
    /// </summary>
    public async Task<string> ProofKeyAsync(HttpContext http, string htu, string? accessToken, Func<string?, bool>? nonceAccepted = null)
    {
        var proofs = http.Request.Headers["DPoP"];
        if (proofs.Count != 1 || string.IsNullOrEmpty(proofs[0])) throw new DpopProofException("exactly one DPoP proof header is required");
        JsonWebToken proof;
        JsonWebKey key;
        try
        {
            proof = new JsonWebToken(proofs[0]);
            using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(proof.EncodedHeader));
            key = new JsonWebKey(header.RootElement.GetProperty("jwk").GetRawText());
        }
        catch (Exception e) when (e is ArgumentException or JsonException or KeyNotFoundException or FormatException)
        {
            throw new DpopProofException("the DPoP proof is not a JWT with a jwk header");
        }
        if (proof.Typ != "dpop+jwt" || proof.Alg != SecurityAlgorithms.EcdsaSha256 || key.HasPrivateKey) throw new DpopProofException("the DPoP proof must be typ dpop+jwt, ES256, with a public jwk");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false, ValidTypes = ["dpop+jwt"],
        });
        if (!result.IsValid) throw new DpopProofException("the DPoP proof's signature does not verify with its jwk");
        if (!proof.TryGetPayloadValue<string>("htm", out var htm) || htm != http.Request.Method) throw new DpopProofException("the DPoP proof's htm is not this request's method");
        if (!proof.TryGetPayloadValue<string>("htu", out var proofHtu) || proofHtu != htu) throw new DpopProofException("the DPoP proof's htu is not this request's URL");
        if (!proof.TryGetPayloadValue<long>("iat", out var iat) || (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(iat)).Duration() > Window)
        {
            throw new DpopProofException("the DPoP proof's iat is not within 60 s of now");
        }
        if (accessToken is not null)
        {
            var ath = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
            if (!proof.TryGetPayloadValue<string>("ath", out var proofAth) || proofAth != ath) throw new DpopProofException("the DPoP proof's ath is not the hash of this access token");
        }
        if (nonceAccepted is not null && !nonceAccepted(proof.TryGetPayloadValue<string>("nonce", out var nonce) ? nonce : null))
        {
            throw new DpopNonceRequiredException("the DPoP proof must carry the nonce this server gives in DPoP-Nonce");
        }
        if (!proof.TryGetPayloadValue<string>("jti", out var jti) || !_seen.TryAdd(jti, DateTimeOffset.UtcNow)) throw new DpopProofException("the DPoP proof has no jti or was used before");
        if (_seen.Count > 10_000)
        {
            foreach (var old in _seen.Where(s => DateTimeOffset.UtcNow - s.Value > Window * 2)) _seen.TryRemove(old.Key, out _);
        }
        return Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
    }
}
