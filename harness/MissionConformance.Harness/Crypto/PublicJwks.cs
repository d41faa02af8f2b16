using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Harness.Crypto;

/// <summary>The RFC 7517 JWKS publishing the public half of one P-256 signing key (ES256), as a jwks_uri answers it.</summary>
public static class PublicJwks
{
    public static JsonObject Of(ECDsa key, string kid)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ExportParameters(false))));
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = kid, ["use"] = "sig", ["alg"] = "ES256" }),
        };
    }
}
