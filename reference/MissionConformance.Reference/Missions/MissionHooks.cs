using System.Text.Json.Nodes;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// The points of the Mission store and its state machine where a registered hook may change what they are about to do. The
/// correct stack registers none; each fault of the Mission record and its lifecycle is one (Faults/Missions/).
/// </summary>
public interface IMissionHook
{
    /// <summary>A pending record is about to be created for an admitted Intent; a hook may answer with an existing record instead.</summary>
    ValueTask CreatingAsync(MissionCreation creation) => default;

    /// <summary>A new Mission id (MBO-AS-REC-001/002).</summary>
    ValueTask NamingAsync(MissionNaming naming) => default;

    /// <summary>The pairwise refs a Mission's ref for a sector is looked up among.</summary>
    void PairwiseLookup(PairwiseLookup lookup) { }

    /// <summary>A record is being approved: what its anchors are computed over, and whether it becomes active.</summary>
    void Approving(Approval approval) { }

    /// <summary>A record was approved.</summary>
    ValueTask ApprovedAsync(MissionOutcome outcome) => default;

    /// <summary>A record was rejected at consent.</summary>
    ValueTask RejectedAsync(MissionOutcome outcome) => default;

    /// <summary>An integrity anchor, as computed.</summary>
    void AnchorComputed(AnchorDraft anchor) { }

    /// <summary>A lifecycle operation about to be applied to a record (lifecycle.md).</summary>
    void Transitioning(LifecycleTransition transition) { }

    /// <summary>A derivation about to be counted against the Mission's budget (MBO-AS-GATE-008).</summary>
    void CountingDerivation(DerivationCount count) { }

    /// <summary>Whether a record is past its expiry, to be moved to expired when next observed.</summary>
    void ExpiryChecked(ExpiryCheck check) { }

    /// <summary>A state change about to be pushed to the lifecycle event receivers (MBO-MAS-006).</summary>
    void EventPublishing(EventPublishing publishing) { }

    /// <summary>An activated Mission Expansion successor about to complete the Mission it supersedes (oauth-profile.md §13).</summary>
    void Superseding(Supersession supersession) { }
}

public sealed class MissionCreation(MissionStore store, string clientId, string submittedIntentJson, string requestUri, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public string ClientId { get; } = clientId;

    public string SubmittedIntentJson { get; } = submittedIntentJson;

    public string RequestUri { get; } = requestUri;

    public CancellationToken Aborted { get; } = ct;

    /// <summary>A record to answer with instead of creating one.</summary>
    public MissionRecord? Instead { get; set; }
}

public sealed class MissionNaming(MissionStore store, string clientId, string id, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public string ClientId { get; } = clientId;

    public CancellationToken Aborted { get; } = ct;

    public string Id { get; set; } = id;
}

public sealed class PairwiseLookup(string sector)
{
    /// <summary>The sector whose ref is asked for; null: any sector's.</summary>
    public string? Sector { get; set; } = sector;
}

public sealed class Approval(MissionRecord record, JsonNode proposedIntent, JsonObject rendered)
{
    public MissionRecord Record { get; } = record;

    /// <summary>Whether the record may be approved: only while it waits for approval.</summary>
    public bool Approvable { get; set; } = record.State == MissionState.PendingApproval;

    /// <summary>What the proposal hash is computed over: the Intent as validated.</summary>
    public JsonNode ProposedIntent { get; set; } = proposedIntent;

    /// <summary>What the consent rendering hash is computed over: the disclosure shown.</summary>
    public JsonObject Rendered { get; set; } = rendered;

    /// <summary>Whether approval makes the Mission active now.</summary>
    public bool Activates { get; set; } = true;
}

public sealed class MissionOutcome(MissionStore store, MissionRecord? record, string actor, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public MissionRecord? Record { get; set; } = record;

    public string Actor { get; } = actor;

    public CancellationToken Aborted { get; } = ct;
}

public sealed class AnchorDraft(string envelope, JsonNode value, string anchor)
{
    public string Envelope { get; } = envelope;

    public JsonNode Value { get; } = value;

    public string Anchor { get; set; } = anchor;
}

public sealed class LifecycleTransition(string operation)
{
    public string Operation { get; } = operation;

    /// <summary>The states the operation is legal from.</summary>
    public HashSet<string> Sources { get; } = [.. LifecycleOperation.LegalSources(operation)];

    /// <summary>Whether a repeat in the target state is answered as already done (idempotent) rather than applied again.</summary>
    public bool RepeatIsIdempotent { get; set; } = true;

    /// <summary>Whether applying the operation changes the state.</summary>
    public bool ChangesState { get; set; } = true;
}

public sealed class DerivationCount(MissionStore store, string missionId, IReadOnlySet<string> derivable, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public string MissionId { get; } = missionId;

    public IReadOnlySet<string> Derivable { get; } = derivable;

    public CancellationToken Aborted { get; } = ct;

    /// <summary>Whether context.max_derivations limits the count.</summary>
    public bool BudgetApplies { get; set; } = true;

    /// <summary>A count made another way, in place of the store's one transaction.</summary>
    public Func<Task<(bool Consumed, MissionRecord? Record)>>? Instead { get; set; }
}

public sealed class ExpiryCheck(MissionRecord record, bool due)
{
    public MissionRecord Record { get; } = record;

    public bool Due { get; set; } = due;
}

public sealed class Supersession
{
    public bool CompletesPrior { get; set; } = true;
}

public sealed class EventPublishing(MissionRecord mission)
{
    public MissionRecord Mission { get; } = mission;

    /// <summary>Whether the change is pushed: every change of an approved Mission is.</summary>
    public bool Publishes { get; set; } = true;
}
