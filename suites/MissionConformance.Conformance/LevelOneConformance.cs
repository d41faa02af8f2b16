using MissionConformance.Harness.Engine;
using MissionConformance.Suites;

namespace MissionConformance.Conformance;

/// <summary>
/// Ladder Level 1 / AD-1: one test per requirement each scenario judges, so a failing requirement is a
/// failing test. Filter with the traits, e.g. <c>--filter "Requirement=MBO-AS-GATE-002"</c>,
/// <c>--filter "Level=1&amp;Keyword=MUST"</c> or <c>--filter "Scenario=lifecycle.gating"</c>; only the
/// scenarios the selected tests need are run, each once, together (<see cref="ScenarioPlanOrderer"/>).
/// </summary>
[TestCaseOrderer(typeof(ScenarioPlanOrderer))]
public sealed class LevelOneConformance(TargetFixture target)
{
    private static readonly IReadOnlyList<RequirementCase> Cases = RequirementCase.All(ConformanceSuite.Scenarios(), RequirementCatalogue.Default);

    public static IEnumerable<TheoryDataRow<string, string>> Requirements()
        => Cases.Select(c => c.Traits().Aggregate(
            new TheoryDataRow<string, string>(c.Scenario.Id, c.Requirement.Id).WithTestDisplayName(c.DisplayName),
            (row, trait) => row.WithTrait(trait.Name, trait.Value)));

    [Theory]
    [MemberData(nameof(Requirements))]
    public async Task Requirement(string scenario, string requirement)
    {
        var @case = Cases.Single(c => c.Scenario.Id == scenario && c.Requirement.Id == requirement);
        target.Session.Plan(ScenarioPlanOrderer.Selected);
        var outcome = @case.Decide(await target.Session.RunScenarioAsync(@case.Scenario));

        TestContext.Current.TestOutputHelper?.WriteLine(outcome.Message);
        switch (outcome.Result)
        {
            case CaseResult.Warn: TestContext.Current.AddWarning(outcome.Message); break;
            case CaseResult.Skip: Assert.Skip(outcome.Message); break;
            case CaseResult.Fail: Assert.Fail(outcome.Message); break;
        }
    }

    /// <summary>
    /// The coordinate over every Level-1 scenario; with MISSION_REQUIRE_LEVEL=N it fails below level N,
    /// as the CLI's --require-level does.
    /// </summary>
    [Fact]
    [Trait("Coordinate", "true")]
    public async Task Coordinate()
    {
        target.Session.Plan(ScenarioPlanOrderer.Selected);
        var run = await target.Session.CombinedAsync(ConformanceSuite.Scenarios());
        var summary = $"{run.Target.Name}: {run.Coordinate.Label}{Environment.NewLine}{string.Join(Environment.NewLine, run.Coordinate.Reasons)}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);

        if (Environment.GetEnvironmentVariable("MISSION_REQUIRE_LEVEL") is { Length: > 0 } required)
        {
            Assert.True(int.TryParse(required, System.Globalization.CultureInfo.InvariantCulture, out var level), $"MISSION_REQUIRE_LEVEL={required} is not a whole number");
            Assert.True(run.Coordinate.Level >= level, $"level {level} required, computed {summary}");
        }
    }
}
