using System.Text.Json.Nodes;
using MissionConformance.Reference.Pdp;

namespace MissionConformance.Reference.Faults.Pdp;

[FaultHook(Fault.PdpIgnoresMissionState, "the PDP decides without regard to the Mission's state: a revoked Mission's in-set action is permitted", "MBO-RT-PDP-001", Site = FaultSite.Pdp)]
internal sealed class PdpIgnoresMissionState : IPdpHook
{
    public void StateChecked(PdpStep check) => check.Stops = false;
}

[FaultHook(Fault.PdpSkipsDigestCheck, "the PDP takes parameter_digest on trust: a digest that does not match the parameters is permitted", "MBO-RT-PDP-002", Site = FaultSite.Pdp)]
internal sealed class PdpSkipsDigestCheck : IPdpHook
{
    public void DigestChecked(PdpStep check) => check.Stops = false;
}

[FaultHook(Fault.PdpIgnoresStaleness,
    "the PDP checks neither the context's authority_hash and policy view against Mission Status nor freshness_at against mission_max_stale_seconds",
    "MBO-RT-PDP-003", Site = FaultSite.Pdp)]
internal sealed class PdpIgnoresStaleness : IPdpHook
{
    public void FreshnessChecked(PdpStep check) => check.Stops = false;
}

/// <summary>An action the entry for the resource does not list is permitted, so no requestable denial is ever offered either.</summary>
[FaultHook(Fault.PdpPermitsUnlistedActions, "the PDP permits an action the Mission's entry for the resource does not list (so it never offers a requestable denial)",
    "MBO-RT-PDP-004", "MBO-RT-PDP-006", Site = FaultSite.Pdp)]
internal sealed class PdpPermitsUnlistedActions : IPdpHook
{
    public void ActionChecked(PdpStep check) => check.Stops = false;
}

[FaultHook(Fault.PdpPermitsBeyondTheEntry,
    "the PDP permits a listed action at a resource the Mission has no entry for, and arguments that break the entry's constraints",
    "MBO-RT-PDP-005", Site = FaultSite.Pdp)]
internal sealed class PdpPermitsBeyondTheEntry : IPdpHook
{
    public void ScopeChecked(PdpStep check) => check.Stops = false;
}

[FaultHook(Fault.PdpPlainDenials, "a requestable denial is answered as a plain deny: no evaluation_id, no access_request", "MBO-RT-PDP-006", Site = FaultSite.Pdp)]
internal sealed class PdpPlainDenials : IPdpHook
{
    public void DenialAnswering(JsonObject context)
    {
        context.Remove("access_request");
        context.Remove("evaluation_id");
    }
}

[FaultHook(Fault.PdpRecordsPermitsOnly, "the PDP keeps Decision Evidence for permits only; its denials leave no record", "MBO-RT-PDP-007", Site = FaultSite.Pdp)]
internal sealed class PdpRecordsPermitsOnly : IPdpHook
{
    public void EvidenceRecording(DecisionRecord record) => record.Kept = (string?)record.Record["decision"] == "permit";
}

[FaultHook(Fault.PdpEvidenceSignedByUnpublishedKey, "Decision Evidence envelopes are signed with a key the PDP's JWKS does not publish", "MBO-RT-PDP-008", Site = FaultSite.Pdp)]
internal sealed class PdpEvidenceSignedByUnpublishedKey : IPdpHook
{
    public void EvidenceRecording(DecisionRecord record) => record.SignWithForeignKey = true;
}

[FaultHook(Fault.PdpEvidenceWithoutDenialReason, "Decision Evidence of a denial carries no denial_reason", "MBO-RT-PDP-009", Site = FaultSite.Pdp)]
internal sealed class PdpEvidenceWithoutDenialReason : IPdpHook
{
    public void EvidenceRecording(DecisionRecord record) => record.Record.Remove("denial_reason");
}

[FaultHook(Fault.PdpIgnoresMaxInvocations, "the PDP permits past the entry's max_invocations", "MBO-RT-PDP-010", Site = FaultSite.Pdp)]
internal sealed class PdpIgnoresMaxInvocations : IPdpHook
{
    public void QuotaChecked(PdpStep check) => check.Stops = false;
}

[FaultHook(Fault.PdpIgnoresToolId, "the PDP permits a tool_id no approved capability names", "MBO-RT-PDP-011", Site = FaultSite.Pdp)]
internal sealed class PdpIgnoresToolId : IPdpHook
{
    public void CapabilityChecked(PdpStep check) => check.Stops = false;
}
