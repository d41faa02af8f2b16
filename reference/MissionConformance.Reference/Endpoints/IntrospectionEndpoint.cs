using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// RFC 7662 introspection with the Mission projection (oauth-profile.md §11; MBO-AS-INT-001…004, 006).
/// Callers are the Resource Servers' status clients (private_key_jwt). A caller that is not an
/// audience of the token learns nothing but active:false; an audience gets the Mission's state and only
/// its own entries, and active is true only while the token is valid and the Mission is active. With
/// Accept: application/token-introspection+jwt the answer is signed (RFC 9701).
/// </summary>
public sealed class IntrospectionEndpoint(
    ClientAssertionAuthenticator authenticator, MissionStore store, Hooks<IStateAuthorityHook> hooks, ReferenceSettings settings, KeyRing keys, JwsSigner signer,
    IOpenIddictTokenManager tokens, TimeProvider clock)
{
    public const string Path = "introspect";
    public const string SignedMediaType = "application/token-introspection+jwt";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var (client, failure) = await authenticator.AuthenticateAsync(http.Request, form, Path, http.RequestAborted);
        if (Check(IntrospectionRule.Authenticated, client is not null ? null
            : Results.Json(new JsonObject { ["error"] = "invalid_client", ["error_description"] = failure }, statusCode: StatusCodes.Status401Unauthorized)) is { } unauthenticated)
        {
            http.Response.Headers.WWWAuthenticate = "private_key_jwt realm=\"introspection\"";
            return unauthenticated;
        }
        string? token = form["token"];
        if (string.IsNullOrEmpty(token))
        {
            return Results.Json(new JsonObject { ["error"] = "invalid_request", ["error_description"] = "token is required" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var claims = await ValidateAsync(token, http.RequestAborted);
        if (claims is null)
        {
            // A token this AS did not issue, or no longer honours, is inactive (RFC 7662 §2.2), never an error.
            var inactive = Answer(http, client, new JsonObject { ["active"] = false }, null);
            return Check(IntrospectionRule.KnownToken, inactive) ?? inactive;
        }
        var audiences = Audiences(claims);
        var audience = client?.StatusAudience;
        var isAudience = audience is not null && audiences.Contains(audience);
        // No oracle: a caller the token is not for learns only that it may not use it.
        if (Check(IntrospectionRule.Audience, isAudience ? null : Answer(http, client, new JsonObject { ["active"] = false }, null)) is { } notForYou)
        {
            return notForYou;
        }

        var missionClaim = claims.TryGetPayloadValue<JsonElement>("mission", out var m) && m.ValueKind == JsonValueKind.Object ? JsonNode.Parse(m.GetRawText())!.AsObject() : null;
        // A token for a pairwise audience names the Mission by its ref, and so does the answer (oauth-profile.md §15).
        var pairwiseRef = (string?)missionClaim?["ref"];
        var mission = (string?)missionClaim?["id"] is { } id ? await store.FindAsync(id, http.RequestAborted)
            : pairwiseRef is not null ? (await store.ResolvePairwiseAsync(pairwiseRef, http.RequestAborted))?.Mission
            : null;
        var missionActive = mission?.State == MissionState.Active;
        var details = claims.TryGetPayloadValue<JsonElement>("authorization_details", out var d) && d.ValueKind == JsonValueKind.Array ? JsonNode.Parse(d.GetRawText())!.AsArray() : [];
        var response = new JsonObject
        {
            ["active"] = mission is not null && missionActive,
            ["iss"] = claims.Issuer,
            ["sub"] = claims.Subject,
            ["client_id"] = claims.TryGetPayloadValue<string>("client_id", out var clientId) ? clientId : null,
            ["aud"] = isAudience ? audience : new JsonArray(audiences.Select(a => (JsonNode?)a).ToArray()),
            ["iat"] = new DateTimeOffset(claims.IssuedAt).ToUnixTimeSeconds(),
            ["exp"] = new DateTimeOffset(claims.ValidTo).ToUnixTimeSeconds(),
            ["token_type"] = "Bearer",
            ["authorization_details"] = new JsonArray(details.Where(e => isAudience ? (string?)e!["resource"] == audience : true).Select(e => e!.DeepClone()).ToArray()),
        };
        if (claims.TryGetPayloadValue<string>("scope", out var scope)) response["scope"] = scope;
        // RFC 7662 §2.2 lets any claim of the token through: the delegation chain (RFC 8693 §4.1) and the binding (RFC 9449 §6.2, RFC 8705 §3.2).
        foreach (var name in new[] { "act", "cnf" })
        {
            if (claims.TryGetPayloadValue<JsonElement>(name, out var value)) response[name] = JsonNode.Parse(value.GetRawText());
        }
        if (mission is not null)
        {
            response["mission"] = new JsonObject
            {
                [pairwiseRef is null ? "id" : "ref"] = pairwiseRef ?? mission.Id,
                ["origin"] = mission.Origin,
                ["authority_hash"] = mission.AuthorityHash,
                ["state"] = mission.State,
                ["version"] = mission.Version,
                ["expires_at"] = MissionIntentValidator.FormatRfc3339(DateTimeOffset.FromUnixTimeSeconds(mission.MissionExpiry)),
            };
        }
        return Answer(http, client, response, mission);
    }

    /// <summary>
    /// The claims of an access token this server issued (its signature and issuer; the JOSE typ is MBO-AS-TOK-012's
    /// business, not a reason to disown a token) and has not revoked; null for anything else.
    /// </summary>
    private async Task<JsonWebToken?> ValidateAsync(string token, CancellationToken ct)
    {
        // An opaque access token (variant OpaqueAccessTokens) is the reference id of the stored JWT.
        if (await tokens.FindByReferenceIdAsync(token, ct) is { } stored && await tokens.GetPayloadAsync(stored, ct) is { } payload) token = payload;
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token)) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer.AbsoluteUri,
            IssuerSigningKey = keys.SigningKey,
            ValidateAudience = false,
            LifetimeValidator = (notBefore, expires, _, _) => expires is { } exp && exp > now && (notBefore is null || notBefore <= now),
        });
        if (!result.IsValid) return null;
        var jwt = (JsonWebToken)result.SecurityToken;
        // RFC 7009: a revoked access token is inactive. OpenIddict keeps each token's entry under oi_tkn_id.
        if (jwt.TryGetPayloadValue<string>(OpenIddictConstants.Claims.Private.TokenId, out var entryId)
            && await tokens.FindByIdAsync(entryId, ct) is { } entry
            && !await tokens.HasStatusAsync(entry, OpenIddictConstants.Statuses.Valid, ct))
        {
            return null;
        }
        return jwt;
    }

    private static List<string> Audiences(JsonWebToken jwt) => jwt.Audiences.ToList();

    /// <summary>A check of the request: <paramref name="refusal"/> is its answer, null when it holds.</summary>
    private IResult? Check(IntrospectionRule check, IResult? refusal)
    {
        var checkedCall = new IntrospectionCheck(check, refusal);
        hooks.Run(h => h.IntrospectionChecked(checkedCall));
        return checkedCall.Refusal;
    }

    private IResult Answer(HttpContext http, TestClient? client, JsonObject response, MissionRecord? mission)
    {
        var answer = new IntrospectionAnswer(response, mission);
        hooks.Run(h => h.IntrospectionBuilt(answer));
        var wantsJwt = http.Request.Headers.Accept.Any(a => a?.Contains(SignedMediaType, StringComparison.OrdinalIgnoreCase) == true);
        if (!wantsJwt || client is null || !answer.Signed)
        {
            return Results.Content(response.ToJsonString(), "application/json");
        }
        var payload = new JsonObject
        {
            ["iss"] = settings.MissionOrigin,
            ["aud"] = client.ClientId,
            ["iat"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["token_introspection"] = response,
        };
        return Results.Text(signer.Sign("token-introspection+jwt", payload), SignedMediaType);
    }
}
