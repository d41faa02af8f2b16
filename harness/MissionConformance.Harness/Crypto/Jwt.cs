using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>A compact JWS split into its decoded JOSE header and payload.</summary>
public sealed record DecodedJwt(JsonElement Header, JsonElement Payload)
{
    public static DecodedJwt Decode(string compact)
    {
        var parts = compact.Split('.');
        if (parts.Length != 3) throw new FormatException("a compact JWS has three dot-separated parts");
        return new DecodedJwt(
            JsonDocument.Parse(Base64UrlEncoder.Decode(parts[0])).RootElement.Clone(),
            JsonDocument.Parse(Base64UrlEncoder.Decode(parts[1])).RootElement.Clone());
    }

    /// <summary>Verifies the signature against a JWKS document; lifetime and audience are judged by checks.</summary>
    public static async Task<bool> VerifySignatureAsync(string compact, string jwksJson)
    {
        var keys = new JsonWebKeySet(jwksJson).GetSigningKeys();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(compact, new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidTypes = null,
        });
        return result.IsValid;
    }
}
