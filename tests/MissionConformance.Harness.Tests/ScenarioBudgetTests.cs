using System.Net;
using System.Net.Sockets;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// timeouts.scenarioSeconds bounds the target's time, not the browser's: a consent flow stops the scenario's clock
/// and is bounded by timeouts.consentSeconds instead; and a scenario cut short says which bound ended it.
/// </summary>
public sealed class ScenarioBudgetTests
{
    private static readonly RequirementCatalogue Catalogue = new([new Requirement { Id = "T-DONE", Keyword = "MUST" }]);

    [Fact]
    public async Task SpentBudget_CancelsTheToken()
    {
        using var budget = new ScenarioBudget(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(TimeSpan.FromSeconds(10), budget.Token));
    }

    [Fact]
    public async Task Outside_StopsTheClock_AndResumingKeepsWhatWasLeft()
    {
        using var budget = new ScenarioBudget(TimeSpan.FromMilliseconds(400), TestContext.Current.CancellationToken);

        using (budget.Outside())
        {
            using (budget.Outside()) await Task.Delay(600, TestContext.Current.CancellationToken);  // scopes overlap
            await Task.Delay(400, TestContext.Current.CancellationToken);
            Assert.False(budget.Token.IsCancellationRequested);
            Assert.InRange(budget.Remaining, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(400));
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(TimeSpan.FromSeconds(10), budget.Token));
    }

    [Fact]
    public async Task ConsentFlow_LongerThanTheScenarioBudget_DoesNotTimeTheScenarioOut()
    {
        var finding = await RunAsync(new Consenting(), scenarioBudget: TimeSpan.FromMilliseconds(500), consent: TimeSpan.FromSeconds(1),
            driver: new SlowDriver(TimeSpan.FromMilliseconds(1200)));

        Assert.Equal(Verdict.Passed, finding.Verdict);
    }

    [Fact]
    public async Task ConsentFlow_PastItsOwnBound_IsTheDriversFailure()
    {
        var finding = await RunAsync(new Consenting(), scenarioBudget: TimeSpan.FromSeconds(30), consent: TimeSpan.FromMilliseconds(100),
            driver: new SlowDriver(Timeout.InfiniteTimeSpan));

        Assert.Equal(Verdict.Interrupted, finding.Verdict);
        Assert.Contains("consent step \"finish the flow\"", finding.Message, StringComparison.Ordinal);
        Assert.Contains("6 × timeouts.consentSeconds", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScenarioPastItsBudget_SaysSo()
    {
        var finding = await RunAsync(new Waiting(), scenarioBudget: TimeSpan.FromMilliseconds(300), consent: TimeSpan.FromSeconds(1));

        Assert.Equal(Verdict.Interrupted, finding.Verdict);
        Assert.StartsWith("timed out: the scenario used its 0.3 s (timeouts.scenarioSeconds", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestWithoutAnswer_IsNamed_NotCalledAScenarioTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();  // accepts connections, never answers
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/hangs";

        var finding = await RunAsync(new Asking(url), scenarioBudget: TimeSpan.FromSeconds(30), consent: TimeSpan.FromSeconds(1), request: TimeSpan.FromMilliseconds(300));

        Assert.Equal(Verdict.Interrupted, finding.Verdict);
        Assert.Contains($"a request got no answer within 0.3 s (timeouts.requestSeconds in the target file): GET {url}", finding.Message, StringComparison.Ordinal);
        Assert.Single(finding.Evidence);
    }

    private static async Task<Finding> RunAsync(Scenario scenario, TimeSpan scenarioBudget, TimeSpan consent, IConsentDriver? driver = null, TimeSpan? request = null)
    {
        var target = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null);
        target = target with { ResourceServers = [], Timeouts = new Timeouts(request ?? TimeSpan.FromSeconds(5), scenarioBudget, consent) };
        var run = new SuiteRun(target, null, driver ?? new SlowDriver(TimeSpan.Zero), new WireLog(), TimeProvider.System, (_, _) => Task.CompletedTask, Catalogue);

        return Assert.Single(await SuiteRunner.RunAsync(run, [scenario], TestContext.Current.CancellationToken));
    }

    private sealed class Done : Check<bool>
    {
        public override string RequirementId => "T-DONE";

        public override Judgement Judge(bool e) => Judgement.That(e, "done", "not done");
    }

    private abstract class Single : Scenario
    {
        public override string Title => Id;
        public override IReadOnlyList<ICheck> Checks { get; } = [new Done()];
    }

    private sealed class Consenting : Single
    {
        public override string Id => "test.consenting";

        public override async Task RunAsync(ScenarioContext context)
        {
            var request = new ConsentRequest(new Uri("http://127.0.0.1:1/authorize"), "client", "urn:x", "http://127.0.0.1:1/cb", new ApproverAccount("u", "p"), ConsentDecision.Approve);
            var outcome = await context.Consent.RunAsync(request, context.Cancellation);
            context.Judge(new Done(), outcome.Code == "code");
        }
    }

    private sealed class Waiting : Single
    {
        public override string Id => "test.waiting";

        public override Task RunAsync(ScenarioContext context) => Task.Delay(Timeout.Infinite, context.Cancellation);
    }

    private sealed class Asking(string url) : Single
    {
        public override string Id => "test.asking";

        public override async Task RunAsync(ScenarioContext context)
        {
            using var http = context.CreateHttpClient();
            await http.GetAsync(new Uri(url), context.Cancellation);
        }
    }

    /// <summary>A consent driver that takes its time (a browser on a loaded machine), then answers with a code.</summary>
    private sealed class SlowDriver(TimeSpan takes) : IConsentDriver
    {
        public string Name => "slow";

        public RenderingGap? Gap => null;

        public async Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct)
        {
            await Task.Delay(takes, ct);
            return ConsentOutcome.FromRedirect(new Uri(request.RedirectUri + "?code=code"), "", "", []);
        }
    }
}
