using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>The max_invocations constraint of the entry covering a call: what its slots are counted under, and how many there are.</summary>
public sealed record InvocationQuota(string Key, ulong Limit);

/// <summary>A slot reserved on a permit (runtime.md §8), until its outcome or its timeout finalises it.</summary>
public sealed record InvocationSlot(InvocationQuota Quota, string MissionId, string? DecisionId, string? ParameterDigest, McpTool Tool, DateTimeOffset ReservedAt, DateTimeOffset Deadline);

/// <summary>
/// runtime.md §8, the max_invocations runtime constraint at a single PEP (manifest max_invocations_coordination single_pep): a slot is
/// reserved on each permit, and a permit past the limit becomes quota_exceeded; the executor's outcome finalises it (completed or failed
/// consume it, suppressed releases it); a slot without an outcome by its timeout is consumed with synthetic failed Execution Evidence,
/// error evidence_missing (MBO-RT-EV-003). Expired slots are finalised when the ledger is next read (a reservation, the evidence
/// export), dated at their deadline: what an export shows is the same as with a timer.
/// <para>
/// An executor that loses outcomes is the suite's convention for MBO-RT-EV-003 (target file resourceServers[].dropOutcome):
/// POST drop-outcome?mission_id=… with the evidence credential, and the outcomes of that Mission's later calls never reach the PEP.
/// </para>
/// </summary>
public sealed class InvocationSlots(ExecutionEvidenceLog evidence, TimeProvider clock, TimeSpan timeout, Hooks<IResourceServerHook> hooks)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ulong> _consumed = new(StringComparer.Ordinal);
    private readonly List<InvocationSlot> _reserved = [];
    private readonly ConcurrentDictionary<string, bool> _losesOutcomes = new(StringComparer.Ordinal);

    /// <summary>The constraint name (runtime.md §8).</summary>
    public const string Constraint = "max_invocations";

    /// <summary>A decimal string no larger than 2^64−1 (runtime.md §8); null when it is not one.</summary>
    public static ulong? Parse(JsonElement value)
        => value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;

    /// <inheritdoc cref="Parse(JsonElement)"/>
    public static ulong? Parse(System.Text.Json.Nodes.JsonNode? value)
        => value is System.Text.Json.Nodes.JsonValue text && text.GetValueKind() == JsonValueKind.String
            && ulong.TryParse(text.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;

    /// <summary>Reserves a slot for a permitted call; null when the quota is spent (quota_exceeded: the call is not carried out).</summary>
    public InvocationSlot? TryReserve(InvocationQuota quota, string missionId, string? decisionId, string? parameterDigest, McpTool tool)
    {
        Expire();
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var used = _consumed.GetValueOrDefault(quota.Key) + (ulong)_reserved.Count(s => s.Quota.Key == quota.Key);
            if (used >= quota.Limit) return null;
            var slot = new InvocationSlot(quota, missionId, decisionId, parameterDigest, tool, now, now + timeout);
            _reserved.Add(slot);
            return slot;
        }
    }

    /// <summary>Whether the executor reports the outcome of this Mission's calls (false once drop-outcome was asked for it).</summary>
    public bool ReportsOutcome(string? missionId) => missionId is null || !_losesOutcomes.ContainsKey(missionId);

    /// <summary>The executor's outcome: completed and failed consume the slot, suppressed releases it.</summary>
    public void Finalise(InvocationSlot slot, string outcome)
    {
        lock (_gate)
        {
            if (!_reserved.Remove(slot)) return;
            if (outcome != "suppressed") _consumed[slot.Quota.Key] = _consumed.GetValueOrDefault(slot.Quota.Key) + 1;
        }
    }

    /// <summary>Finalises every slot past its deadline: consumed, with synthetic failed evidence (MBO-RT-EV-003).</summary>
    public void Expire()
    {
        var now = clock.GetUtcNow();
        List<InvocationSlot> expired;
        lock (_gate)
        {
            expired = [.. _reserved.Where(s => s.Deadline <= now)];
            foreach (var slot in expired)
            {
                _reserved.Remove(slot);
                _consumed[slot.Quota.Key] = _consumed.GetValueOrDefault(slot.Quota.Key) + 1;
            }
        }
        foreach (var slot in expired)
        {
            var expiry = new SlotExpiry(slot);
            hooks.Run(h => h.SlotExpired(expiry));
            if (expiry.Synthesises) evidence.RecordMissing(slot);
        }
    }

    /// <summary>POST drop-outcome?mission_id=… with the evidence credential: the executor loses the outcomes of that Mission's later calls.</summary>
    public async Task DropOutcomesAsync(HttpContext http, string credential)
    {
        if (await MissionExportRequest.MissionIdAsync(http, credential, "executor", "executor's test hook") is not { } missionId) return;
        _losesOutcomes[missionId] = true;
        await http.Response.WriteAsJsonAsync(new { mission_id = missionId, timeout_seconds = (int)timeout.TotalSeconds });
    }
}
