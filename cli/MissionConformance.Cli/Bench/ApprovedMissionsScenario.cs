using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Cli.Bench;

/// <summary>
/// Not a conformance scenario: approves <paramref name="count"/> Missions the way every scenario does (PAR, consent, code redemption),
/// so <see cref="AuthorizationServerBench"/> has mission-bound refresh tokens to spend, each Mission with a derivation budget of
/// <paramref name="derivations"/> (context.max_derivations) so the budget is not what ends a measurement. It judges nothing.
/// </summary>
internal sealed class ApprovedMissionsScenario(int count, int derivations) : Scenario
{
    public override string Id => "bench.approved-missions";

    public override string Title => "Approve Missions for the throughput measurement";

    public override IReadOnlyList<ICheck> Checks => [];

    public List<ObtainedMission> Missions { get; } = [];

    /// <summary>Why the approvals stopped, when they did: a scenario that judges nothing has no verdict to carry it.</summary>
    public string? Interruption { get; private set; }

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        try
        {
            for (var i = 0; i < count; i++) Missions.Add(await flow.ObtainAsync(flow.Intent(maxDerivations: derivations)));
        }
        catch (ScenarioInterruptedException e)
        {
            Interruption = e.Message;
            throw;
        }
    }
}
