using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Mission Expansion from the harness's side: it is driven only where the target file declares the suite's convention, and
/// what the suite cannot see is REVIEW, not a verdict. (ExpansionWithoutSupersedes, ExpansionLeavesPriorActive and
/// DeniedExpansionEndsPrior are proven with the other AS faults in FaultSelfTests.)
/// </summary>
public sealed class ExpansionSelfTests
{
    private static readonly string[] Requirements = ["MBO-AS-EXP-001", "MBO-AS-EXP-002", "MBO-AS-EXP-003"];

    [Fact]
    public async Task AnAsThatDoesNotDeclareExpansion_IsNotDriven_ItsRequirementsAreSkippedWithTheReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var target = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { Expansion = false }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionExpansionScenario()], ct, reference.Peers);

        Assert.All(Requirements, id => Assert.Equal(Verdict.Skipped, outcome.Verdicts[(id, reference.Target.DomainSubject!)]));
        Assert.All(outcome.Findings.Where(f => Requirements.Contains(f.RequirementId)), f => Assert.Equal(MissionExpansionScenario.NotDeclared, f.Message));
        Assert.DoesNotContain(outcome.Wire.Exchanges, x => x.Url.Contains("/par", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnInventory_SupersedesIsReadFromMissionStatus()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var target = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { UsesInventory = false }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionExpansionScenario()], ct, reference.Peers);

        var finding = Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-AS-EXP-001");
        Assert.Equal(Verdict.Passed, finding.Verdict);
        Assert.EndsWith("(in its Mission Status)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNeitherInventoryNorStatusClients_ASuccessorThatNamesNoPriorIsReview_WhileTheRefreshStillJudgesThePrior()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([Fault.ExpansionWithoutSupersedes]), ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var server = reference.Target.AuthorizationServer;
        var target = reference.Target with { AuthorizationServers = [server with { UsesInventory = false, Clients = [.. server.Clients.Where(c => c.Role != "status")] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionExpansionScenario()], ct, reference.Peers);

        var subject = reference.Target.DomainSubject!;
        Assert.Equal(Verdict.Review, outcome.Verdicts[("MBO-AS-EXP-001", subject)]);
        Assert.Contains("no inventory", Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-AS-EXP-001").Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Passed, outcome.Verdicts[("MBO-AS-EXP-002", subject)]);
        Assert.Equal(Verdict.Passed, outcome.Verdicts[("MBO-AS-EXP-003", subject)]);
    }
}
