using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// <c>dpop_bearer</c> at Mission Status (mission-status.md "Authentication"): a Mission-Status-scoped, DPoP-bound token.
/// The spec does not say how one is obtained; the reference issues it by the client_credentials grant at its token
/// endpoint, to a Resource Server's status client only (private_key_jwt), with <c>resource</c> the Mission Status
/// endpoint (RFC 8707) and a DPoP proof (RFC 9449): an ES256 at+jwt whose aud is that endpoint, cnf.jkt the proof's
/// key, five minutes. OpenIddict is not told about the grant: the request is answered before it reaches OpenIddict.
/// </summary>
public sealed class StatusTokenEndpoint(
    ClientAssertionAuthenticator authenticator, ReferenceSettings settings, DpopVerifier dpop, JwsSigner signer, KeyRing keys, TimeProvider clock,
    Hooks<IStateAuthorityHook> hooks)
{
    public const string Grant = "client_credentials";

    public const string Scope = "mission_status";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private string StatusEndpoint => settings.Endpoint(MissionStatusEndpoint.Path);

    public async Task<IResult> IssueAsync(HttpContext http, IFormCollection form)
    {
        var (client, failure) = await authenticator.AuthenticateAsync(http.Request, form, TokenEndpoint.Path, http.RequestAborted);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "private_key_jwt realm=\"mission\"";
            return TokenEndpoint.OAuthError("invalid_client", failure!, StatusCodes.Status401Unauthorized);
        }
        if (!MissionStatusEndpoint.AuthMethods(settings).Contains("dpop_bearer"))
        {
            return TokenEndpoint.OAuthError("unauthorized_client", "Mission Status is not offered by dpop_bearer here, so no Mission-Status-scoped token is issued");
        }
        if (!client.IsStatusClient)
        {
            return TokenEndpoint.OAuthError("unauthorized_client", "only a Resource Server's Mission Status client obtains a Mission-Status-scoped token");
        }
        if (form["resource"] is not [var resource] || resource != StatusEndpoint)
        {
            return TokenEndpoint.OAuthError("invalid_target", $"resource must be the Mission Status endpoint, {StatusEndpoint}: the one thing this grant is for");
        }
        string jkt;
        try
        {
            jkt = await dpop.ProofKeyAsync(http, settings.Endpoint(TokenEndpoint.Path), accessToken: null);
        }
        catch (DpopProofException e)
        {
            return TokenEndpoint.OAuthError("invalid_dpop_proof", $"a Mission-Status-scoped token is DPoP-bound: {e.Message}");
        }
        var now = clock.GetUtcNow();
        var token = signer.Sign("at+jwt", new JsonObject
        {
            ["iss"] = settings.Issuer.AbsoluteUri, ["sub"] = client.ClientId, ["client_id"] = client.ClientId, ["aud"] = StatusEndpoint,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + Lifetime).ToUnixTimeSeconds(), ["scope"] = Scope,
            ["jti"] = "mst_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["cnf"] = new JsonObject { ["jkt"] = jkt },
        });
        return new NoStoreJsonResult(new JsonObject
        {
            ["access_token"] = token, ["token_type"] = "DPoP", ["expires_in"] = (long)Lifetime.TotalSeconds, ["scope"] = Scope,
        }, StatusCodes.Status200OK);
    }

    /// <summary>The status client a request's <c>Authorization: DPoP</c> token was issued to, if the token and its proof hold; else why not.</summary>
    public async Task<(TestClient? Client, string? Failure)> AuthenticateAsync(HttpContext http)
    {
        var (client, failure, proofChecked) = await CheckAsync(http);
        var check = new DpopTokenCheck(client, failure, proofChecked);
        hooks.Run(h => h.DpopTokenChecked(check));
        return check.Failure is null ? (check.TokenClient, null) : (null, check.Failure);
    }

    private async Task<(TestClient? Client, string? Failure, bool ProofChecked)> CheckAsync(HttpContext http)
    {
        var token = http.Request.Headers.Authorization.ToString()["DPoP ".Length..].Trim();
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer.AbsoluteUri,
            ValidAudience = StatusEndpoint,
            IssuerSigningKey = keys.SigningKey,
            ValidTypes = ["at+jwt"],
            RequireExpirationTime = true,
            LifetimeValidator = (_, expires, _, _) => expires is { } exp && exp > now,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken valid) return (null, "the DPoP token is not a valid Mission-Status-scoped token of this AS", false);
        var client = valid.TryGetPayloadValue<string>("client_id", out var clientId) ? TestPrincipals.FindClient(clientId) : null;
        if (client is not { IsStatusClient: true }) return (null, "the DPoP token was not issued to a Mission Status client", false);
        string proven;
        try
        {
            proven = await dpop.ProofKeyAsync(http, StatusEndpoint, token);
        }
        catch (DpopProofException e)
        {
            return (client, $"the DPoP token needs a proof of its key: {e.Message}", true);
        }
        var bound = (string?)(JsonNode.Parse(Base64UrlEncoder.Decode(valid.EncodedPayload))?["cnf"]?["jkt"] as JsonValue);
        return proven == bound ? (client, null, true) : (client, "the DPoP proof is made with another key than the one the token is bound to (cnf.jkt)", true);
    }
}
