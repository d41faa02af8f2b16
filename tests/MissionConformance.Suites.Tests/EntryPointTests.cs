using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The `dotnet test` entry point (suites/MissionConformance.Conformance) turns each requirement a
/// scenario judges into a test; these prove how its outcome follows the run.
/// </summary>
public sealed class EntryPointTests
{
    private static Scenario ScenarioById(string id) => ConformanceSuite.Scenarios().Single(s => s.Id == id);

    private static RequirementCase Case(string scenario, string requirement)
        => RequirementCase.All(ConformanceSuite.Scenarios(), RequirementCatalogue.Default).Single(c => c.Scenario.Id == scenario && c.Requirement.Id == requirement);

    [Fact]
    public async Task Case_AgainstRefreshAfterRevoke_FailsOnlyTheRevokedGate_WithTheMessageAndEvidence()
    {
        await using var session = await EmbeddedReference.OpenSessionAsync(new FaultSet([Fault.RefreshAfterRevoke]), TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);

        var run = await session.RunScenarioAsync(ScenarioById("lifecycle.gating"));

        var revoked = Case("lifecycle.gating", "MBO-AS-GATE-002").Decide(run);
        Assert.Equal(CaseResult.Fail, revoked.Result);
        Assert.Contains("FAILED MBO-AS-GATE-002 MUST", revoked.Message, StringComparison.Ordinal);
        Assert.Contains("revoked", revoked.Message, StringComparison.Ordinal);
        Assert.Contains("evidence x", revoked.Message, StringComparison.Ordinal);
        Assert.Equal(CaseResult.Pass, Case("lifecycle.gating", "MBO-AS-GATE-001").Decide(run).Result);
        Assert.Same(run, await session.RunScenarioAsync(ScenarioById("lifecycle.gating")));
    }

    [Fact]
    public async Task Case_NotApplicable_IsSkippedWithItsReason_AndABrokenShouldIsAWarning()
    {
        await using var session = await EmbeddedReference.OpenSessionAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);

        var run = await session.RunScenarioAsync(ScenarioById("consent.approve-and-issue"));

        var opaque = Case("consent.approve-and-issue", "MBO-AS-TOK-013").Decide(run);
        Assert.Equal(CaseResult.Skip, opaque.Result);
        Assert.StartsWith("SKIPPED MBO-AS-TOK-013", opaque.Message, StringComparison.Ordinal);
        Assert.Equal(CaseResult.Warn, Case("consent.approve-and-issue", "MBO-AS-TOK-011").Decide(run).Result);
    }

    [Fact]
    public async Task Case_AgainstAnUnreachableTarget_FailsWithTheReason()
    {
        var file = Path.Combine(Path.GetTempPath(), $"unreachable-{Guid.NewGuid():N}.json");
        var port = LoopbackPort.Free();
        File.WriteAllText(file, ExampleTarget.Text()
            .Replace("http://127.0.0.1:5099/", $"http://127.0.0.1:{port}/", StringComparison.Ordinal)
            .Replace("\"authorizationServerPort\": 5201", $"\"authorizationServerPort\": {LoopbackPort.Free()}", StringComparison.Ordinal)
            .Replace("\"pdpPort\": 5202", $"\"pdpPort\": {LoopbackPort.Free()}", StringComparison.Ordinal)
            .Replace("\"receiverPort\": 5204", $"\"receiverPort\": {LoopbackPort.Free()}", StringComparison.Ordinal));
        try
        {
            await using var session = await TargetSession.OpenAsync(file, null);

            var outcome = Case("discovery.metadata", "MBO-AS-MD-002").Decide(await session.RunScenarioAsync(ScenarioById("discovery.metadata")));

            Assert.Equal(CaseResult.Fail, outcome.Result);
            Assert.Contains("INTERRUPTED", outcome.Message, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{port}/.well-known/oauth-authorization-server", outcome.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Combine_KeepsEveryFindingsEvidence_AndComputesTheCoordinateOverAllScenarios()
    {
        await using var session = await EmbeddedReference.OpenSessionAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);
        var scenarios = new[] { ScenarioById("discovery.metadata"), ScenarioById("refresh.rotation") };

        var parts = new List<RunOutcome>();
        foreach (var s in scenarios) parts.Add(await session.RunScenarioAsync(s));
        var combined = await session.CombinedAsync(scenarios);

        Assert.Equal(parts.Sum(p => p.Wire.Exchanges.Count), combined.Wire.Exchanges.Count);
        Assert.Equal(combined.Wire.Exchanges.Count, combined.Wire.Exchanges.Select(x => x.Id).Distinct().Count());
        var ids = combined.Wire.Exchanges.Select(x => x.Id).ToHashSet();
        Assert.All(combined.Findings.SelectMany(f => f.Evidence), e => Assert.Contains(e, ids));
        Assert.Equal(parts.Sum(p => p.Findings.Count(f => f.Scenario != "coordinate")), combined.Findings.Count(f => f.Scenario != "coordinate"));
        Assert.Single(combined.Findings, f => f.Scenario == "coordinate");
    }

    [Fact]
    public async Task PlannedScenarios_RunOnceAsOneRun_WhileAnUnplannedOneRunsAlone_AndCombineCountsEachOnce()
    {
        await using var session = await EmbeddedReference.OpenSessionAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);
        Scenario discovery = ScenarioById("discovery.metadata"), gating = ScenarioById("lifecycle.gating"), rotation = ScenarioById("refresh.rotation");

        session.Plan([discovery, gating]);
        var planned = await session.RunScenarioAsync(gating);
        // Planning again, with a scenario already run, neither reruns it nor adds the unplanned one to its run.
        session.Plan([gating]);
        var alone = await session.RunScenarioAsync(rotation);

        Assert.Same(planned, await session.RunScenarioAsync(discovery));
        Assert.Same(planned, await session.RunScenarioAsync(gating));
        Assert.Equal(["discovery.metadata", "lifecycle.gating"], planned.Scenarios.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["refresh.rotation"], alone.Scenarios.Select(s => s.Id));
        // Each case reads its own scenario's findings from the shared run.
        Assert.Equal(CaseResult.Pass, Case("discovery.metadata", "MBO-AS-MD-002").Decide(planned).Result);
        Assert.Equal(CaseResult.Pass, Case("lifecycle.gating", "MBO-AS-GATE-002").Decide(planned).Result);
        Assert.DoesNotContain(planned.Findings, f => f.Scenario == "refresh.rotation");

        var combined = await session.CombinedAsync([discovery, gating, rotation]);
        Assert.Equal(3, combined.Scenarios.Count);
        Assert.Equal(planned.Wire.Exchanges.Count + alone.Wire.Exchanges.Count, combined.Wire.Exchanges.Count);
    }
}
