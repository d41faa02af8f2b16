using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 19 item 2, end to end: the reference judged through a target file that leaves out the narrowing probe. The narrowing
/// MUSTs are skipped for want of it, so AD-1 is claimed, not demonstrated, and the coordinate, the reasons and report.json say
/// what to add. Until then a neutral skip let the same run report L3 · RS-D · AD-3.
/// </summary>
public sealed class ClaimedTierSelfTests
{
    [Fact]
    public async Task ATargetFileWithoutTheNarrowingProbe_LeavesAd1ClaimedNotDemonstrated_AndSaysWhatToAdd()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);
        var withoutNarrowing = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { Narrowing = null }] };

        var outcome = await ConformanceRun.RunAsync(withoutNarrowing, reference.Clock, reference.Wait, ConformanceSuite.Scenarios(), TestContext.Current.CancellationToken, reference.Peers);

        Assert.DoesNotContain(outcome.Findings, f => f.Verdict is Verdict.Failed or Verdict.Interrupted);
        Assert.Equal((0, AdTier.None), (outcome.Coordinate.Level, outcome.Coordinate.Ad));
        var claimed = Assert.Single(outcome.Coordinate.Claimed);
        Assert.Equal("AD-1", claimed.Tier);
        Assert.Equal(["MBO-AS-APR-002 needs authorizationServers[0].narrowing", "MBO-AS-REC-009 needs authorizationServers[0].narrowing"], claimed.Needs.Order(StringComparer.Ordinal));
        var report = JsonReport.Build(outcome)["coordinate"]!["claimed_not_demonstrated"]!.AsArray();
        Assert.Equal("AD-1", (string?)Assert.Single(report)!["tier"]);
    }
}
