using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 9 against a server we did not write: an AS that refuses every PAR, the valid Intent too, gets its
/// malformed-Intent refusals INTERRUPTED naming the failed control, where they used to PASS.
/// </summary>
public sealed class PositiveControlSelfTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mc-controls-").FullName;

    [Fact]
    public async Task ParRefusals_AgainstAnAsRefusingEveryPar_AreInterrupted_NotPassed()
    {
        using var server = ScriptedAuthorizationServer.RefusingEveryPar();
        var target = TargetLoader.Load(server.WriteTargetFile(_folder), _ => null);
        var refusals = new ParRefusalsScenario();

        var outcome = await ConformanceRun.RunAsync(target, TimeProvider.System, (d, ct) => Task.Delay(d, ct),
            [new ParAcceptanceScenario(), refusals, new FrontChannelScenario()], TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.Failed, outcome.Verdicts[("MBO-AS-PAR-001", server.Issuer.AbsoluteUri)]);
        foreach (var id in refusals.Requirements.Append("MBO-AS-PAR-002"))
        {
            var finding = Assert.Single(outcome.Findings, f => f.RequirementId == id);
            Assert.True(finding.Verdict == Verdict.Interrupted, $"{id} is {finding.Verdict}: {finding.Message}");
            Assert.Contains("positive control failed: the target file's Intent, pushed by the same client, is accepted", finding.Message, StringComparison.Ordinal);
            Assert.Contains("HTTP 400 invalid_request", finding.Message, StringComparison.Ordinal);
        }
        // Only MD-009 passes: the stand-in advertises no level above the L0 it demonstrated.
        Assert.Equal(["MBO-AS-MD-009"], outcome.Verdicts.Where(v => v.Value == Verdict.Passed).Select(v => v.Key.Requirement));
        Assert.Contains(outcome.Unresolved, u => u.Requirement == "MBO-AS-PAR-003");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
