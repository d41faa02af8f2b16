using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Crypto;

/// <summary>What a JWT is, for validating it where it is decoded: its payload's artifact kind and, where specified, its header's.</summary>
public sealed record JwtArtifact(ArtifactKind Payload, ArtifactKind? Header = null)
{
    /// <summary>An RFC 9068 access token with the mission claim (oauth-profile.md §9).</summary>
    public static JwtArtifact AccessToken { get; } = new(ArtifactKind.AccessTokenClaims, ArtifactKind.AccessTokenHeader);

    /// <summary>An Identity Assertion JWT Authorization Grant (oauth-profile.md §14).</summary>
    public static JwtArtifact IdJag { get; } = new(ArtifactKind.IdJagClaims);
}

/// <summary>A compact JWS split into its decoded JOSE header and payload.</summary>
public sealed record DecodedJwt(JsonElement Header, JsonElement Payload)
{
    /// <summary>The payload validated as what the JWT was decoded as (<see cref="Decode(string, JwtArtifact)"/>); null when decoded as nothing in particular.</summary>
    public CapturedArtifact? PayloadArtifact { get; init; }

    /// <summary>The JOSE header validated likewise, when its artifact specifies one.</summary>
    public CapturedArtifact? HeaderArtifact { get; init; }

    /// <summary>Decodes a JWT that is a <paramref name="kind"/>, validating its payload (and header) against that artifact's schemas.</summary>
    public static DecodedJwt Decode(string compact, JwtArtifact kind)
    {
        var jwt = Decode(compact);
        return jwt with
        {
            PayloadArtifact = CapturedArtifact.Of(kind.Payload, jwt.Payload),
            HeaderArtifact = kind.Header is { } header ? CapturedArtifact.Of(header, jwt.Header) : null,
        };
    }

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
