using System.Text.Json.Nodes;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// MBO-RT-MF-001: a runtime-enforcement claim (claimedTier RS-D) publishes a schema-valid manifest as
/// application/json over TLS. Suite choice: plain http is accepted only on a loopback host, where the
/// reference and local test deployments run.
/// </summary>
public sealed class ManifestPublished : Check<ManifestEvidence>
{
    public override string RequirementId => "MBO-RT-MF-001";

    public override Judgement Judge(ManifestEvidence e)
    {
        if (e.Url is null)
        {
            return e.ClaimsRsD
                ? Judgement.Fail("the server claims RS-D (resourceServers[].claimedTier), yet neither the target file names its enforcement-scope manifest (resourceServers[].manifest) "
                    + "nor does its RFC 9728 metadata advertise mission_enforcement_scope_manifest_uri; conformance.md §3: a runtime-enforcement claim needs one")
                : Judgement.Skip("no manifest is named (resourceServers[].manifest) or advertised, and the server makes no runtime-enforcement claim (claimedTier below RS-D)");
        }
        var uri = new Uri(e.Url);
        if (uri.Scheme != "https" && !uri.IsLoopback) return Judgement.Fail($"the manifest {e.Url} is not served over TLS");
        var response = e.Response!;
        if ((int)response.Status != 200) return Judgement.Fail($"the manifest {e.Url} answered HTTP {(int)response.Status}");
        if (!string.Equals(response.ContentType, "application/json", StringComparison.OrdinalIgnoreCase)) return Judgement.Fail($"the manifest {e.Url} is served as {response.ContentType ?? "no media type"}, not application/json");
        return Judgement.That(e.SchemaErrors.Count == 0,
            $"the manifest {e.Url} is schema-valid application/json" + (uri.Scheme == "https" ? "" : " (plain http accepted on loopback only)"),
            $"the manifest {e.Url} is not valid (enforcement-manifest.schema.json): " + string.Join("; ", e.SchemaErrors));
    }
}

/// <summary>
/// MBO-RT-MF-002: the tested consequential action is covered by a pep_locations entry. runtime.md §10 gives
/// covers no vocabulary; the suite counts an entry as covering the call when covers names the tool (the
/// action), the resource, or resource#tool (the tool_id the reference PEPs send).
/// </summary>
public sealed class ManifestCoversTestedActions : Check<ManifestEvidence>
{
    public override string RequirementId => "MBO-RT-MF-002";

    public override Judgement Judge(ManifestEvidence e)
    {
        if (!e.Valid) return Judgement.Skip("not judged: no schema-valid manifest was found (MBO-RT-MF-001)");
        var names = new[] { e.Tested.Tool, e.Resource, e.Resource + "#" + e.Tested.Tool };
        var peps = JsonNode.Parse(e.Response!.Body)?["pep_locations"] as JsonArray ?? [];
        var covering = peps.OfType<JsonObject>().Where(p => p["covers"] is JsonArray covers && covers.Any(c => c is JsonValue v && v.TryGetValue<string>(out var s) && names.Contains(s))).ToList();
        return Judgement.That(covering.Count > 0,
            $"{e.Tested.Tool} is covered by PEP {(string?)covering.FirstOrDefault()?["pep_id"]}",
            $"no pep_locations entry of {e.Url} covers {e.Tested.Tool}, the consequential action the suite called (covers lists: "
            + string.Join("; ", peps.OfType<JsonObject>().Select(p => $"{(string?)p["pep_id"]}: {p["covers"]?.ToJsonString()}")) + ")");
    }
}

/// <summary>
/// MBO-RT-MF-003 (SHOULD): across the manifest change the target file declares (resourceServers[].manifestChange), a manifest whose content
/// changed carries another version and a later issued_at. A declared change that leaves the manifest as it was shows nothing.
/// </summary>
public sealed class ManifestVersionedOnChange : Check<ManifestChangeEvidence>
{
    public override string RequirementId => "MBO-RT-MF-003";

    public override Judgement Judge(ManifestChangeEvidence e)
    {
        if (e.BeforeJson is not { } before || e.AfterJson is not { } after) return Judgement.Skip($"the manifest {e.Url} could not be read as JSON before and after the change");
        string Member(JsonObject m, string name) => m[name]?.ToJsonString() ?? "absent";
        var content = (JsonObject)before.DeepClone();
        var changed = (JsonObject)after.DeepClone();
        foreach (var m in new[] { content, changed })
        {
            m.Remove("version");
            m.Remove("issued_at");
        }
        if (JsonNode.DeepEquals(content, changed)) return Judgement.Skip($"after the declared change (answered HTTP {e.ChangeStatus}) the manifest {e.Url} reads as before: no change to judge");
        var laterIssue = DateTimeOffset.TryParse((string?)(before["issued_at"] as JsonValue), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var first)
            && DateTimeOffset.TryParse((string?)(after["issued_at"] as JsonValue), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var second)
            && second > first;
        var newVersion = Member(before, "version") != Member(after, "version") && after["version"] is not null;
        return Judgement.That(laterIssue && newVersion,
            $"the manifest changed, and with it version ({Member(before, "version")} → {Member(after, "version")}) and issued_at ({Member(before, "issued_at")} → {Member(after, "issued_at")})",
            $"the manifest changed but kept {(newVersion ? "" : $"version {Member(after, "version")}")}{(!newVersion && !laterIssue ? " and " : "")}{(laterIssue ? "" : $"issued_at {Member(after, "issued_at")}")}: a consumer cannot tell the new manifest from the old");
    }
}
