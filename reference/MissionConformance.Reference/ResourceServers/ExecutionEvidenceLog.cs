using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// runtime.md §7: the Execution Evidence an RS-D server records for every consequential call it carries
/// out after a permit, and the authenticated export the suite reads it from. runtime.md open point 2:
/// evidence retrieval is not standardised, so the export is the suite's own shape:
/// GET /evidence?mission_id=… with the export's bearer credential, answering
/// {"mission_id": …, "execution_evidence": [records]}.
/// </summary>
public sealed class ExecutionEvidenceLog(ResourceServerOptions options, Hooks<IResourceServerHook> hooks) : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _byMission = new(StringComparer.Ordinal);

    // The envelope's signing key lives as long as the server; no verifier is configured with it yet.
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Records the outcome of a permitted call (MBO-RT-PEP-009), with the decision's parameter_digest (MBO-RT-PEP-010).</summary>
    public void Record(string missionId, string? decisionId, string? parameterDigest, McpTool tool, JsonObject arguments, DateTimeOffset attemptedAt, DateTimeOffset completedAt)
    {
        var record = new JsonObject
        {
            ["execution_id"] = IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(16)),
            // A PDP that names no decision leaves the record unlinkable, and the record says so.
            ["decision_id"] = decisionId ?? "unidentified",
            ["mission_id"] = missionId,
            ["outcome"] = "completed",
            ["outcome_at"] = Rfc3339(completedAt),
            ["attempted_at"] = Rfc3339(attemptedAt),
            ["completed_at"] = Rfc3339(completedAt),
            // MBO-RT-EV-002: metadata only, never the caller's content.
            ["result_summary"] = new JsonObject { ["tool"] = tool.Name, ["content_items"] = 1, ["is_error"] = false },
        };
        if (parameterDigest is not null) record["parameter_digest"] = parameterDigest;
        var recording = new EvidenceRecord(record, tool, arguments, options);
        hooks.Run(h => h.EvidenceRecording(recording));
        if (recording.Kept) Keep(missionId, record);
    }

    /// <summary>
    /// runtime.md §8 (MBO-RT-EV-003): the synthetic record of a max_invocations slot whose outcome never came, finalised at its deadline:
    /// outcome failed, error evidence_missing, the permit's decision and parameter_digest.
    /// </summary>
    public void RecordMissing(InvocationSlot slot)
    {
        var record = new JsonObject
        {
            ["execution_id"] = IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(16)),
            ["decision_id"] = slot.DecisionId ?? "unidentified",
            ["mission_id"] = slot.MissionId,
            ["outcome"] = "failed",
            ["outcome_at"] = Rfc3339(slot.Deadline),
            ["error"] = "evidence_missing",
            ["attempted_at"] = Rfc3339(slot.ReservedAt),
            ["result_summary"] = new JsonObject { ["tool"] = slot.Tool.Name, ["synthetic"] = true },
        };
        if (slot.ParameterDigest is not null) record["parameter_digest"] = slot.ParameterDigest;
        Keep(slot.MissionId, record);
    }

    private void Keep(string missionId, JsonObject record)
    {
        record["evidence_envelope"] = new JsonObject { ["format"] = "jws-compact", ["value"] = EvidenceEnvelope.JwsCompact(record, _key, "mission-execution-evidence+jws") };
        _byMission.GetOrAdd(missionId, _ => new()).Enqueue(record);
    }

    /// <summary>GET /evidence?mission_id=…: 401 without the export credential, 400 without a mission_id.</summary>
    public async Task ExportAsync(HttpContext http)
    {
        if (await MissionExportRequest.MissionIdAsync(http, options.EvidenceToken, "evidence", "evidence export") is not { } missionId) return;
        var records = _byMission.TryGetValue(missionId, out var queue) ? queue.Select(r => (JsonNode)r.DeepClone()).ToArray() : [];
        await http.Response.WriteAsJsonAsync(new JsonObject { ["mission_id"] = missionId, ["execution_evidence"] = new JsonArray(records) });
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _key.Dispose();
}
