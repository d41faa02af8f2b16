using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(Fault.RefreshWhileSuspended, "refresh succeeds while the Mission is suspended", "MBO-AS-GATE-001")]
internal sealed class RefreshWhileSuspended : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh) gate.Derivable.Add(MissionState.Suspended);
    }
}

[FaultHook(Fault.RefreshAfterRevoke, "refresh succeeds after the Mission is revoked", "MBO-AS-GATE-002")]
internal sealed class RefreshAfterRevoke : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh) gate.Derivable.Add(MissionState.Revoked);
    }
}

[FaultHook(Fault.RefreshAfterComplete, "refresh succeeds after the Mission is completed", "MBO-AS-GATE-003", "MBO-AS-EXP-002")]
internal sealed class RefreshAfterComplete : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh) gate.Derivable.Add(MissionState.Completed);
    }
}

/// <summary>A suspended or revoked Mission's token is exchanged (<see cref="Fault.ExchangeAfterRevoke"/>), delegated, or projected.</summary>
internal abstract class InactiveDerivation(GrantKind grant) : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant != grant) return;
        gate.Derivable.Add(MissionState.Suspended);
        gate.Derivable.Add(MissionState.Revoked);
    }
}

[FaultHook(Fault.ExchangeAfterRevoke, "Token Exchange ignores the Mission's state: a suspended or revoked Mission still derives", "MBO-AS-GATE-005")]
internal sealed class ExchangeAfterRevoke() : InactiveDerivation(GrantKind.Exchange);

[FaultHook(Fault.DelegationWhileInactive, "a suspended or revoked Mission still yields delegated tokens", "MBO-AS-DEL-007")]
internal sealed class DelegationWhileInactive() : InactiveDerivation(GrantKind.Delegation);

[FaultHook(Fault.IdJagAfterRevoke, "an ID-JAG is issued for a suspended or revoked Mission", "MBO-AS-XD-004")]
internal sealed class IdJagAfterRevoke() : InactiveDerivation(GrantKind.IdJag);

/// <summary>A Mission resumed after a suspension still refuses refresh, as if suspended.</summary>
[FaultHook(Fault.ResumeDoesNotRestore, "a resumed Mission still refuses refresh", "MBO-AS-GATE-007")]
internal sealed class ResumeDoesNotRestore : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh && gate.State == MissionState.Active && gate.Mission.HistoryJson.Contains("\"suspend\"", StringComparison.Ordinal))
        {
            gate.State = MissionState.Suspended;
        }
    }
}

[FaultHook(
    Fault.NonStandardMissionState,
    "gating errors carry mission_state=inactive",
    "MBO-AS-GATE-006",
    "MBO-AS-GATE-001",
    "MBO-AS-GATE-002",
    "MBO-AS-GATE-003",
    "MBO-AS-GATE-004",
    "MBO-AS-GATE-005",
    "MBO-AS-DEL-007",
    "MBO-AS-XD-004",
    "MBO-AS-EXP-002")]
internal sealed class NonStandardMissionState : ITokenHook
{
    public void GatingRefused(GatingRefusal refusal) => refusal.Body["mission_state"] = "inactive";
}

[FaultHook(Fault.CacheableGatingError, "gating errors lack Cache-Control: no-store", "MBO-AS-GATE-010")]
internal sealed class CacheableGatingError : ITokenHook
{
    public void GatingRefused(GatingRefusal refusal) => refusal.Cacheable = true;
}

/// <summary>The Mission is taken from a mission_id parameter the client sends, not from the grant (MBO-AS-APR-006).</summary>
[FaultHook(Fault.MissionFromClientParameter, "binds a token to the Mission named by a client-supplied mission_id parameter", "MBO-AS-APR-006")]
internal sealed class MissionFromClientParameter : ITokenHook
{
    public void ResolvingMission(MissionLookup lookup)
    {
        if ((string?)lookup.Request["mission_id"] is { Length: > 0 } supplied) lookup.MissionId = supplied;
    }
}
