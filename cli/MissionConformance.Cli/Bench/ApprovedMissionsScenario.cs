using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Cli.Bench;

/// <summary>
/// Not a conformance scenario: approves <paramref name="count"/> Missions for each of <paramref name="clients"/> the way every scenario
/// does (PAR, consent, code redemption),
/// so <see cref="AuthorizationServerBench"/> has mission-bound refresh tokens to spend, each Mission with a derivation budget of
/// <paramref name="derivations"/> (context.max_derivations) so the budget is not what ends a measurement. It judges nothing.
/// </summary>
internal sealed class ApprovedMissionsScenario(int count, int derivations, params string[] clients) : Scenario
{
    public override string Id => "bench.approved-missions";

    public override string Title => "Approve Missions for the throughput measurement";

    public override IReadOnlyList<ICheck> Checks => [];

    /// <summary>The approved Missions, by the role of the client that requested them.</summary>
    public Dictionary<string, List<ObtainedMission>> Missions { get; } = [];

    /// <summary>Why the approvals stopped, when they did: a scenario that judges nothing has no verdict to carry it.</summary>
    public string? Interruption { get; private set; }

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        try
        {
            foreach (var role in clients)
            {
                var client = context.Server.Client(role) ?? throw new ScenarioInterruptedException($"the target names no {role} client");
                Missions[role] = [];
                for (var i = 0; i < count; i++) Missions[role].Add(await flow.ObtainAsync(flow.Intent(maxDerivations: derivations), client));
            }
        }
        catch (ScenarioInterruptedException e)
        {
            Interruption = e.Message;
            throw;
        }
    }
}
