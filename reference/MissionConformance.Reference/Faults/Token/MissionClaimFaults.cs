using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

/// <summary>mission.origin carries a query (oauth-profile.md §8 says an origin has none).</summary>
[FaultHook(Fault.OriginWithQuery, "mission.origin carries a query string", "MBO-AS-REC-003")]
internal sealed class OriginWithQuery : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["origin"] = draft.Mission.Origin + "?tenant=" + draft.Tenant;
}

[FaultHook(Fault.MissionClaimWithIdAndRef, "the mission claim carries both id and ref", "MBO-AS-TOK-003")]
internal sealed class MissionClaimWithIdAndRef : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["ref"] = "ref_" + draft.Mission.Id;
}

[FaultHook(Fault.WrongAuthorityHash, "mission.authority_hash in tokens differs from the Mission's authority_hash", "MBO-AS-TOK-002")]
internal sealed class WrongAuthorityHash : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft) => draft.Claim["authority_hash"] = "sha-256:" + new string('A', 43);
}

[FaultHook(
    Fault.AuthorityHashChangesOnRefresh,
    "refreshed tokens carry a different authority_hash",
    "MBO-AS-REC-007",
    "MBO-AS-RT-001",
    "MBO-AS-EXP-004",
    "MC-AS-PRJ-101")]
internal sealed class AuthorityHashChangesOnRefresh : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft)
    {
        if (draft.IsRefresh) draft.Claim["authority_hash"] = "sha-256:" + new string('B', 43);
    }
}

[FaultHook(Fault.ExchangeLosesMission, "a token obtained by Token Exchange names a new Mission id", "MC-AS-XCH-101")]
internal sealed class ExchangeLosesMission : ITokenHook
{
    public void MissionClaimBuilt(MissionClaimDraft draft)
    {
        if (draft.IsExchange) draft.Claim["id"] = "msn_exchanged_" + draft.Mission.Id[..Math.Min(12, draft.Mission.Id.Length)];
    }
}

/// <summary>A refreshed token names the Mission by a pairwise-style ref, for an audience that got the canonical id before (MBO-AS-TOK-015).</summary>
[FaultHook(
    Fault.MissionClaimModeVaries,
    "a refreshed token carries mission.ref where the audience got mission.id before",
    "MBO-AS-TOK-015",
    "MBO-AS-RT-001")]
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
[FaultHook(Fault.PairwiseLeaksCanonicalId, "an ID-JAG's mission claim carries the canonical id next to the sector's ref", "MBO-AS-PW-002")]
internal sealed class PairwiseLeaksCanonicalId : ITokenHook
{
    public void PairwiseClaimBuilt(MissionClaimDraft draft) => draft.Claim["id"] = draft.Mission.Id;
}
