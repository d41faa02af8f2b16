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

    /// <summary>
    /// consent.pages[].submit (issue 21 item 1): an AS whose approval form declares enctype application/json, which Chromium sends
    /// urlencoded, and which needs an approver and a subject the page does not show, gets its decision as JSON with both added.
    /// </summary>
    [Fact]
    public async Task ADecisionToBeSubmittedAsJson_ReachesTheAsAsJson_WithTheFieldsTheTargetFileAdds()
    {
        var chromium = RequireChromium();
        using var site = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        site.Given(WireMock.RequestBuilders.Request.Create().WithPath("/auth").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "text/html")
                .WithBody("""<!doctype html><h1>Approve mission?</h1><form method="post" action="/decide" enctype="application/json"><button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>"""));
        site.Given(WireMock.RequestBuilders.Request.Create().WithPath("/decide").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(303).WithHeader("Location", "http://127.0.0.1/cb?code=c-1&state=s"));
        var script = new ConsentScript([new ScriptPage("approval", ConsentPageKind.Consent, "form[action$='/decide']", [], "button[value=approve]", "button[value=deny]")
        {
            Submit = new DecisionSubmission(AsJson: true, new Dictionary<string, string> { ["approver"] = "${username}", ["subject"] = "${missionSubject}" }),
        }]);
        var wire = new Harness.Wire.WireLog();
        await using var driver = await BrowserConsentDriver.CreateAsync(chromium, script, TimeSpan.FromSeconds(30), wire);

        var outcome = await driver.RunAsync(new ConsentRequest(new Uri(site.Urls[0] + "/auth"), "agent", "urn:x", "http://127.0.0.1/cb",
            new ApproverAccount("bob", "unused") { MissionSubject = "alice" }, ConsentDecision.Approve), TestContext.Current.CancellationToken);

        Assert.Equal("c-1", outcome.Code);
        var decision = Assert.Single(site.LogEntries, e => e.RequestMessage?.Path == "/decide").RequestMessage!;
        Assert.StartsWith("application/json", decision.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        Assert.Equal("""{"decision":"approve","approver":"bob","subject":"alice"}""", decision.Body);
    }

    /// <summary>
    /// An AS that answers the decision with another approval page (a new interaction each time, as the TypeScript AS does for a
    /// resource it cannot grant) is told apart from a page that stayed (a plain ConsentDriverException after 30 s): the driver says the flow never ends.
    /// </summary>
    [Fact]
    public async Task AnApprovalPageAfterTheDecision_IsAConsentLoop_NotAPageThatStayed()
    {
        var chromium = RequireChromium();
        using var site = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        foreach (var (page, next) in new[] { ("/interaction/one", "/interaction/two"), ("/interaction/two", "/interaction/three") })
        {
            site.Given(WireMock.RequestBuilders.Request.Create().WithPath(page).UsingGet())
                .RespondWith(WireMock.ResponseBuilders.Response.Create().WithHeader("Content-Type", "text/html")
                    .WithBody($"""<!doctype html><h1>Approve mission?</h1><form method="post" action="{page}/decide"><button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>"""));
            site.Given(WireMock.RequestBuilders.Request.Create().WithPath(page + "/decide").UsingPost())
                .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(303).WithHeader("Location", next));
        }
        var script = new ConsentScript([new ScriptPage("approval", ConsentPageKind.Consent, "form[action$='/decide']", [], "button[value=approve]", "button[value=deny]")]);
        await using var driver = await BrowserConsentDriver.CreateAsync(chromium, script, TimeSpan.FromSeconds(30), new Harness.Wire.WireLog());

        var loop = await Assert.ThrowsAsync<ConsentLoopException>(() => driver.RunAsync(new ConsentRequest(new Uri(site.Urls[0] + "/interaction/one"), "agent", "urn:x",
            "http://127.0.0.1/cb", new ApproverAccount("bob", "unused"), ConsentDecision.Approve), TestContext.Current.CancellationToken));

        Assert.EndsWith("/interaction/two", loop.PageUrl!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("showed its consent page \"approval\" again", loop.Message, StringComparison.Ordinal);
    }
}

