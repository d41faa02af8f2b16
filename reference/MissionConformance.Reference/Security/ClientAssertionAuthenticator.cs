using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Security;

/// <summary>
/// private_key_jwt (RFC 7523) for the Mission Status, lifecycle and inventory endpoints. Client
/// secrets are refused there (mission-status.md "Authentication"; MBO-AS-LC-007, MBO-MS-002) unless a
/// fault says otherwise.
/// </summary>
public sealed class ClientAssertionAuthenticator(
    ReferenceSettings settings, OneTimeUse once, TimeProvider clock)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    /// <summary>The authenticated client, or the reason it is not (never echoing the assertion).</summary>
    public async Task<(TestClient? Client, string? Failure)> AuthenticateAsync(HttpRequest request, IFormCollection form, string endpointPath, CancellationToken ct,
        bool acceptClientSecret = false)
    {
        if (acceptClientSecret && BasicCredentials(request) is var (id, secret))
        {
            var basic = TestPrincipals.FindClient(id);
            return basic?.ClientSecret is { } expected && expected == secret ? (basic, null) : (null, "invalid client credentials");
        }
        if (form["client_assertion_type"] != AssertionType || string.IsNullOrEmpty(form["client_assertion"]))
        {
            return (null, "authenticate with private_key_jwt (client_assertion_type jwt-bearer and client_assertion)");
        }

        var assertion = form["client_assertion"].ToString();
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(assertion))
        {
            return (null, "client_assertion is not a JWT");
        }
        var issuer = handler.ReadJsonWebToken(assertion).Issuer;
        var client = TestPrincipals.FindClient(issuer);
        if (client is null || TestClientKeys.PublicKey(client.ClientId) is not { } key)
        {
            return (null, "client_assertion issuer is not a client registered for private_key_jwt");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var result = await handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [settings.MissionOrigin, settings.MissionOrigin.TrimEnd('/'), settings.Endpoint(endpointPath)],
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && exp > now - Skew && exp <= now + MaxAssertionLifetime + Skew && (notBefore is null || notBefore <= now + Skew),
        });
        if (!result.IsValid)
        {
            return (null, "client_assertion is invalid: " + result.Exception?.GetType().Name);
        }
        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != client.ClientId || string.IsNullOrEmpty(token.Id))
        {
            return (null, "client_assertion needs sub equal to iss and a jti");
        }

        // RFC 7523 §3: a jti is used once, by one conditional insert however many requests race with it.
        return await once.TryClaimAsync(client.ClientId + ":" + token.Id, new DateTimeOffset(token.ValidTo), ct)
            ? (client, null)
            : (null, "client_assertion was already used");
    }

    /// <summary>RFC 6749 §2.3.1 client_secret_basic: the form-decoded id and secret, or null.</summary>
    internal static (string Id, string Secret)? BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The test clients' keys, embedded from fixtures/keys.</summary>
public static class TestClientKeys
{
    /// <summary>The whole test key, for a harness that plays this client against the embedded reference.</summary>
    public static string? PrivateJwk(string clientId)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"keys.{clientId}.jwk.json");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static JsonWebKey? PublicKey(string clientId)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"keys.{clientId}.jwk.json");
        if (stream is null) return null;
        var jwk = JsonNode.Parse(stream)!.AsObject();
        return new JsonWebKey(new JsonObject
        {
            ["kty"] = jwk["kty"]!.DeepClone(), ["crv"] = jwk["crv"]!.DeepClone(),
            ["x"] = jwk["x"]!.DeepClone(), ["y"] = jwk["y"]!.DeepClone(), ["kid"] = jwk["kid"]!.DeepClone(),
        }.ToJsonString());
    }
}
