using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Security;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>The DPoP proof of a token request (RFC 9449, htu the token endpoint), and the keys tokens are bound to.</summary>
public sealed class TokenRequestProof(DpopVerifier dpop, ReferenceSettings settings, SenderConstraint binding, DpopNonces nonces)
{
    /// <summary>Whether the request carries a proof that, under DpopBoundTokens, binds what is issued.</summary>
    public bool Offered(HttpContext http) => binding.Dpop && http.Request.Headers.ContainsKey("DPoP");

    /// <summary>The thumbprint of the key this request's one proof is made with, or the invalid_dpop_proof (or use_dpop_nonce) refusal.</summary>
    /// <remarks>Under <see cref="Variant.DpopBoundTokens"/> a proof must carry this server's nonce (RFC 9449 §8).</remarks>
    public async Task<(string? Key, IResult? Refusal)> KeyAsync(HttpContext http, string why)
    {
        try
        {
            return (await dpop.ProofKeyAsync(http, settings.Endpoint(TokenEndpoint.Path), accessToken: null, binding.Dpop ? nonces.Accepts : null), null);
        }
        catch (DpopNonceRequiredException e)
        {
            http.Response.Headers["DPoP-Nonce"] = nonces.Current;
            return (null, TokenEndpoint.OAuthError("use_dpop_nonce", e.Message));
        }
        catch (DpopProofException e)
        {
            return (null, TokenEndpoint.OAuthError("invalid_dpop_proof", $"{why}: {e.Message}"));
        }
    }

    /// <summary>The DPoP key thumbprint a token is bound to (cnf.jkt), if any.</summary>
    public static string? BoundKey(ClaimsPrincipal? token)
        => token?.GetClaim("cnf") is { } cnf && JsonNode.Parse(cnf) is JsonObject bound && bound["jkt"] is JsonValue jkt && jkt.TryGetValue<string>(out var value) ? value : null;
}
