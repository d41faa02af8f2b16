using MissionConformance.Embedded;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The consent faults caught in Chromium, by the browser driver and the reference AS's default
/// script: each fails exactly its declared requirements, and a failed rendering check carries the
/// consent page's screenshot. Only the scenarios judging the fault's ids run, to keep the browser time small.
/// </summary>
public sealed class BrowserConsentTests
{
    public static TheoryData<string> ConsentFaults => new(
        nameof(Fault.OmitExpiryFromConsent), nameof(Fault.HideNarrowingDecisions), nameof(Fault.ChangeAuthorityAfterRender),
        nameof(Fault.IgnoreAcr), nameof(Fault.NoAntiForgery), nameof(Fault.FramableConsent), nameof(Fault.HideSubjectOnBehalf));

    /// <summary>Without Chromium the browser tests are skipped with the instruction, except under CI, where they fail.</summary>
    public static string RequireChromium()
    {
        if (BrowserConsentDriver.FindChromium() is { } chromium) return chromium;
        const string message = "no Chromium found: apt-get install chromium (bash .ci/run installs it)";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Assert.Fail(message);
        Assert.Skip(message);
        return "";
    }

    [Theory]
    [MemberData(nameof(ConsentFaults))]
    public async Task ConsentFault_InChromium_FailsExactlyItsRequirements_WithTheScreenshot(string name)
    {
        RequireChromium();
        var fault = FaultCatalogue.Find(name)!;
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([fault.Fault]), TestContext.Current.CancellationToken);
        var scenarios = ConformanceRun.Select(LevelOneSuite.Scenarios(), string.Join(",", fault.RequirementIds));

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, scenarios, TestContext.Current.CancellationToken);

        Assert.Equal("browser", outcome.ConsentDriver);
        Assert.DoesNotContain(outcome.Findings, f => f.Verdict == Verdict.Interrupted);
        var failed = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning && f.RequirementId is not ("MBO-AS-TOK-011" or "MBO-AS-MD-009"))
            .Select(f => f.RequirementId).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(fault.RequirementIds.Order(StringComparer.Ordinal), failed);
        var screenshots = outcome.Wire.Attachments.Where(a => a.MediaType == "image/png").Select(a => a.Id).ToHashSet();
        Assert.All(outcome.Findings.Where(f => f.Verdict == Verdict.Failed && f.RequirementId is "MBO-AS-APR-001" or "MBO-AS-APR-002"),
            f => Assert.Contains(f.Evidence, screenshots.Contains));
    }

    /// <summary>Browser contexts are reused between flows (BrowserConsentDriver.Lane): no sign-in may carry over.</summary>
    [Fact]
    public async Task ReusedBrowserContext_StartsEachFlowSignedOut()
    {
        RequireChromium();
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, TestContext.Current.CancellationToken);

        // consent.narrowing-and-anchors approves two Missions one after the other, so the second flow reuses the first one's context.
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait,
            ConformanceRun.Select(LevelOneSuite.Scenarios(), "consent.narrowing-and-anchors"), TestContext.Current.CancellationToken);

        Assert.Equal("browser", outcome.ConsentDriver);
        var loginPages = outcome.Wire.Exchanges.Count(x => x.Method == "GET" && new Uri(x.Url).AbsolutePath == "/login");
        Assert.Equal(2, loginPages);
    }
}
