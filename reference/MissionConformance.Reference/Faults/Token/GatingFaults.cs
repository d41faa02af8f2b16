using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(Fault.RefreshWhileSuspended)]
internal sealed class RefreshWhileSuspended : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh) gate.Derivable.Add(MissionState.Suspended);
    }
}

[FaultHook(Fault.RefreshAfterRevoke)]
internal sealed class RefreshAfterRevoke : ITokenHook
{
    public void Gating(Gate gate)
    {
        if (gate.Grant == GrantKind.Refresh) gate.Derivable.Add(MissionState.Revoked);
    }
}

[FaultHook(Fault.RefreshAfterComplete)]
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

[FaultHook(Fault.ExchangeAfterRevoke)]
internal sealed class ExchangeAfterRevoke() : InactiveDerivation(GrantKind.Exchange);

[FaultHook(Fault.DelegationWhileInactive)]
internal sealed class DelegationWhileInactive() : InactiveDerivation(GrantKind.Delegation);

[FaultHook(Fault.IdJagAfterRevoke)]
internal sealed class IdJagAfterRevoke() : InactiveDerivation(GrantKind.IdJag);

/// <summary>A Mission resumed after a suspension still refuses refresh, as if suspended.</summary>
[FaultHook(Fault.ResumeDoesNotRestore)]
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

[FaultHook(Fault.NonStandardMissionState)]
internal sealed class NonStandardMissionState : ITokenHook
{
    public void GatingRefused(GatingRefusal refusal) => refusal.Body["mission_state"] = "inactive";
}

[FaultHook(Fault.CacheableGatingError)]
internal sealed class CacheableGatingError : ITokenHook
{
    public void GatingRefused(GatingRefusal refusal) => refusal.Cacheable = true;
}

/// <summary>The Mission is taken from a mission_id parameter the client sends, not from the grant (MBO-AS-APR-006).</summary>
[FaultHook(Fault.MissionFromClientParameter)]
internal sealed class MissionFromClientParameter : ITokenHook
{
    public void ResolvingMission(MissionLookup lookup)
    {
        if ((string?)lookup.Request["mission_id"] is { Length: > 0 } supplied) lookup.MissionId = supplied;
    }
}
