using System.Text.Json.Nodes;
using System.Text.Json;
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
            if (EvidenceEnvelopes.FormProblem(e.Records[i]) is { } problem) problems.Add($"/execution_evidence/{i}/evidence_envelope: {problem}");
        }
        return Judgement.That(problems.Count == 0, $"{e.Records.Count} record(s) valid against execution-evidence.schema.json, each envelope over the record's JCS",
            "the exported Execution Evidence is not valid (execution-evidence.schema.json): " + string.Join("; ", problems));
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

/// <summary>
/// MBO-RT-EV-003: a max_invocations slot whose outcome the executor lost (the target file's dropOutcome) is finalised by its timeout
/// with synthetic failed Execution Evidence naming the permit's decision, error evidence_missing (runtime.md §8).
/// </summary>
public sealed class ExpiredSlotLeavesEvidence : Check<SlotTimeoutEvidence>
{
    public override string RequirementId => "MBO-RT-EV-003";

    public override Judgement Judge(SlotTimeoutEvidence e)
    {
        var after = $"{e.Waited.TotalSeconds:0} s after the call, past the slot timeout of {e.TimeoutSeconds} s ({e.TimeoutSource})";
        var problems = new List<string>();
        foreach (var (permit, record) in e.Export.Linked)
        {
            var (outcome, error) = record is null ? (null, null) : (ExecutionEvidenceExport.Text(record, "outcome"), ExecutionEvidenceExport.Text(record, "error"));
            if (record is null) problems.Add($"no record in {e.Export.Export} names decision {permit.DecisionId}");
            else if (outcome != "failed" || error != "evidence_missing") problems.Add($"decision {permit.DecisionId}'s record says outcome {outcome ?? "(none)"}, error {error ?? "(none)"}");
        }
        return Judgement.That(problems.Count == 0,
            $"{after}, the slot of decision(s) {string.Join(", ", e.Export.Linked.Select(l => l.Permit.DecisionId))} was finalised with synthetic evidence: outcome failed, error evidence_missing",
            $"{after}, {string.Join("; ", problems)}: a slot without outcome evidence must be finalised with synthetic Execution Evidence, outcome failed, error evidence_missing");
    }
}
