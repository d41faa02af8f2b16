using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Suites.Checks;

// ---- RS-D: parameter binding (runtime.md §4) ----------------------------------------------------

/// <summary>The evaluation of a call, the call, the server's declared digest inputs, and the Mission's origin (the envelope's state_authority).</summary>
public sealed record ParameterBindingEvidence(Evaluation Evaluation, ToolProbe Call, ParameterBinding? Binding, string Origin);

/// <summary>
/// MBO-RT-PEP-006: a call that binds its parameters is evaluated with context.parameters (the call's
/// arguments) and a parameter_digest that the harness recomputes over the mission-action-parameters envelope.
/// </summary>
public sealed class PepBindsParameters : Check<ParameterBindingEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-006";

    public override Judgement Judge(ParameterBindingEvidence e)
    {
        var context = e.Evaluation.Body?["context"] as JsonObject;
        var parameters = context?["parameters"];
        var tool = e.Call.Tool;
        if (parameters is null)
        {
            return e.Binding?.Actions.Contains(tool) == true
                ? Judgement.Fail($"{tool} binds its parameters (resourceServers[].parameterBinding.actions), yet its evaluation carries no context.parameters")
                : Judgement.Skip($"{tool} is not declared to bind its parameters (resourceServers[].parameterBinding.actions) and its evaluation carries none");
        }
        if (e.Evaluation.ParameterDigest is not { } digest) return Judgement.Fail("the evaluation carries context.parameters without context.parameter_digest");
        if (!JsonNode.DeepEquals(parameters, e.Call.Arguments))
        {
            return Judgement.Fail($"context.parameters {parameters.ToJsonString()} are not the arguments of the call {e.Call.Arguments.ToJsonString()}");
        }
        if (e.Binding is not { } binding)
        {
            return Judgement.Skip("the evaluation binds parameters, but the target file does not declare the digest envelope's schemaVersion and authorizationDomain "
                + "(resourceServers[].parameterBinding), so the digest cannot be recomputed");
        }
        var expected = IntegrityAnchors.ParameterDigest(binding.SchemaVersion, binding.AuthorizationDomain, e.Origin, parameters);
        return Judgement.That(digest == expected,
            $"context.parameter_digest {digest} is the digest of the call's arguments in the mission-action-parameters envelope",
            $"context.parameter_digest is {digest}; over the mission-action-parameters envelope (schema_version \"{binding.SchemaVersion}\", "
            + $"authorization_domain \"{binding.AuthorizationDomain}\", state_authority \"{e.Origin}\") the parameters give {expected}");
    }
}

// ---- RS-D: Execution Evidence (runtime.md §7, read from the export of open point 2) ------------

/// <summary>
/// What the evidence export held for a Mission after one permitted call: the raw document, its records,
/// the permits the simulated PDP gave for the Mission, and the call's arguments.
/// </summary>
public sealed record ExecutionEvidenceExport(string Export, string Document, IReadOnlyList<JsonObject> Records, IReadOnlyList<Evaluation> Permits, ToolProbe Call)
{
    public IReadOnlyList<SchemaError> SchemaErrors { get; } = ArtifactSchemas.Validate(ArtifactKind.EvidenceExport, Document);

    /// <summary>Each permit with the record that names its decision_id, if any.</summary>
    public IEnumerable<(Evaluation Permit, JsonObject? Record)> Linked
        => Permits.Select(p => (p, Records.FirstOrDefault(r => Text(r, "decision_id") == p.DecisionId)));

    public static string? Text(JsonObject record, string name) => record[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>MBO-RT-PEP-009: every permitted consequential call has an Execution Evidence record naming the decision and the Mission.</summary>
public sealed class PepEmitsExecutionEvidence : Check<ExecutionEvidenceExport>
{
    public override string RequirementId => "MBO-RT-PEP-009";

    public override Judgement Judge(ExecutionEvidenceExport e)
    {
        var missing = e.Linked.Where(l => l.Record is null || ExecutionEvidenceExport.Text(l.Record, "mission_id") != l.Permit.MissionId).Select(l => l.Permit).ToList();
        if (missing.Count == 0)
        {
            return Judgement.Pass($"{e.Permits.Count} permit(s) for {e.Call.Tool}, each named by an Execution Evidence record of the Mission ({e.Records.Count} record(s) at {e.Export})");
        }
        return Judgement.Fail($"{e.Export} holds {e.Records.Count} record(s) for Mission {missing[0].MissionId}, none naming decision_id "
            + string.Join(", ", missing.Select(m => m.DecisionId)) + $" with that mission_id: the permitted {e.Call.Tool} left no Execution Evidence");
    }
}

/// <summary>MBO-RT-PEP-010: the Execution Evidence's parameter_digest is the digest the decision was made on.</summary>
public sealed class PepEvidenceDigestMatchesDecision : Check<ExecutionEvidenceExport>
{
    public override string RequirementId => "MBO-RT-PEP-010";

    public override Judgement Judge(ExecutionEvidenceExport e)
    {
        var bound = e.Linked.Where(l => l.Permit.ParameterDigest is not null).ToList();
        if (bound.Count == 0) return Judgement.Skip($"the decisions for {e.Call.Tool} carried no parameter_digest (its parameters are not bound), so there is nothing to match");
        var linked = bound.Where(l => l.Record is not null).ToList();
        if (linked.Count == 0) return Judgement.Skip("not judged: no Execution Evidence names the decision (MBO-RT-PEP-009)");
        var differing = linked.Where(l => ExecutionEvidenceExport.Text(l.Record!, "parameter_digest") != l.Permit.ParameterDigest).ToList();
        return Judgement.That(differing.Count == 0,
            $"the Execution Evidence carries the decision's parameter_digest {linked[0].Permit.ParameterDigest}",
            string.Join("; ", differing.Select(d => $"decision {d.Permit.DecisionId} was made on parameter_digest {d.Permit.ParameterDigest}, its Execution Evidence says "
                + (ExecutionEvidenceExport.Text(d.Record!, "parameter_digest") ?? "none"))) + ": audit must treat the execution as unauthorised");
    }
}

/// <summary>
/// MBO-RT-EV-001: the export and its records are schema-valid (execution-evidence.schema.json: the outcome
/// enum, error when failed, no unknown members), and a jws-compact envelope's payload is the JCS of the
/// record without its envelope. The signature is not verified: the suite is given no key of the PEP.
/// </summary>
public sealed class ExecutionEvidenceIsWellFormed : Check<ExecutionEvidenceExport>
{
    public override string RequirementId => "MBO-RT-EV-001";

    public override Judgement Judge(ExecutionEvidenceExport e)
    {
        if (e.Records.Count == 0 && e.SchemaErrors.Count == 0) return Judgement.Skip($"{e.Export} holds no Execution Evidence for the Mission to validate");
        var problems = e.SchemaErrors.Select(s => s.ToString()).ToList();
        for (var i = 0; i < e.Records.Count; i++)
        {
            if (EnvelopeProblem(e.Records[i]) is { } problem) problems.Add($"/execution_evidence/{i}/evidence_envelope: {problem}");
        }
        return Judgement.That(problems.Count == 0, $"{e.Records.Count} record(s) valid against execution-evidence.schema.json, each envelope over the record's JCS",
            "the exported Execution Evidence is not valid (execution-evidence.schema.json): " + string.Join("; ", problems));
    }

    private static string? EnvelopeProblem(JsonObject record)
    {
        if (record["evidence_envelope"] is not JsonObject envelope) return null;  // the schema already says so
        var format = ExecutionEvidenceExport.Text(envelope, "format");
        if (format != "jws-compact") return $"format \"{format}\" is not one a consumer can verify (runtime.md §6: unknown formats are rejected)";
        var parts = (ExecutionEvidenceExport.Text(envelope, "value") ?? "").Split('.');
        if (parts.Length != 3) return "value is not a compact JWS";
        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        }
        catch (FormatException)
        {
            return "the JWS payload is not base64url";
        }
        var bare = (JsonObject)record.DeepClone();
        bare.Remove("evidence_envelope");
        var expected = Jcs.Canonicalize(JsonSerializer.SerializeToElement(bare));
        return payload == expected ? null : "the JWS payload is not the JCS of the record without its envelope";
    }
}

/// <summary>
/// MBO-RT-EV-002: result_summary is metadata only. Heuristic, so it can only fail on certainty: a free-text
/// argument of the call (a string with whitespace, e.g. a title) found in the summary is user content.
/// </summary>
public sealed class ExecutionEvidenceHasNoContent : Check<ExecutionEvidenceExport>
{
    public override string RequirementId => "MBO-RT-EV-002";

    public override Judgement Judge(ExecutionEvidenceExport e)
    {
        var freeText = e.Call.Arguments.Select(a => a.Value).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().Where(s => s.Any(char.IsWhiteSpace)).ToList();
        if (freeText.Count == 0) return Judgement.Skip($"the call's arguments ({e.Call.Arguments.ToJsonString()}) hold no free text to look for in result_summary");
        var summaries = e.Linked.Where(l => l.Record?["result_summary"] is not null).Select(l => l.Record!["result_summary"]!.ToJsonString()).ToList();
        if (summaries.Count == 0) return Judgement.Skip("not judged: no linked Execution Evidence carries a result_summary");
        var leaked = freeText.Where(t => summaries.Any(s => s.Contains(JsonSerializer.Serialize(t), StringComparison.Ordinal))).ToList();
        return Judgement.That(leaked.Count == 0, $"result_summary carries none of the call's free text ({string.Join(", ", freeText.Select(t => $"\"{t}\""))})",
            $"result_summary repeats the caller's content {string.Join(", ", leaked.Select(t => $"\"{t}\""))}: it may carry metadata only");
    }
}

// ---- RS-D: requestable denial and MCP tasks (runtime.md §5, §11) ------------------------------

/// <summary>How a call met by a requestable denial went: the first answer, the Access Requests, and the task's end after approval.</summary>
public sealed record DeferredCall(
    string Label,
    McpResponse First,
    IReadOnlyList<AccessRequest> AccessRequests,
    McpResponse? Final,
    DateTimeOffset ApprovedAt,
    DateTimeOffset? CompletedSeenAt,
    IReadOnlyList<Evaluation> Evaluations,
    int StatusRequestsAfterApproval)
{
    public bool Completed => Final?.TaskStatus == "completed";

    /// <summary>Evaluations the PDP received after the approval and no later than the poll that showed the task completed.</summary>
    public IReadOnlyList<Evaluation> FreshEvaluations => [.. Evaluations.Where(e => e.At > ApprovedAt && (CompletedSeenAt is null || e.At <= CompletedSeenAt))];
}

/// <summary>The approved call, and the call whose Mission was revoked while it waited; <paramref name="Waited"/> is how long both waited past the decision.</summary>
public sealed record RequestableDenialEvidence(DeferredCall Approved, DeferredCall Revoked, TimeSpan Waited, int MaxStaleSeconds);

/// <summary>
/// MBO-MCP-003 (SHOULD): a requestable denial is answered with an MCP task (CreateTaskResult, status working,
/// taskId) and an Access Request; after approval, tasks/get reaches completed, and only after a fresh evaluation.
/// </summary>
public sealed class McpRequestableDenialBecomesTask : Check<RequestableDenialEvidence>
{
    public override string RequirementId => "MBO-MCP-003";

    public override Judgement Judge(RequestableDenialEvidence e)
    {
        var call = e.Approved;
        if (call.First.Served) return Judgement.Fail($"the call met by a requestable denial was carried out at once ({call.First.Describe()}): nothing may be done before approval");
        if (call.First.CreatedTask is not { } task || (string?)task["taskId"] is not { Length: > 0 } || (string?)task["status"] != "working")
        {
            return Judgement.Fail($"a requestable denial was answered {call.First.Describe()}: expected a CreateTaskResult with a taskId and status working (runtime.md §11)");
        }
        if (call.AccessRequests.Count == 0) return Judgement.Fail("the server returned a task but submitted no Access Request to the denial's access_request.endpoint, so no approval can reach it");
        if (!call.Completed)
        {
            return Judgement.Fail($"after the Access Request was approved, tasks/get answered {call.Final?.Describe() ?? "nothing"} instead of completed");
        }
        return Judgement.That(call.FreshEvaluations.Count > 0,
            $"task {(string?)task["taskId"]} completed after approval and {call.FreshEvaluations.Count} fresh evaluation(s)",
            "the task completed after approval without a fresh evaluation at the PDP: an approval is an input to a new decision, never a standing grant (runtime.md §5)");
    }
}

/// <summary>
/// MBO-RT-PEP-011: a call that waited past the Mission-state window is carried out only after the Mission
/// was consulted again: the approved call is preceded by a fresh evaluation or Mission Status request, and
/// the call whose Mission was revoked while it waited is never carried out.
/// </summary>
public sealed class PepRechecksAfterTheWindow : Check<RequestableDenialEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-011";

    public override Judgement Judge(RequestableDenialEvidence e)
    {
        var waited = $"{e.Waited.TotalSeconds:0.0} s (maxStaleSeconds {e.MaxStaleSeconds})";
        if (e.Revoked.Completed)
        {
            return Judgement.Fail($"the Mission was revoked while its call waited {waited} for approval, yet tasks/get reported the call completed: "
                + "it was carried out on a decision older than the freshness window without consulting the Mission's state again");
        }
        if (!e.Approved.Completed) return Judgement.Skip("not judged: the approved call never completed (MBO-MCP-003), so nothing shows whether the server re-checks before a deferred execution");
        return Judgement.That(e.Approved.FreshEvaluations.Count > 0 || e.Approved.StatusRequestsAfterApproval > 0,
            $"after waiting {waited}, the approved call was carried out after {e.Approved.FreshEvaluations.Count} fresh evaluation(s) and {e.Approved.StatusRequestsAfterApproval} Mission Status request(s); "
            + $"the call whose Mission was revoked meanwhile was not ({e.Revoked.Final?.Describe() ?? "no answer"})",
            $"the approved call was carried out {waited} after its decision with neither a fresh evaluation nor a Mission Status request");
    }
}

// ---- RS-D: the enforcement-scope manifest (runtime.md §10) ---------------------------------------

/// <summary>
/// The manifest as fetched (null when none was named or advertised), whether the server claims RS-D, and
/// the call the suite tested at it.
/// </summary>
public sealed record ManifestEvidence(string? Url, WireResponse? Response, bool ClaimsRsD, ToolProbe Tested, string Resource)
{
    public IReadOnlyList<SchemaError> SchemaErrors { get; } = Response is { IsJson: true } r && (int)r.Status == 200
        ? ArtifactSchemas.Validate(ArtifactKind.EnforcementManifest, r.Body)
        : [];

    public bool Valid => Response is { IsJson: true } r && (int)r.Status == 200 && SchemaErrors.Count == 0;
}

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

// ---- Delegation: the act chain in the evaluation's context.actor (runtime.md §4) ----------------

/// <summary>The evaluation of a call made with a delegated token (null when none reached the PDP) and the token's act claim.</summary>
public sealed record DelegationEvidence(Evaluation? Evaluation, JsonObject Act)
{
    public JsonObject? Actor => Evaluation?.Body?["context"]?["actor"] as JsonObject;

    /// <summary>The sub of each actor of a chain, head first.</summary>
    public static IReadOnlyList<string> Chain(JsonObject? act)
    {
        var subs = new List<string>();
        for (var node = act; node is not null; node = node["act"] as JsonObject)
        {
            if (node["sub"] is JsonValue v && v.TryGetValue<string>(out var sub)) subs.Add(sub);
        }
        return subs;
    }

    /// <summary>Every act object under context.actor, at any depth.</summary>
    public IEnumerable<JsonObject> ActObjects()
    {
        var pending = new Stack<JsonNode?>([Actor]);
        while (pending.Count > 0)
        {
            if (pending.Pop() is not JsonObject node) continue;
            foreach (var (name, value) in node)
            {
                if (name == "act" && value is JsonObject act) yield return act;
                pending.Push(value);
            }
        }
    }
}

/// <summary>
/// MBO-RS-C-006: on a delegated token the acting party comes from the act chain, not client_id. Observable
/// only where the server tells someone, here the PDP: context.actor must carry the token's chain, in order.
/// </summary>
public sealed class RsIdentifiesActorFromAct : Check<DelegationEvidence>
{
    public override string RequirementId => "MBO-RS-C-006";

    public override Judgement Judge(DelegationEvidence e)
    {
        if (e.Evaluation is null) return Judgement.Skip("not judged: no evaluation reached the PDP for the delegated call, and the acting party is observable only in its context.actor");
        var expected = DelegationEvidence.Chain(e.Act);
        var named = new List<string>();
        foreach (var act in e.ActObjects()) named.AddRange(DelegationEvidence.Chain(act));
        var found = expected.Count > 0 && named.Count >= expected.Count && named.Take(expected.Count).SequenceEqual(expected);
        return Judgement.That(found, $"context.actor carries the act chain {string.Join(" ← ", expected)}",
            $"the token's act chain names {string.Join(" ← ", expected)} as the acting party, but the evaluation's context.actor is {e.Actor?.ToJsonString() ?? "absent"}: "
            + "the acting party must come from act, not client_id");
    }
}

/// <summary>
/// MBO-RT-PEP-007: provenance (the tool, the workflow step, the approver) is not put inside act. Only the
/// provenance names runtime.md lists, and their usual spellings, are looked for: it fails only on certainty.
/// </summary>
public sealed class PepKeepsProvenanceOutOfAct : Check<DelegationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-007";

    private static readonly string[] Provenance = ["tool", "tool_id", "tool_name", "workflow", "workflow_step", "step", "approver", "approved_by", "provenance"];

    public override Judgement Judge(DelegationEvidence e)
    {
        var acts = e.ActObjects().ToList();
        if (acts.Count == 0) return Judgement.Skip("not judged: the evaluation's context.actor carries no act chain (MBO-RS-C-006)");
        var found = acts.SelectMany(a => a.Select(p => p.Key)).Where(name => Provenance.Contains(name)).Distinct().ToList();
        return Judgement.That(found.Count == 0, $"the act chain in context.actor carries identities only ({acts.Count} level(s))",
            $"the act chain in context.actor carries provenance ({string.Join(", ", found)}): act is the delegation chain; tool, step and approver belong elsewhere (runtime.md §4)");
    }
}
