using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Reference.Security;

/// <summary>Compact JWS with the AS's ES256 key (RFC 7515), for artifacts OpenIddict does not issue.</summary>
public sealed class JwsSigner(KeyRing keys)
{
    public string Sign(string type, JsonObject payload)
        => Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = type, ["kid"] = keys.SigningKey.KeyId }, Base64UrlEncoder.Encode(payload.ToJsonString()));

    /// <summary>A well-formed JWS whose kid and key the AS's jwks_uri does not hold; used only by the faults that sign so (StatusSignedByUnknownKey, IdJagSignedByUnknownKey).</summary>
    public static string SignWithStrayKey(string type, JsonObject payload)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = "stray-" + Guid.NewGuid().ToString("N")[..8] };
        return new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = type });
    }

    /// <summary>Re-signs an issued JWT with a changed JOSE typ; used only by the WrongTokenType fault.</summary>
    public string WithHeaderType(string jwt, string type)
    {
        var parts = jwt.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        header["typ"] = type;
        return Sign(header, parts[1]);
    }

    private string Sign(JsonObject header, string encodedPayload)
    {
        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + encodedPayload;
        // .NET's ECDsa.SignData yields the IEEE P1363 r||s form JWS requires (RFC 7518 §3.4).
        var signature = keys.SigningKey.ECDsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}
