using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>MBO-RT-PDP-001 (conformance.md §5 L4 item 5): a Mission revoked, or suspended, before the PDP ever saw it is denied mission_inactive.</summary>
public sealed class PdpMissionStateScenario : PdpScenario
{
    public override string Id => "pdp.mission-state";
    public override string Title => "an evaluation for a revoked or a suspended Mission is denied mission_inactive";
    public override IReadOnlyList<ICheck> Checks { get; } = [new PdpDeniesInactiveMission()];

    protected override async Task RunAsync(PdpProbe pdp)
    {
        await pdp.ControlAsync(pdp.Mission());
        var cases = new List<PdpCase>();
        // Each Mission changes state before its first evaluation, so no cached state of the PDP's stands between the change and the answer.
        foreach (var state in new[] { "revoked", "suspended" })
        {
            var mission = pdp.Mission();
            mission.State = state;
            cases.Add(new PdpCase($"{pdp.Pdp.AllowedAction} for a {state} Mission", await pdp.EvaluateAsync(pdp.Allowed(mission))));
        }
        pdp.Judge(new PdpDeniesInactiveMission(), new PdpDenialEvidence(cases));
    }
}

/// <summary>
/// MBO-RT-PDP-002, -003 (runtime.md §4, the PDP's checks in order): a parameter_digest that is not the parameters', freshness a day old and
/// an authority_hash other than the state authority's are each denied.
/// </summary>
public sealed class PdpContextScenario : PdpScenario
{
    public override string Id => "pdp.context";
    public override string Title => "a tampered parameter_digest is denied parameter_violation; day-old freshness and a foreign authority_hash, stale_state";
    public override IReadOnlyList<ICheck> Checks { get; } = [new PdpDeniesDigestMismatch(), new PdpDeniesStaleState()];

    protected override async Task RunAsync(PdpProbe pdp)
    {
        var mission = pdp.Mission();
        await pdp.ControlAsync(mission);

        if (pdp.AllowedParameters is not { } parameters)
        {
            pdp.SkipForWant("MBO-RT-PDP-002", "pdps[].parameterBinding and pdps[].probes.allowed.parameters",
                "the target file gives no parameters for the allowed action, or not how the PDP digests them, so no digest can be shown right and then wrong");
        }
        else
        {
            // The digest of other parameters: well-formed, and not these parameters'.
            var tampered = pdp.Evaluation(mission, pdp.Pdp.AllowedAction, parameters);
            var other = (JsonObject)parameters.DeepClone();
            other["x_mission_conformance_tampered"] = true;
            tampered["context"]!["parameter_digest"] = pdp.Evaluation(mission, pdp.Pdp.AllowedAction, other)["context"]!["parameter_digest"]!.DeepClone();
            pdp.Judge(new PdpDeniesDigestMismatch(), new PdpDenialEvidence([new PdpCase("parameters with the digest of other parameters", await pdp.EvaluateAsync(tampered))]));
        }

        var old = pdp.Allowed(mission);
        old["context"]!["freshness"] = PdpProbe.Freshness(DateTimeOffset.UtcNow.AddDays(-1));
        var foreign = pdp.Allowed(mission);
        var otherEntry = (JsonObject)pdp.Pdp.Entry.DeepClone();
        otherEntry["actions"] = new JsonArray("x_mission_conformance_other_authority");
        foreign["context"]!["mission"]!["authority_hash"] = pdp.Mission(otherEntry).AuthorityHash;
        pdp.Judge(new PdpDeniesStaleState(), new PdpDenialEvidence(
        [
            new PdpCase("freshness_at a day old", await pdp.EvaluateAsync(old)),
            new PdpCase("the authority_hash of another Authority Set", await pdp.EvaluateAsync(foreign)),
        ]));
    }
}

/// <summary>
/// MBO-RT-PDP-004, -005, -006, -011 (runtime.md §4–5, §9): an action the entry does not list, the allowed action at a resource the Mission has
/// no entry for (and arguments breaking a constraint, when declared), and a tool_id no capability was approved for are denied; the first
/// as a requestable denial, which is a SHOULD.
/// </summary>
public sealed class PdpAuthorityScenario : PdpScenario
{
    public override string Id => "pdp.authority";
    public override string Title => "an unlisted action, a resource beyond the entry, broken constraints and an unapproved tool_id are denied; the unlisted action requestably";
    public override IReadOnlyList<ICheck> Checks { get; } =
        [new PdpDeniesOutOfSetAction(), new PdpOffersRequestableDenial(), new PdpNeverPermitsBeyondTheSet(), new PdpDeniesCapabilityDrift()];

    protected override async Task RunAsync(PdpProbe pdp)
    {
        var mission = pdp.Mission();
        await pdp.ControlAsync(mission);

        var action = pdp.Pdp.OutOfSetAction ?? "x_mission_conformance_unlisted_action";
        var outOfSet = new PdpCase($"{action}, which the entry does not list", await pdp.EvaluateAsync(pdp.Evaluation(mission, action)));
        pdp.Judge(new PdpDeniesOutOfSetAction(), new PdpDenialEvidence([outOfSet]));
        pdp.Judge(new PdpOffersRequestableDenial(), outOfSet);

        var beyond = new List<PdpCase>
        {
            new($"{pdp.Pdp.AllowedAction} at a resource the Mission has no entry for",
                await pdp.EvaluateAsync(pdp.Evaluation(mission, pdp.Pdp.AllowedAction, pdp.AllowedParameters, "https://beyond-the-entry.mission-conformance.example/api"))),
        };
        if (pdp.Pdp.ConstraintViolation is { } violation && pdp.Pdp.ParameterBinding is not null)
        {
            beyond.Add(new($"{pdp.Pdp.AllowedAction} with arguments that break a constraint ({violation.ToJsonString()})",
                await pdp.EvaluateAsync(pdp.Evaluation(mission, pdp.Pdp.AllowedAction, violation))));
        }
        pdp.Judge(new PdpNeverPermitsBeyondTheSet(), new PdpDenialEvidence(beyond));

        var drift = pdp.Allowed(mission);
        drift["context"]!["tool_id"] = "urn:mission-conformance:tool:never-approved";
        pdp.Judge(new PdpDeniesCapabilityDrift(), new PdpDenialEvidence([new PdpCase("a tool_id no approved capability names", await pdp.EvaluateAsync(drift))]));
    }
}

/// <summary>MBO-RT-PDP-010 (runtime.md §8): under max_invocations "2", two permits, then quota_exceeded instead of a third.</summary>
public sealed class PdpQuotaScenario : PdpScenario
{
    public override string Id => "pdp.quota";
    public override string Title => "with max_invocations 2 on the entry, the third evaluation is denied quota_exceeded";
    public override IReadOnlyList<ICheck> Checks { get; } = [new PdpDeniesExhaustedQuota()];

    protected override async Task RunAsync(PdpProbe pdp)
    {
        var entry = (JsonObject)pdp.Pdp.Entry.DeepClone();
        entry["constraints"] ??= new JsonObject();
        entry["constraints"]!["max_invocations"] = "2";
        // Its own Mission: no other scenario's evaluations spend its slots. The two permits are the control.
        var mission = pdp.Mission(entry);
        await pdp.ControlAsync(mission);
        await pdp.ControlAsync(mission);
        var third = await pdp.EvaluateAsync(pdp.Allowed(mission));
        pdp.Judge(new PdpDeniesExhaustedQuota(), new PdpDenialEvidence([new PdpCase("the third evaluation under max_invocations \"2\"", third)]));
    }
}

/// <summary>
/// MBO-RT-PDP-007…009 (runtime.md §6): after a permit, an out-of-entry action and a resource beyond the entry, the PDP's Decision Evidence
/// for the Mission covers each decision, verifies, and explains each denial. Without an export in the target file they are SKIPPED
/// (runtime.md open point 2: "claimed, not verified").
/// </summary>
public sealed class PdpEvidenceScenario : PdpScenario
{
    public override string Id => "pdp.evidence";
    public override string Title => "every decision has a schema-valid, verifiable Decision Evidence record explaining its denial";
    public override IReadOnlyList<ICheck> Checks { get; } = [new PdpRecordsEveryDecision(), new PdpEvidenceEnvelopesVerify(), new PdpEvidenceExplainsDenials()];

    protected override async Task RunAsync(PdpProbe pdp)
    {
        if (pdp.Pdp.Evidence is null)
        {
            foreach (var id in Requirements)
            {
                pdp.SkipForWant(id, "pdps[].evidence", "the target file names no Decision Evidence export (runtime.md open point 2: retrieval is not standardised), so the PDP's evidence is claimed, not verified");
            }
            return;
        }
        var mission = pdp.Mission();
        var decisions = new List<PdpCase>
        {
            new($"{pdp.Pdp.AllowedAction} (permit)", await pdp.EvaluateAsync(pdp.Allowed(mission))),
            new("an action the entry does not list", await pdp.EvaluateAsync(pdp.Evaluation(mission, pdp.Pdp.OutOfSetAction ?? "x_mission_conformance_unlisted_action"))),
            new("a resource beyond the entry",
                await pdp.EvaluateAsync(pdp.Evaluation(mission, pdp.Pdp.AllowedAction, pdp.AllowedParameters, "https://beyond-the-entry.mission-conformance.example/api"))),
        };
        var evidence = new PdpEvidenceExportEvidence(await pdp.ReadEvidenceAsync(mission.Id), decisions);
        pdp.Judge(new PdpRecordsEveryDecision(), evidence);
        pdp.Judge(new PdpEvidenceEnvelopesVerify(), evidence);
        pdp.Judge(new PdpEvidenceExplainsDenials(), evidence);
    }
}
