using System.Text.Json;
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

/// <summary>MBO-RS-C-007: a server that introspects still checks the proof of possession itself (introspection does not).</summary>
public sealed class RsVerifiesPopDespiteIntrospection : Check<IntrospectionPopEvidence>
{
    public override string RequirementId => "MBO-RS-C-007";

    public override Judgement Judge(IntrospectionPopEvidence e)
    {
        if (!e.DpopExercised) return Judgement.Skip("sender-constrained tokens were not exercised (resourceServers[].dpop is false)");
        if (e.Introspections == 0) return Judgement.Skip("the server does not introspect tokens: no introspection request reached the simulated AS");
        var accepted = e.ProofCases.Where(c => (int)c.Response.Status != 401).ToList();
        return Judgement.That(accepted.Count == 0,
            $"the server introspects ({e.Introspections} request(s)) and still refused each DPoP-bound token without its valid proof",
            "introspection said active, and the server did not check the proof itself: " + string.Join("; ", accepted.Select(c => $"{c.Defect} → {c.Response.Describe()}")));
    }
}

/// <summary>
/// MBO-RS-C-008: the server learns the Mission's state from Mission Status or introspection (the simulated AS counts both) or
/// from the events pushed to it; its Mission Status requests are well-formed (mission-status.md Request: a nonce of the ABNF).
/// </summary>
public sealed class RsConsultsMissionStatus : Check<StatusUseEvidence>
{
    public override string RequirementId => "MBO-RS-C-008";

    public override Judgement Judge(StatusUseEvidence e)
    {
        if (e.MalformedStatusRequests is [var first, ..])
        {
            return Judgement.Fail($"{e.MalformedStatusRequests.Count} of its Mission Status requests were malformed, which a conformant state authority refuses "
                + $"(the simulated AS answered them, so that only this check fails): {first}");
        }
        if (e.EventsPushed > 0 && e.EventsAccepted < e.EventsPushed)
        {
            return Judgement.Fail($"its event receiver accepted {e.EventsAccepted} of the {e.EventsPushed} lifecycle events pushed to it (resourceServers[].events.receiver)");
        }
        return Judgement.That(e.StatusRequests > 0 || e.Introspections > 0 || e.EventsAccepted > 0,
            $"{e.StatusRequests} authenticated Mission Status request(s) and {e.Introspections} introspection(s) concerned the watched Missions"
                + (e.EventsPushed > 0 ? $"; it accepted the {e.EventsAccepted} lifecycle events pushed to it" : ""),
            $"the server served and refused the Mission's token without a single Mission Status or introspection request for {e.MissionId}: it cannot know the Mission's state");
    }
}

public sealed class RsRefusesOutOfSetAction : ForbiddenProbeRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-001";

    protected override string Advice => "only actions listed in an entry for this resource may be performed";
}

public sealed class RsEnforcesConstraints : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-002";

    protected override string Advice => "the entry's constraints must be enforced against the call's arguments";
}

public sealed class RsFailsClosedOnUnknownConstraint : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-003";

    protected override string Advice => "a constraint key the server cannot enforce must make it refuse (fail closed), not be ignored";
}

public sealed class RsScopeNeverWidens : ForbiddenProbeRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-004";

    protected override string Advice => "scope never grants more than authorization_details allows";
}

public sealed class RsIgnoresForeignEntries : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-005";

    protected override string Advice => "entries for other resources must be ignored";
}

public sealed class RsIgnoresUnknownMissionMembers : ForbiddenProbeRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-009";

    protected override string Advice => "unknown members of the mission claim never grant authority";
}

/// <summary>
/// MBO-RS-C-006: on a delegated token the acting party comes from the act chain, not client_id. Observable only where the server
/// tells someone, here the PDP, in any form the seeds allow (issue 22: only the first was accepted, so a correct server fell to RS-B):
/// <list type="bullet">
/// <item>context.actor holding the token's act chain (an act member at any depth), in order;</item>
/// <item>context.actor written as the act chain itself ({"sub": delegate, "act": {…}});</item>
/// <item>context.act as that chain, or as a string naming the acting party (seed 003: <c>"act": "agent:renewal-assistant/7f2a"</c>).</item>
/// </list>
/// </summary>
public sealed class RsIdentifiesActorFromAct : Check<DelegationEvidence>
{
    public override string RequirementId => "MBO-RS-C-006";

    public override Judgement Judge(DelegationEvidence e)
    {
        if (e.Evaluation is null) return Judgement.Skip("not judged: no evaluation reached the PDP for the delegated call, and the acting party is observable only in its context");
        var expected = DelegationEvidence.Chain(e.Act);
        if (expected.Count == 0) return Judgement.Skip("not judged: the delegated token's act names no sub");
        bool Carries(IReadOnlyList<string> chain) => chain.Count >= expected.Count && chain.Take(expected.Count).SequenceEqual(expected);
        var form = e.Actor?["sub"] is not null && Carries(DelegationEvidence.Chain(e.Actor)) ? "context.actor is the act chain"
            : e.ActObjects().Any(act => Carries(DelegationEvidence.Chain(act))) ? "context.actor carries the act chain"
            : e.ContextAct is JsonObject act && Carries(DelegationEvidence.Chain(act)) ? "context.act is the act chain"
            : e.ContextAct is JsonValue named && named.TryGetValue<string>(out var text) && text.Contains(expected[0], StringComparison.Ordinal) ? $"context.act \"{text}\" names the acting party"
            : null;
        return Judgement.That(form is not null, $"{form} ({string.Join(" ← ", expected)})",
            $"the token's act chain names {string.Join(" ← ", expected)} as the acting party, but the evaluation's context.actor is {e.Actor?.ToJsonString() ?? "absent"} "
            + $"and context.act {e.ContextAct?.ToJsonString() ?? "absent"}: the acting party must come from act, not client_id");
    }
}
