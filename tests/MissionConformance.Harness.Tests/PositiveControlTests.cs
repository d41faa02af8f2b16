using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// design.md principle 9, in the engine: a check judging a refusal is judged only when the scenario saw its positive
/// control served for the same subject; a failed or missing control makes it INTERRUPTED, whatever the check concluded.
/// </summary>
public sealed class PositiveControlTests
{
    private static readonly PositiveControl ValidRequest = new("test.valid", "the valid request is served");

    private static readonly RequirementCatalogue Catalogue = new([new Requirement { Id = "T-REFUSAL", Keyword = "MUST" }]);

    [Fact]
    public async Task Refusal_WithItsControlServed_IsJudged()
    {
        var verdict = await JudgeAsync(control: (true, ""), refused: true);

        Assert.Equal(Verdict.Passed, verdict.Verdict);
    }

    [Fact]
    public async Task Refusal_WhenTheValidRequestIsRefusedToo_IsInterrupted_NamingTheControl()
    {
        var verdict = await JudgeAsync(control: (false, "PAR answered HTTP 400 invalid_request"), refused: true);

        Assert.Equal(Verdict.Interrupted, verdict.Verdict);
        Assert.Contains("positive control failed: the valid request is served, but PAR answered HTTP 400 invalid_request", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptedBadRequest_WhenTheControlFailed_IsInterruptedToo()
    {
        // The engine judges the refusal only when the control passed: a server refusing the valid request proves nothing either way.
        var verdict = await JudgeAsync(control: (false, "HTTP 500"), refused: false);

        Assert.Equal(Verdict.Interrupted, verdict.Verdict);
    }

    [Fact]
    public async Task Refusal_WithoutItsControlTried_IsAHarnessError()
    {
        var verdict = await JudgeAsync(control: null, refused: true);

        Assert.Equal(Verdict.Interrupted, verdict.Verdict);
        Assert.StartsWith("harness error: scenario test.refusal judged a refusal without trying its positive control", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skip_WithoutItsControlTried_StaysSkipped_ButAFailedControlOverridesIt()
    {
        Assert.Equal(Verdict.Skipped, (await JudgeAsync(control: null, refused: true, skip: true)).Verdict);
        Assert.Equal(Verdict.Interrupted, (await JudgeAsync(control: (false, "HTTP 503"), refused: true, skip: true)).Verdict);
    }

    [Fact]
    public async Task OneFailedAttempt_FailsTheControl_ForTheRestOfTheScenario()
    {
        var verdict = await JudgeAsync(control: (true, ""), refused: true, laterControl: (false, "HTTP 429"));

        Assert.Equal(Verdict.Interrupted, verdict.Verdict);
        Assert.Contains("HTTP 429", verdict.Message, StringComparison.Ordinal);
    }

    private static async Task<Finding> JudgeAsync((bool Served, string Detail)? control, bool refused, bool skip = false, (bool, string)? laterControl = null)
    {
        var target = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null);
        var run = new SuiteRun(target with { ResourceServers = [] }, null, new FormConsentDriver(TimeSpan.FromSeconds(1)), new WireLog(), TimeProvider.System,
            (_, _) => Task.CompletedTask, Catalogue);
        var scenario = new RefusalScenario(control, laterControl, new Answer(refused, skip));

        var findings = await SuiteRunner.RunAsync(run, [scenario], TestContext.Current.CancellationToken);

        return Assert.Single(findings);
    }

    private sealed record Answer(bool Refused, bool Skip);

    private sealed class RefusalCheck : Check<Answer>
    {
        public override string RequirementId => "T-REFUSAL";

        public override PositiveControl Control => ValidRequest;

        public override Judgement Judge(Answer e)
            => e.Skip ? Judgement.Skip("not applicable") : Judgement.That(e.Refused, "the bad request was refused", "the bad request was served");
    }

    private sealed class RefusalScenario((bool Served, string Detail)? control, (bool Served, string Detail)? later, Answer answer) : Scenario
    {
        public override string Id => "test.refusal";
        public override string Title => "a refusal and its control";
        public override IReadOnlyList<ICheck> Checks { get; } = [new RefusalCheck()];

        public override Task RunAsync(ScenarioContext context)
        {
            if (control is { } c) context.Control(ValidRequest, c.Served, c.Detail);
            if (later is { } l) context.Control(ValidRequest, l.Served, l.Detail);
            context.Judge(new RefusalCheck(), answer);
            return Task.CompletedTask;
        }
    }
}
