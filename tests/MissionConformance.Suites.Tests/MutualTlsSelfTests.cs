using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Runner;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// mtls at Mission Status from the harness's side: a TLS alias the harness cannot trust is no verdict on the state
/// authority. (StatusMtlsCertificateUnchecked and StatusMtlsRefused are proven with the other AS faults in FaultSelfTests.)
/// </summary>
public sealed class MutualTlsSelfTests
{
    [Fact]
    public async Task AnAliasWhoseCertificateTheTargetFileDoesNotTrust_IsInterruptedNamingTlsTrustFile_NeverFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var target = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { TlsTrust = [] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionStatusScenario()], ct, reference.Peers);

        foreach (var id in new[] { "MBO-MS-001", "MBO-MS-002" })
        {
            var finding = Assert.Single(outcome.Findings, f => f.RequirementId == id);
            Assert.Equal(Verdict.Interrupted, finding.Verdict);
            Assert.Contains("mtls, also advertised, could not be judged: no TLS exchange with https://127.0.0.1:", finding.Message, StringComparison.Ordinal);
            Assert.Contains("tlsTrustFile", finding.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(outcome.Findings, f => f.Verdict == Verdict.Failed);
        // An interrupted AD-3 MUST is not demonstrated: the tier the run can show stops below AD-3.
        Assert.True(outcome.Coordinate.Ad < AdTier.Ad3, outcome.Coordinate.Label);
    }
}
