using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Faults.Missions;

/// <summary>An identical Intent from the same client reopens the Mission it made before, which is approved again (MBO-AS-REC-003).</summary>
[FaultHook(Fault.ReuseMissionIdForIdenticalIntent, "gives a second identical Intent the Mission id of the first", "MBO-AS-PAR-013", "MBO-AS-REC-010")]
internal sealed class ReuseMissionIdForIdenticalIntent : IMissionHook, Endpoints.IAuthorizationHook
{
    public ValueTask PendingFoundAsync(Endpoints.PendingMission pending)
    {
        pending.Continues = m => m.State is MissionState.PendingApproval or MissionState.Active;
        return default;
    }

    public async ValueTask CreatingAsync(MissionCreation creation)
    {
        var twin = (await creation.Store.ListAsync(creation.ClientId, null, creation.Aborted))
            .FirstOrDefault(m => m.SubmittedIntentJson == creation.SubmittedIntentJson && m.State is MissionState.PendingApproval or MissionState.Active);
        if (twin is null) return;
        creation.Instead = await creation.Store.MutateAsync(twin.Id, record =>
        {
            record.RequestUri = creation.RequestUri;
            record.State = MissionState.PendingApproval;
            return true;
        }, creation.Aborted);
    }

    public void Approving(Approval approval)
    {
        if (approval.Record.State == MissionState.Active) approval.Approvable = true;
    }
}

/// <summary>Mission ids count up from the number of records (MBO-AS-REC-001: opaque, unguessable).</summary>
[FaultHook(Fault.SequentialMissionId, "mission.id is a sequence number", "MBO-AS-REC-001")]
internal sealed class SequentialMissionId : IMissionHook
{
    private int _sequence;

    public async ValueTask NamingAsync(MissionNaming naming)
    {
        // Seeded from the store once, then a process-wide sequence: concurrent PARs never collide.
        if (Interlocked.CompareExchange(ref _sequence, 0, 0) == 0)
        {
            Interlocked.CompareExchange(ref _sequence, (await naming.Store.ListAsync(null, null, naming.Aborted)).Count, 0);
        }
        naming.Id = "msn_" + Interlocked.Increment(ref _sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}

[FaultHook(Fault.MissionIdEmbedsSubject, "mission.id contains the requesting client_id", "MBO-AS-REC-002")]
internal sealed class MissionIdEmbedsSubject : IMissionHook
{
    public ValueTask NamingAsync(MissionNaming naming)
    {
        naming.Id = $"msn_{naming.ClientId}_{MissionStore.RandomToken(18)}";
        return default;
    }
}

[FaultHook(Fault.PairwiseRefSharedAcrossSectors, "a Mission has one pairwise ref for every sector: two Resource ASes can link it", "MBO-AS-PW-001")]
internal sealed class PairwiseRefSharedAcrossSectors : IMissionHook
{
    public void PairwiseLookup(PairwiseLookup lookup) => lookup.Sector = null;
}

[FaultHook(
    Fault.ProposalHashOverRawIntent,
    "proposal_hash is computed over the submitted Intent instead of the validated one",
    "MBO-AS-REC-009",
    "MBO-AS-REC-006")]
internal sealed class ProposalHashOverRawIntent : IMissionHook
{
    public void Approving(Approval approval) => approval.ProposedIntent = JsonNode.Parse(approval.Record.SubmittedIntentJson)!;
}

[FaultHook(
    Fault.ConstantRenderingHash,
    "consent_rendering_hash is computed over the consent template's name, not the disclosure shown, so every Mission gets the same one",
    "MC-AS-REC-101")]
internal sealed class ConstantRenderingHash : IMissionHook
{
    public void Approving(Approval approval) => approval.Rendered = new JsonObject { ["template"] = "consent-page" };
}

/// <summary>Approval leaves the Mission pending; it becomes active when its code is redeemed.</summary>
[FaultHook(
    Fault.ActivateOnRedemption,
    "the code is issued while the Mission stays pending_approval; it activates only at code redemption",
    "MBO-AS-APR-004")]
internal sealed class ActivateOnRedemption : IMissionHook, ITokenHook, Endpoints.IAuthorizationHook
{
    public void Approving(Approval approval) => approval.Activates = false;

    public void Approved(Endpoints.ApprovalResult result)
    {
        if (result.Approved?.ApprovalEventId is not null) result.IssuesCode = true;
    }

    public async ValueTask MissionFoundAsync(MissionLookup lookup)
    {
        if (lookup.Mission is { } mission && lookup.Grant != GrantKind.Refresh)
        {
            lookup.Mission = await lookup.Store.ActivateLateAsync(mission.Id, lookup.Aborted) ?? mission;
        }
    }
}

/// <summary>An approved Mission Expansion forgets which Mission it supersedes.</summary>
[FaultHook(
    Fault.ExpansionWithoutSupersedes,
    "an approved expansion's successor keeps no link to the Mission it supersedes: its record and Mission Status name no supersedes",
    "MBO-AS-EXP-001")]
internal sealed class ExpansionWithoutSupersedes : IMissionHook
{
    public async ValueTask ApprovedAsync(MissionOutcome outcome)
    {
        if (outcome.Record is not { Supersedes: not null } approved) return;
        outcome.Record = await outcome.Store.MutateAsync(approved.Id, record =>
        {
            record.Supersedes = null;
            return true;
        }, outcome.Aborted);
    }
}

/// <summary>A denied Mission Expansion completes the Mission it would have superseded.</summary>
[FaultHook(
    Fault.DeniedExpansionEndsPrior,
    "denying an expansion completes the Mission it would have superseded, instead of leaving it active",
    "MBO-AS-EXP-003")]
internal sealed class DeniedExpansionEndsPrior : IMissionHook
{
    public async ValueTask RejectedAsync(MissionOutcome outcome)
    {
        if (outcome.Record is { State: MissionState.Rejected, Supersedes: { } prior })
        {
            await outcome.Store.ApplyAsync(prior, LifecycleOperation.Complete, outcome.Actor, "expansion denied", outcome.Aborted);
        }
    }
}

[FaultHook(
    Fault.ExpansionLeavesPriorActive,
    "the successor of an approved expansion activates, but the Mission it supersedes stays active and goes on deriving",
    "MBO-AS-EXP-002")]
internal sealed class ExpansionLeavesPriorActive : IMissionHook
{
    public void Superseding(Supersession supersession) => supersession.CompletesPrior = false;
}

[FaultHook(Fault.ResumeFromTerminal, "resume re-activates a revoked or completed Mission", "MBO-AS-LC-005")]
internal sealed class ResumeFromTerminal : IMissionHook
{
    public void Transitioning(LifecycleTransition transition)
    {
        if (transition.Operation == LifecycleOperation.Resume) transition.Sources.UnionWith([MissionState.Revoked, MissionState.Completed]);
    }
}

[FaultHook(Fault.CompleteWhileSuspended, "a suspended Mission can be completed directly", "MBO-AS-LC-006")]
internal sealed class CompleteWhileSuspended : IMissionHook
{
    public void Transitioning(LifecycleTransition transition)
    {
        if (transition.Operation == LifecycleOperation.Complete) transition.Sources.Add(MissionState.Suspended);
    }
}

[FaultHook(Fault.NonIdempotentLifecycle, "repeating an operation already applied returns 409", "MBO-AS-LC-004")]
internal sealed class NonIdempotentLifecycle : IMissionHook
{
    public void Transitioning(LifecycleTransition transition) => transition.RepeatIsIdempotent = false;
}

[FaultHook(Fault.RevokeIsNoOp, "the lifecycle endpoint acknowledges revoke without changing state", "MBO-AS-LC-001")]
internal sealed class RevokeIsNoOp : IMissionHook
{
    public void Transitioning(LifecycleTransition transition)
    {
        if (transition.Operation == LifecycleOperation.Revoke) transition.ChangesState = false;
    }
}

[FaultHook(Fault.SuspendIsNoOp, "the lifecycle endpoint acknowledges suspend without changing state", "MBO-AS-LC-002")]
internal sealed class SuspendIsNoOp : IMissionHook
{
    public void Transitioning(LifecycleTransition transition)
    {
        if (transition.Operation == LifecycleOperation.Suspend) transition.ChangesState = false;
    }
}

[FaultHook(Fault.IgnoreMaxDerivations, "context.max_derivations is not enforced", "MBO-AS-GATE-008", "MBO-AS-GATE-009")]
internal sealed class IgnoreMaxDerivations : IMissionHook
{
    public void CountingDerivation(DerivationCount count) => count.BudgetApplies = false;
}

/// <summary>The derivation count is checked, then written after a pause, outside one transaction: a second request slips in between.</summary>
[FaultHook(Fault.RacyDerivationCounter, "the derivation budget is checked and incremented non-atomically", "MBO-AS-GATE-009")]
internal sealed class RacyDerivationCounter : IMissionHook
{
    public void CountingDerivation(DerivationCount count) => count.Instead = () => CountRacilyAsync(count);

    private static async Task<(bool, MissionRecord?)> CountRacilyAsync(DerivationCount count)
    {
        var seen = await count.Store.FindAsync(count.MissionId, count.Aborted);
        if (seen is null || seen.State != MissionState.Active || seen.MaxDerivations is { } max && seen.Derivations >= max)
        {
            return (false, seen);
        }
        await Task.Delay(50, count.Aborted);
        await count.Store.MutateAsync(count.MissionId, record =>
        {
            record.Derivations = seen.Derivations + 1;
            return true;
        }, count.Aborted);
        return (true, seen);
    }
}

[FaultHook(Fault.IgnoreMissionExpiry, "refresh succeeds after mission_expiry", "MBO-AS-GATE-004")]
internal sealed class IgnoreMissionExpiry : IMissionHook
{
    public void ExpiryChecked(ExpiryCheck check)
    {
        if (check.Record.State is MissionState.Active or MissionState.Suspended) check.Due = false;
    }
}

/// <summary>The authority hash is the bare JCS digest of the Authority Set, outside its envelope.</summary>
[FaultHook(
    Fault.AuthorityHashWithoutEnvelope,
    "authority_hash is SHA-256 over the JCS of the bare Authority Set, without the domain-separating envelope",
    "MBO-AS-REC-005")]
internal sealed class AuthorityHashWithoutEnvelope : IMissionHook
{
    public void AnchorComputed(AnchorDraft anchor)
    {
        if (anchor.Envelope == IntegrityAnchor.AuthoritySetEnvelope) anchor.Anchor = IntegrityAnchor.Digest(Jcs.Canonicalize(JsonSerializer.SerializeToElement(anchor.Value)));
    }
}

/// <summary>Anchors are padded standard base64 without the algorithm prefix.</summary>
[FaultHook(Fault.PaddedAnchors, "anchors use padded standard base64", "MBO-AS-REC-004")]
internal sealed class PaddedAnchors : IMissionHook
{
    public void AnchorComputed(AnchorDraft anchor)
    {
        var raw = anchor.Anchor["sha-256:".Length..].Replace('-', '+').Replace('_', '/');
        anchor.Anchor = raw + new string('=', (4 - raw.Length % 4) % 4);
    }
}

[FaultHook(
    Fault.LifecycleEventsSkipSuspension,
    "the AS advertises event_driven and pushes a lifecycle SET on revocation, completion and expiry, but none on suspension",
    "MBO-MAS-006")]
internal sealed class LifecycleEventsSkipSuspension : IMissionHook
{
    public void EventPublishing(EventPublishing publishing)
    {
        if (publishing.Mission.State == MissionState.Suspended) publishing.Publishes = false;
    }
}
