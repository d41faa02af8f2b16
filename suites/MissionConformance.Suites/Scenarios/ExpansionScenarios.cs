using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// Mission Expansion (oauth-profile.md §13): a Mission too narrow is not widened but succeeded. The seed era defines no wire
/// binding, so the suite drives its own convention where the target file declares it (expansion): a PAR whose mission_intent
/// is the wider successor's and whose mission_supersedes is the prior Mission's id. Approved: a successor with a new id names
/// the prior, which is completed. Denied: the Mission stays as it was and nothing succeeds it.
/// </summary>
public sealed class MissionExpansionScenario : Scenario
{
    public const string Parameter = "mission_supersedes";

    public const string NotDeclared = "the target file does not declare expansion: Mission Expansion has no wire binding (oauth-profile.md §13), and the suite drives "
        + "its convention (PAR with mission_supersedes) only at an AS that says it takes it";

    public override string Id => "expansion.successor";
    public override string Title => "An approved Mission Expansion makes a successor that names and completes the Mission it supersedes; a denied one changes nothing";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new ExpansionCreatesSuccessor(),
        new ExpansionCompletesPrior(),
        new DeniedExpansionChangesNothing(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        if (!context.Server.Expansion)
        {
            foreach (var id in Requirements) context.Skip(id, NotDeclared);
            return;
        }
        var flow = new MissionFlow(context);
        var objects = flow.Resources(flow.Server.Intent);
        if (objects.Count < 2)
        {
            foreach (var id in Requirements) context.SkipForWant(id, "a second object in authorizationServers[0].intent.objects", "the target file's Intent names one object, so there is no narrower Mission to expand");
            return;
        }
        // The prior Mission lacks the Intent's last object; the successor asks for all of them.
        JsonObject Narrow() => flow.Edition.WithResources(flow.Intent(), objects.SkipLast(1));

        var prior = await flow.ObtainAsync(Narrow());
        if (prior.MissionId is not { } priorId || prior.Token.RefreshToken is not { } priorRefresh)
        {
            foreach (var id in Requirements) context.Blocked(id, prior.MissionId is null ? Dependencies.NoMissionId(prior) : "the token response carried no refresh token to observe the prior Mission by");
            return;
        }
        var successor = await ExpandAsync(() => flow.ObtainAsync(flow.Intent(), parExtra: [(Parameter, priorId)]), priorId);
        var successorRecord = successor.MissionId is { } successorId ? await flow.RecordAsync(successorId) : null;
        // Mission Status is asked only when neither the record nor the claim shows supersedes (open point 9 allows any of the three).
        var claimed = successor.Token.Mission is { } claim ? Subset.Text(claim, "supersedes") : null;
        StatusAnswer? successorStatus = null;
        if (successor.MissionId is { } successorMission && ExpansionRecord.Supersedes(successorRecord) is null && claimed is null)
        {
            successorStatus = await SuccessorStatusAsync(context, objects, successorMission);
        }
        var priorAfter = await flow.RefreshAsync(priorRefresh);
        var approved = new ApprovedExpansionEvidence(priorId, successor.Token, successorRecord, flow.Server.UsesInventory, successorStatus, priorAfter, await flow.StateAsync(priorId))
        {
            PriorNames = await NamesAsync(flow, priorId),
        };
        context.Judge(new ExpansionCreatesSuccessor(), approved);
        context.Judge(new ExpansionCompletesPrior(), approved);

        var kept = await flow.ObtainAsync(Narrow());
        if (kept.MissionId is not { } keptId || kept.Token.RefreshToken is not { } keptRefresh)
        {
            context.Blocked("MBO-AS-EXP-003", kept.MissionId is null ? Dependencies.NoMissionId(kept) : "the token response carried no refresh token to observe the Mission by");
            return;
        }
        var before = await flow.RecordAsync(keptId);
        var (_, requestUri) = await ExpandAsync(() => flow.PushAcceptedAsync(flow.Intent(), Pkce.Create(), null, [(Parameter, keptId)]), keptId);
        var denial = await flow.ConsentAsync(requestUri, ConsentDecision.Deny);
        var keptAfter = await flow.RefreshAsync(keptRefresh);
        var keptNames = await NamesAsync(flow, keptId);
        var successors = await flow.RecordsAsync() is { } all ? all.Where(r => ExpansionRecord.Supersedes(r) is { } named && keptNames.Contains(named)).ToList() : [];
        context.Judge(new DeniedExpansionChangesNothing(), new DeniedExpansionEvidence(keptId, denial, before, await flow.RecordAsync(keptId), keptAfter, successors));
    }

    /// <summary>The names a Mission goes by: <paramref name="name"/> (its id, or a pairwise ref), and its canonical id where the inventory shows its record.</summary>
    private static async Task<IReadOnlyCollection<string>> NamesAsync(MissionFlow flow, string name)
        => (string?)(await flow.RecordAsync(name))?["mission"]?["id"] is { } id && id != name ? [name, id] : [name];

    /// <summary>The successor's Mission Status, asked by the first status client whose audience the Intent names; null where there is none, or no endpoint.</summary>
    private static async Task<StatusAnswer?> SuccessorStatusAsync(ScenarioContext context, IReadOnlyList<string> objects, string missionId)
    {
        if (context.Client.Metadata.MissionStatusEndpoint is not { } endpoint
            || context.Server.StatusClients.FirstOrDefault(c => c.Audience is { } audience && objects.Contains(audience)) is not { } caller)
        {
            return null;
        }
        var nonce = MissionClient.NewNonce();
        using var status = StatusCaller.For(context, caller, endpoint);
        var response = await status.AskAsync(missionId, caller.Audience!, nonce);
        return new StatusAnswer(response, nonce, caller.Audience!, caller.ClientId, missionId, context.Clock.GetUtcNow());
    }

    /// <summary>A step of the convention the target file declares; refused, the scenario is interrupted saying it was the expansion, not the Intent.</summary>
    private static async Task<T> ExpandAsync<T>(Func<Task<T>> step, string prior)
    {
        try
        {
            return await step();
        }
        catch (ScenarioInterruptedException e)
        {
            throw new ScenarioInterruptedException($"the expansion of {prior} (PAR with {Parameter}, the suite's convention the target file declares with expansion) failed: {e.Message}");
        }
    }
}
