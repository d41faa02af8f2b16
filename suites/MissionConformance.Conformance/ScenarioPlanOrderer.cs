using MissionConformance.Harness.Engine;
using MissionConformance.Suites;
using Xunit.Sdk;
using Xunit.v3;

namespace MissionConformance.Conformance;

/// <summary>
/// Sees the tests the runner selected (after <c>--filter</c>) before any of them runs, and records the
/// scenarios they need, so the session runs those together, in parallel with one browser, as the CLI
/// does, rather than one after the other as the tests ask. The order itself is left as discovered.
/// </summary>
public sealed class ScenarioPlanOrderer : ITestCaseOrderer
{
    private static readonly Lock Gate = new();
    private static readonly List<Scenario> Planned = [];

    /// <summary>The scenarios the selected tests need, in the suite's order.</summary>
    public static IReadOnlyList<Scenario> Selected
    {
        get
        {
            lock (Gate) return [.. Planned];
        }
    }

    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase
    {
        // The coordinate test judges every scenario; a requirement's test, the scenario named in its trait.
        var all = ConformanceSuite.Scenarios();
        var needed = testCases.Any(c => c.Traits.ContainsKey("Coordinate"))
            ? all
            : [.. all.Where(s => testCases.Any(c => c.Traits.TryGetValue("Scenario", out var ids) && ids.Contains(s.Id)))];
        lock (Gate)
        {
            Planned.AddRange(needed.Where(s => !Planned.Exists(p => p.Id == s.Id)));
        }
        return testCases;
    }
}
