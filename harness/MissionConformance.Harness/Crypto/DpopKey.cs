using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>
/// An RFC 9449 DPoP key pair (P-256): its RFC 7638 thumbprint, which a bound token carries as cnf.jkt,
/// and proofs, which a scenario may also build wrong on purpose (another URL, another token's ath).
/// </summary>
public sealed class DpopKey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebKey _public;

    public DpopKey()
    {
        _public = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_key.ExportParameters(false))));
        Thumbprint = Base64UrlEncoder.Encode(_public.ComputeJwkThumbprint());
    }

    /// <summary>cnf.jkt of a token bound to this key.</summary>
    public string Thumbprint { get; }

    /// <summary>
    /// A proof for one request: htm, htu (no query or fragment, RFC 9449 §4.2), iat, jti, ath for the access token, and the
    /// server's <paramref name="nonce"/> when it asked for one (RFC 9449 §8).
    /// </summary>
    public string Proof(string method, string url, string? accessToken, string? nonce = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["htm"] = method,
            ["htu"] = url.Split('?', '#')[0],
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (accessToken is not null) claims["ath"] = AccessTokenHash(accessToken);
        if (nonce is not null) claims["nonce"] = nonce;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jwk"] = new Dictionary<string, object> { ["kty"] = _public.Kty, ["crv"] = _public.Crv, ["x"] = _public.X, ["y"] = _public.Y },
            },
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>RFC 9449 §4.2 ath: base64url of the SHA-256 of the access token's ASCII.</summary>
    public static string AccessTokenHash(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    public void Dispose() => _key.Dispose();
}
