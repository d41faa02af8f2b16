using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>RFC 7523 private_key_jwt client assertions.</summary>
public static class ClientAssertion
{
    public const string Type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static JsonWebKey LoadKey(string path) => new(File.ReadAllText(path));

    public static string Create(JsonWebKey privateKey, string clientId, string audience, TimeProvider? clock = null, string? jti = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(privateKey, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
