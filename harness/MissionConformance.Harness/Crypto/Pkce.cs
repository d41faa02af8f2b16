using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>An RFC 7636 verifier and its S256 challenge.</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public const string Method = "S256";

    public static Pkce Create()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, ChallengeFor(verifier));
    }

    public static string ChallengeFor(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
