using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// What OpenIddict signs as a Mission-bound access token (oauth-profile.md §8): the Mission's subject, the selected
/// authorization_details as one JSON array, the mission claim, the selected resources as audiences, and a lifetime that never
/// outlives the Mission (MBO-AS-TOK-007). The refresh token keeps the grant's resources (RFC 8707 §2.2).
/// </summary>
public sealed class TokenPrincipalBuilder(MissionClaimBuilder claims, TimeProvider clock, Hooks<ITokenHook> hooks)
{
    /// <param name="missionClaim">The mission claim when it is not the canonical one: a pairwise sector's.</param>
    /// <param name="grantResources">The resources of the grant a refresh token carries on; <paramref name="resources"/> when not given.</param>
    public ClaimsPrincipal Build(MissionRecord mission, GrantKind grant, JsonArray entries, IReadOnlyList<string> resources,
        IReadOnlyDictionary<string, JsonElement>? extraClaims = null, JsonObject? missionClaim = null, IReadOnlyList<string>? grantResources = null)
    {
        var remaining = DateTimeOffset.FromUnixTimeSeconds(mission.MissionExpiry) - clock.GetUtcNow();
        var draft = new TokenDraft(mission, grant, entries, resources)
        {
            Subject = mission.Subject!,
            MissionClaim = missionClaim ?? claims.Canonical(mission, isRefresh: grant == GrantKind.Refresh, isExchange: grant is GrantKind.Exchange or GrantKind.Delegation),
            Audiences = entries.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList(),
            AccessTokenLifetime = remaining > ReferenceSettings.AccessTokenLifetime ? ReferenceSettings.AccessTokenLifetime : remaining,
        };
        hooks.Run(h => h.TokenDrafted(draft));

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, draft.Subject);
        identity.SetClaim(TokenEndpoint.MissionRecordClaim, mission.Id);
        identity.SetClaim(TokenEndpoint.GrantedResourcesClaim, JsonSerializer.Serialize(grantResources ?? resources));
        // One claim of type JSON_ARRAY: the array stays an array even with a single entry (RFC 9396 §2).
        identity.AddClaim(new Claim("authorization_details", draft.Entries.ToJsonString(), Microsoft.IdentityModel.JsonWebTokens.JsonClaimValueTypes.JsonArray));
        if (draft.MissionClaim is { } claim) identity.SetClaim("mission", JsonSerializer.SerializeToElement(claim));
        foreach (var (type, value) in extraClaims ?? new Dictionary<string, JsonElement>())
        {
            identity.SetClaim(type, value);
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(draft.Audiences);
        if (draft.Scopes is { } scopes) principal.SetScopes(scopes);
        principal.SetAccessTokenLifetime(draft.AccessTokenLifetime);
        // The refresh token outlives the Mission by a day so that a late refresh meets the gate and
        // learns mission_state=expired (MBO-AS-GATE-004) instead of a bare "token expired".
        principal.SetRefreshTokenLifetime(remaining + TimeSpan.FromDays(1));
        principal.SetDestinations(c => c.Type switch
        {
            TokenEndpoint.MissionRecordClaim or TokenEndpoint.GrantedResourcesClaim or TokenEndpoint.RefreshKeyClaim => [],
            _ => [Destinations.AccessToken],
        });
        return principal;
    }
}
