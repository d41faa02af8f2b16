using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Pdp;

/// <summary>
/// runtime.md §6: the Decision Evidence Object the PDP records for every decision, signed jws-compact (ES256 over the JCS of the record
/// without its envelope) with the key its JWKS publishes (open point 3: the JWKS URL is configuration, here /jwks), and the authenticated
/// export the suite reads it from (open point 2, the suite's shape): GET /evidence?mission_id=… → {"mission_id", "decision_evidence": [records]}.
/// </summary>
public sealed class DecisionEvidenceLog(PdpOptions options, Hooks<IPdpHook> hooks) : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _byMission = new(StringComparer.Ordinal);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly string[] MissionMembers = ["id", "origin", "authority_hash", "policy_version", "policy_view_id", "policy_view_version"];

    public string Kid { get; } = "pdp-" + IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(6));

    public void Record(JsonObject request, PdpVerdict verdict)
    {
        var context = request["context"]!.AsObject();
        var mission = context["mission"]!.AsObject();
        var record = new JsonObject
        {
            ["decision_id"] = verdict.DecisionId,
            ["mission"] = new JsonObject([.. MissionMembers.Where(m => mission[m] is JsonValue).Select(m => KeyValuePair.Create(m, mission[m]?.DeepClone()))]),
            ["subject"] = request["subject"]!.DeepClone(),
            ["resource"] = request["resource"]!.DeepClone(),
            ["action"] = request["action"]!.DeepClone(),
            ["audience"] = context["audience"]!.DeepClone(),
            ["decision"] = verdict.Outcome,
            ["evaluated_at"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        if (context["actor"] is JsonObject actor) record["actor"] = actor.DeepClone();
        if (context["parameter_digest"] is JsonValue digest) record["parameter_digest"] = digest.DeepClone();
        if (!verdict.Permit) record["denial_reason"] = verdict.Reason;
        if (verdict.Expandable)
        {
            record["expansion"] = new JsonObject
            {
                ["eligible"] = true,
                ["access_request_uri"] = verdict.AccessRequest?["endpoint"]?.DeepClone(),
                ["ticket"] = verdict.EvaluationId,
                ["requested_authority"] = new JsonObject { ["resource"] = request["resource"]?["id"]?.DeepClone(), ["actions"] = new JsonArray(request["action"]?["name"]?.DeepClone()) },
            };
        }
        var recording = new DecisionRecord(record);
        hooks.Run(h => h.EvidenceRecording(recording));
        if (!recording.Kept) return;
        record["evidence_envelope"] = new JsonObject { ["format"] = "jws-compact", ["value"] = EvidenceEnvelope.JwsCompact(record, recording.SignWithForeignKey ? _foreignKey : _key, "mission-decision-evidence+jws", Kid) };
        _byMission.GetOrAdd((string)mission["id"]!, _ => new()).Enqueue(record);
    }

    /// <summary>GET /evidence?mission_id=…: 401 without the export credential, 400 without a mission_id.</summary>
    public async Task ExportAsync(HttpContext http)
    {
        if (await MissionExportRequest.MissionIdAsync(http, options.EvidenceToken, "pdp-evidence", "Decision Evidence export") is not { } missionId) return;
        var records = _byMission.TryGetValue(missionId, out var queue) ? queue.Select(r => (JsonNode)r.DeepClone()).ToArray() : [];
        await http.Response.WriteAsJsonAsync(new JsonObject { ["mission_id"] = missionId, ["decision_evidence"] = new JsonArray(records) });
    }

    /// <summary>The public key the envelopes verify with.</summary>
    public JsonObject Jwks()
    {
        var p = _key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = Kid,
                ["x"] = IntegrityAnchor.Base64Url(p.Q.X!), ["y"] = IntegrityAnchor.Base64Url(p.Q.Y!),
            }),
        };
    }

    public void Dispose()
    {
        _key.Dispose();
        _foreignKey.Dispose();
    }
}
