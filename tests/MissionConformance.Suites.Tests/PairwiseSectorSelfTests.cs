using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// projection.pairwise in the resource_server sector, against the reference started in it: every token for a Resource Server
/// names the Mission by that server's ref. Fault-free all four pass; each pairwise fault of the reference fails its own
/// requirement in this sector too. (The resource_as sector is the embedded run's, proven by FaultSelfTests.)
/// </summary>
public sealed class PairwiseSectorSelfTests
{
    private static readonly string[] Pairwise = ["MBO-AS-PW-001", "MBO-AS-PW-002", "MBO-AS-PW-003", "MBO-AS-PW-004"];

    [Theory]
    [InlineData("", "")]
    [InlineData(nameof(Fault.PairwiseRefSharedAcrossSectors), "MBO-AS-PW-001")]
    [InlineData(nameof(Fault.PairwiseLeaksCanonicalId), "MBO-AS-PW-002")]
    [InlineData(nameof(Fault.PairwiseRefUnresolvable), "MBO-AS-PW-004")]
    public async Task InTheResourceServerSector_EachPairwiseFault_FailsItsRequirement_AndTheRestPass(string fault, string broken)
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.Parse(fault), TestContext.Current.CancellationToken, FaultSelfTests.FormConsent,
            withResourceServers: false, pairwiseSector: ReferenceSettings.ResourceServerSector);

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, [new PairwiseReferenceScenario()], TestContext.Current.CancellationToken, reference.Peers);

        var verdicts = Pairwise.ToDictionary(id => id, id => outcome.Findings.Single(f => f.RequirementId == id));
        Assert.All(verdicts, v => Assert.True(v.Value.Verdict == (v.Key == broken ? Verdict.Failed : Verdict.Passed), $"{v.Key}: {v.Value.Verdict} {v.Value.Message}"));
        // The Resource Servers' path was driven: the first server's token was exchanged for the second, and refused (no authority there).
        Assert.StartsWith($"the access token for {ResourceCatalogue.FinanceResource}, presented back as subject_token for {ResourceCatalogue.DocsResource}, was refused",
            verdicts["MBO-AS-PW-003"].Message, StringComparison.Ordinal);
    }
}
