using System.Text.Json.Nodes;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// The mission claim of every derived token (oauth-profile.md §8): the canonical one ({id, origin, authority_hash}), or for an
/// audience of a pairwise sector that sector's ref in place of the id, which that audience never sees (§15).
/// </summary>
public sealed class MissionClaimBuilder(ReferenceSettings settings, MissionStore store, Hooks<ITokenHook> hooks)
{
    public JsonObject Canonical(MissionRecord mission, bool isRefresh = false, bool isExchange = false)
    {
        var claim = new JsonObject
        {
            ["id"] = mission.Id,
            ["origin"] = mission.Origin,
            ["authority_hash"] = mission.AuthorityHash,
        };
        hooks.Run(h => h.MissionClaimBuilt(new MissionClaimDraft(claim, mission, isRefresh, isExchange, settings.Tenant)));
        return claim;
    }

    /// <summary>The claim for an audience of pairwise sector <paramref name="sector"/> (a Resource AS, or a Resource Server in the resource_server sector).</summary>
    public async Task<JsonObject> PairwiseAsync(MissionRecord mission, string sector, CancellationToken ct)
    {
        var claim = Canonical(mission);
        claim.Remove("id");
        hooks.Run(h => h.PairwiseClaimBuilt(new MissionClaimDraft(claim, mission, isRefresh: false, isExchange: false, settings.Tenant)));
        claim["ref"] = await store.PairwiseRefAsync(mission.Id, sector, ct);
        return claim;
    }

    /// <summary>
    /// In the resource_server sector a token is for one Resource Server, named by that server's ref, so a selection of several is
    /// refused (invalid_target) before anything is counted. Null claim: the canonical one applies.
    /// </summary>
    public async Task<(JsonObject? Claim, Microsoft.AspNetCore.Http.IResult? Misfit)> ForSectorAsync(MissionRecord mission, JsonArray entries, CancellationToken ct)
    {
        if (settings.PairwiseSector != ReferenceSettings.ResourceServerSector) return (null, null);
        if (entries.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList() is not [var resource])
        {
            return (null, TokenEndpoint.OAuthError("invalid_target", "in pairwise sector resource_server a token is for one Resource Server, which sees its own mission.ref: name one with resource (RFC 8707)"));
        }
        return (await PairwiseAsync(mission, resource, ct), null);
    }
}
