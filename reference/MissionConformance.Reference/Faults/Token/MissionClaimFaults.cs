using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

/// <summary>mission.origin carries a query (oauth-profile.md §8 says an origin has none).</summary>
[FaultHook(Fault.OriginWithQuery)]
internal sealed class OriginWithQuery : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["origin"] = draft.Mission.Origin + "?tenant=" + draft.Tenant;
}

[FaultHook(Fault.MissionClaimWithIdAndRef)]
internal sealed class MissionClaimWithIdAndRef : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["ref"] = "ref_" + draft.Mission.Id;
}

[FaultHook(Fault.WrongAuthorityHash)]
internal sealed class WrongAuthorityHash : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["authority_hash"] = "sha-256:" + new string('A', 43);
}

[FaultHook(Fault.AuthorityHashChangesOnRefresh)]
internal sealed class AuthorityHashChangesOnRefresh : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft)
    {
        if (draft.IsRefresh) draft.Claim["authority_hash"] = "sha-256:" + new string('B', 43);
    }
}

[FaultHook(Fault.ExchangeLosesMission)]
internal sealed class ExchangeLosesMission : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft)
    {
        if (draft.IsExchange) draft.Claim["id"] = "msn_exchanged_" + draft.Mission.Id[..Math.Min(12, draft.Mission.Id.Length)];
    }
}

/// <summary>A refreshed token names the Mission by a pairwise-style ref, for an audience that got the canonical id before (MBO-AS-TOK-015).</summary>
[FaultHook(Fault.MissionClaimModeVaries)]
internal sealed class MissionClaimModeVaries : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft)
    {
        if (!draft.IsRefresh) return;
        draft.Claim.Remove("id");
        draft.Claim["ref"] = "ref_" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(draft.Mission.Id)));
    }
}

/// <summary>A pairwise sector's claim keeps the canonical id beside its ref (oauth-profile.md §15).</summary>
[FaultHook(Fault.PairwiseLeaksCanonicalId)]
internal sealed class PairwiseLeaksCanonicalId : ITokenHook
{
    public void PairwiseClaimBuilt(MissionClaimDraft draft) => draft.Claim["id"] = draft.Mission.Id;
}
