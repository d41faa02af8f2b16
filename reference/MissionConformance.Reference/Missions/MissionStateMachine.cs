using System.Text.Json.Nodes;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// The Mission lifecycle (lifecycle.md): which operation moves a record from which state to which, the history entry each
/// move writes, and lazy expiry (open point 5). It changes records in memory only; <see cref="MissionStore"/> makes each
/// change one transaction.
/// </summary>
public sealed class MissionStateMachine(TimeProvider clock, Hooks<IMissionHook> hooks)
{
    /// <summary>How long a pending record waits for approval before it expires.</summary>
    public static readonly TimeSpan ApprovalWindow = TimeSpan.FromMinutes(10);

    /// <summary>Moves <paramref name="record"/> to <paramref name="to"/>, with its history entry and a new version.</summary>
    public bool Move(MissionRecord record, string to, string actor, string operation, string? reason)
    {
        var history = JsonNode.Parse(record.HistoryJson)!.AsArray();
        history.Add(HistoryEntry(to, clock.GetUtcNow(), actor, operation, reason));
        record.HistoryJson = history.ToJsonString();
        record.State = to;
        record.Version++;
        return true;
    }

    /// <summary>A lifecycle operation on <paramref name="record"/>: a legal move, an idempotent repeat, or a conflict.</summary>
    /// <returns>The outcome, and whether the record changed.</returns>
    public (TransitionOutcome Outcome, bool Changed) Apply(MissionRecord record, string operation, string actor, string? reason)
    {
        var target = LifecycleOperation.TargetState(operation);
        var transition = new LifecycleTransition(operation);
        hooks.Run(h => h.Transitioning(transition));
        if (record.State == target && transition.RepeatIsIdempotent) return (TransitionOutcome.AlreadyInState, false);
        if (!transition.Sources.Contains(record.State)) return (TransitionOutcome.Conflict, false);
        return (TransitionOutcome.Applied, !transition.ChangesState || Move(record, target, actor, operation, reason));
    }

    /// <summary>Whether <paramref name="record"/> is past its expiry (or its approval window) and is to move to expired.</summary>
    public bool IsDue(MissionRecord record)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var check = new ExpiryCheck(record, record.State switch
        {
            MissionState.Active or MissionState.Suspended => now >= record.MissionExpiry,
            MissionState.PendingApproval => now >= record.CreatedAt + (long)ApprovalWindow.TotalSeconds,
            _ => false,
        });
        hooks.Run(h => h.ExpiryChecked(check));
        return check.Due;
    }

    public static JsonObject HistoryEntry(string state, DateTimeOffset at, string actor, string operation, string? reason) => new()
    {
        ["state"] = state,
        ["at"] = MissionIntentValidator.FormatRfc3339(at),
        ["actor"] = actor,
        ["operation"] = operation,
        ["reason"] = reason,
    };
}
