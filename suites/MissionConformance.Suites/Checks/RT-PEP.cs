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

/// <summary>MBO-RT-PEP-001: the PDP is asked before the consequential call is carried out.</summary>
public sealed class PepEvaluatesBeforeActing : Check<PdpCallEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-001";

    /// <remarks>
    /// A server that carries the call out and asks the PDP afterwards looks, by its answers, like one that asks first; where its effects
    /// can be observed, a call carried out while the PDP still held its evaluation, with no decision given, was carried out before asking.
    /// </remarks>
    public override Judgement Judge(PdpCallEvidence e)
    {
        if (e.BeforeDecision.Executions is > 0)
        {
            return Judgement.Fail($"while the PDP still held the evaluation of another Mission's call, undecided, {e.BeforeDecision.Describe(e.Tool)}: the action was carried out before the PDP decided");
        }
        var before = e.Evaluations.Where(v => v.At <= e.AnsweredAt).ToList();
        return Judgement.That(e.Response.Served && before.Count > 0,
            $"{e.Tool} was carried out after {before.Count} evaluation(s) at the PDP; while the PDP held an evaluation undecided, {e.BeforeDecision.Describe(e.Tool)}",
            e.Response.Served
                ? $"{e.Tool} was carried out without any evaluation reaching the PDP"
                : $"the PDP permitted {e.Tool}, yet the call was answered {e.Response.Describe()}");
    }
}

public sealed class PepEnforcesDeny : PdpRefusalCheck
{
    public override string RequirementId => "MBO-RT-PEP-002";

    protected override string Advice => "a deny must stop the action";
}

public sealed class PepFailsClosed : PdpRefusalCheck
{
    public override string RequirementId => "MBO-RT-PEP-003";

    protected override string Advice => "without a decision the PEP must fail closed";
}

/// <summary>MBO-RT-PEP-004: context.mission carries id, origin, authority_hash, policy_version, policy_view_id and policy_view_version.</summary>
public sealed class PepSendsMissionContext : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-004";

    public override Judgement Judge(EvaluationEvidence e)
    {
        var problems = e.SchemaErrors.Where(s => s.Pointer.StartsWith("/context/mission", StringComparison.Ordinal) || s.Pointer is "" or "/context" && s.Message.Contains("mission", StringComparison.Ordinal))
            .Select(s => s.ToString()).ToList();
        if (e.Text("context.mission.id") != e.Mission.Id) problems.Add($"context.mission.id is {e.Text("context.mission.id") ?? "absent"}, the token's Mission is {e.Mission.Id}");
        if (e.Text("context.mission.origin") is { } origin && origin != e.Mission.Origin) problems.Add($"context.mission.origin {origin} is not the Mission's origin {e.Mission.Origin}");
        if (e.Text("context.mission.authority_hash") is { } hash && hash != e.Mission.AuthorityHash) problems.Add($"context.mission.authority_hash {hash} is not the token's {e.Mission.AuthorityHash}");
        return Judgement.That(problems.Count == 0, "context.mission carries the Mission's id, origin, authority_hash, policy_version and policy view",
            "the evaluation request's Mission context is incomplete or wrong (authzen-evaluation.schema.json): " + string.Join("; ", problems));
    }
}

/// <summary>MBO-RT-PEP-005: context.audience is the PEP's audience and context.freshness has its timestamps and mode.</summary>
public sealed class PepSendsAudienceAndFreshness : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-005";

    public override Judgement Judge(EvaluationEvidence e)
    {
        var problems = e.SchemaErrors.Where(s => s.Pointer.StartsWith("/context/freshness", StringComparison.Ordinal) || s.Pointer.StartsWith("/context/audience", StringComparison.Ordinal)
                || s.Pointer == "/context" && (s.Message.Contains("freshness", StringComparison.Ordinal) || s.Message.Contains("audience", StringComparison.Ordinal)))
            .Select(s => s.ToString()).ToList();
        if (e.Text("context.audience") is { } audience && audience != e.Resource) problems.Add($"context.audience is {audience}, not the server's resource {e.Resource}");
        return Judgement.That(problems.Count == 0, $"context.audience {e.Resource} and context.freshness (mode {e.Text("context.freshness.mode")}) are present",
            "the evaluation request lacks a correct audience or freshness (authzen-evaluation.schema.json): " + string.Join("; ", problems));
    }
}

/// <summary>MBO-RT-PEP-008: an MCP tool call (catalog-sourced) is evaluated with context.tool_id.</summary>
public sealed class PepSendsToolId : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-008";

    public override Judgement Judge(EvaluationEvidence e)
        => Judgement.That(!string.IsNullOrEmpty(e.Text("context.tool_id")), $"context.tool_id is {e.Text("context.tool_id")}",
            "the evaluation of an MCP tool call carries no context.tool_id (Capability Source Binding, runtime.md §9)");
}

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

/// <summary>
/// MBO-RT-PEP-013: every call the PEP made to the PDP was authenticated as runtime.md §1 asks, here by a DPoP-bound token of the simulated
/// AS whose audience is the PDP, with a valid proof for the call (the simulated PDP verifies both). The TLS half is not observed: the
/// simulated PDP listens on loopback http.
/// </summary>
public sealed class PepAuthenticatesToPdp : Check<PdpAuthenticationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-013";

    public override Judgement Judge(PdpAuthenticationEvidence e)
    {
        if (e.Evaluations.Count == 0) return Judgement.Skip("not judged: no evaluation request reached the PDP (MBO-RT-PEP-001)");
        var unauthenticated = e.Evaluations.Where(v => v.CallerProblem is not null).Select(v => v.CallerProblem!).Distinct().ToList();
        return Judgement.That(unauthenticated.Count == 0,
            $"{e.Evaluations.Count} evaluation(s) came with a DPoP-bound token of the simulated AS for the PDP and a valid proof (TLS is not observed: the simulated PDP listens on loopback http)",
            $"{e.Evaluations.Count(v => v.CallerProblem is not null)} of {e.Evaluations.Count} evaluation(s) were not mutually authenticated: {string.Join("; ", unauthenticated)}. "
            + "Get the PEP's credential from the simulated AS's token endpoint (run --print-peer-config): client_credentials, private_key_jwt, a DPoP proof, resource = the PDP's URL");
    }
}
