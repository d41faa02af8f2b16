using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class LifecycleOperationsExposed : Check<TransitionEvidence>
{
    private static readonly string[] Operations = ["revoke", "suspend", "resume", "complete"];

    public override string RequirementId => "MBO-CM-005";

    public override Judgement Judge(TransitionEvidence e)
    {
        var missing = Operations
            .Where(op => !e.Transitions.Any(t => t.Operation == op && (int)t.Status is >= 200 and < 300)).ToList();
        return Judgement.That(missing.Count == 0, "revoke, suspend, resume and complete are all exposed and accepted",
            "lifecycle operation(s) not accepted: " + string.Join(", ", missing));
    }
}

/// <summary>MBO-CM-006: AD-3's own requirement, judged as MS-001…007 together with anchors equal to the token's.</summary>
public sealed class MissionStatusCapability : Check<MissionStatusEvidence>
{
    private static readonly Check<MissionStatusEvidence>[] Parts =
        [new StatusAnswersSigned(), new StatusRequiresAuthentication(), new StatusJwsVerifies(), new StatusBindsRequest(), new StatusPayloadComplete(), new StatusProjectionAudienceOnly(), new StatusNoOracle()];

    public override string RequirementId => "MBO-CM-006";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var problems = Parts.Select(part => (part.RequirementId, Judgement: part.Judge(e)))
            // A part that could not be judged (say MS-007 with a one-object Intent) leaves the others to decide.
            .Where(x => x.Judgement.Holds == false)
            .Select(x => $"{x.RequirementId}: {x.Judgement.Message}").ToList();
        var anchors = e.Active.Payload is { } p && p.TryGetProperty("integrity_anchors", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
        if (anchors is null) problems.Add("the answer carries no integrity_anchors");
        else if (e.Anchor is { } expected && Subset.Text(anchors.Value, "authority_hash") != expected.AuthorityHash)
        {
            problems.Add($"integrity_anchors.authority_hash is {Subset.Text(anchors.Value, "authority_hash") ?? "(absent)"}, not the {expected.Source}'s {expected.AuthorityHash}");
        }
        return Judgement.That(problems.Count == 0,
            "authenticated, signed Mission Status with state, the token's anchors and only the caller's projection (MBO-MS-001…007)",
            "AD-3 Mission Status not demonstrated: " + string.Join("; ", problems));
    }
}

/// <summary>MBO-CM-006 by the other road the capability model allows: INT-001…003 with the Mission's authority_hash.</summary>
public sealed class IntrospectionCapability : Check<IntrospectionEvidence>
{
    private static readonly Check<IntrospectionEvidence>[] Parts = [new IntrospectionShowsActiveMission(), new IntrospectionShowsInactiveMission(), new IntrospectionAudienceOnly()];

    public override string RequirementId => "MBO-CM-006";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        var problems = Parts.Select(part => (part.RequirementId, Judgement: part.Judge(e))).Where(x => x.Judgement.Holds == false)
            .Select(x => $"{x.RequirementId}: {x.Judgement.Message}").ToList();
        var hash = Introspection.Body(e.Active) is { } body && Introspection.Mission(body) is { } mission ? Subset.Text(mission, "authority_hash") : null;
        if (e.Anchor is { } expected && hash is not null && hash != expected.AuthorityHash) problems.Add($"mission.authority_hash is {hash}, not the {expected.Source}'s {expected.AuthorityHash}");
        if (hash is null && problems.Count == 0) problems.Add("the answer carries no mission.authority_hash");
        return Judgement.That(problems.Count == 0, "introspection with the Mission projection: state, authority_hash, audience-filtered (MBO-AS-INT-001…003)",
            "AD-3 introspection projection not demonstrated: " + string.Join("; ", problems));
    }
}
