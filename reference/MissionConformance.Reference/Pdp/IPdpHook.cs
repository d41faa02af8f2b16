using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Pdp;

/// <summary>
/// The points of the reference PDP where a registered hook may change what it is about to decide or record. The correct PDP registers
/// none; each fault of the PDP is one (Faults/Pdp/).
/// </summary>
public interface IPdpHook
{
    /// <summary>Whether the Mission's state stops the evaluation (mission_inactive, MBO-RT-PDP-001).</summary>
    void StateChecked(PdpStep check) { }

    /// <summary>Whether the Mission context or its freshness is stale (stale_state, MBO-RT-PDP-003).</summary>
    void FreshnessChecked(PdpStep check) { }

    /// <summary>Whether parameter_digest fails to match the parameters (parameter_violation, MBO-RT-PDP-002).</summary>
    void DigestChecked(PdpStep check) { }

    /// <summary>Whether tool_id is outside the approved capabilities (capability_drift, MBO-RT-PDP-011).</summary>
    void CapabilityChecked(PdpStep check) { }

    /// <summary>Whether the action is outside the covering entry's actions (out_of_authority, MBO-RT-PDP-004).</summary>
    void ActionChecked(PdpStep check) { }

    /// <summary>Whether no entry covers the resource, or a constraint is violated or unknown (out_of_authority, MBO-RT-PDP-005).</summary>
    void ScopeChecked(PdpStep check) { }

    /// <summary>Whether max_invocations is exhausted (quota_exceeded, MBO-RT-PDP-010).</summary>
    void QuotaChecked(PdpStep check) { }

    /// <summary>A requestable denial's AuthZEN context, before it is answered (MBO-RT-PDP-006).</summary>
    void DenialAnswering(JsonObject context) { }

    /// <summary>A Decision Evidence record before it is signed and kept (MBO-RT-PDP-007, -009).</summary>
    void EvidenceRecording(DecisionRecord record) { }
}

/// <summary>One step of an evaluation: <see cref="Stops"/> is its answer, whether it ends the evaluation with its denial.</summary>
public sealed class PdpStep(bool stops)
{
    public bool Stops { get; set; } = stops;
}

/// <summary>A Decision Evidence record as it is about to be kept; <see cref="Kept"/> false drops it, <see cref="SignWithForeignKey"/> signs it with a key the JWKS does not hold.</summary>
public sealed class DecisionRecord(JsonObject record)
{
    public JsonObject Record { get; } = record;

    public bool Kept { get; set; } = true;

    public bool SignWithForeignKey { get; set; }
}
