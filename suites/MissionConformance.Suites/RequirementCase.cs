using System.Text;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Suites;

/// <summary>How a test runner reports one case: passed, passed with a warning (a broken SHOULD), skipped with the reason, or failed.</summary>
public enum CaseResult { Pass, Warn, Skip, Fail }

public sealed record CaseOutcome(CaseResult Result, string Message);

/// <summary>
/// One test of the <c>dotnet test</c> entry point: a requirement as one scenario judges it. The
/// traits (Level, Tier, Role, Requirement, Keyword, Scenario) are what <c>--filter</c> selects on.
/// </summary>
public sealed record RequirementCase(Scenario Scenario, Requirement Requirement)
{
    public string DisplayName => $"{Requirement.Id} [{Scenario.Id}] {Requirement.Summary}";

    public IEnumerable<(string Name, string Value)> Traits()
    {
        yield return ("Requirement", Requirement.Id);
        yield return ("Scenario", Scenario.Id);
        yield return ("Keyword", Requirement.Keyword);
        if (Requirement.Role.Length > 0) yield return ("Role", Requirement.Role);
        if (Requirement.Level is { } level) yield return ("Level", level.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Requirement.Tier is { } tier) yield return ("Tier", tier);
    }

    /// <summary>Every requirement each scenario declares, in the suite's order.</summary>
    public static IReadOnlyList<RequirementCase> All(IReadOnlyList<Scenario> scenarios, RequirementCatalogue catalogue)
        => [.. scenarios.SelectMany(s => s.Requirements.Select(id => new RequirementCase(s, catalogue[id])))];

    /// <summary>
    /// The test outcome of this case in a run: FAILED and INTERRUPTED fail the test (an interruption is
    /// never a pass), WARNING passes with a warning, SKIPPED and REVIEW skip with their reason. A case
    /// the run recorded nothing for fails: a scenario that judges nothing is a harness error.
    /// </summary>
    public CaseOutcome Decide(RunOutcome run)
    {
        var findings = run.Findings.Where(f => f.RequirementId == Requirement.Id && f.Scenario == Scenario.Id).ToList();
        if (findings.Count == 0 && run.SetupError is null && Scenario.Subjects(run.Target).Count == 0)
        {
            return new CaseOutcome(CaseResult.Skip, $"{Scenario.Id} has nothing to judge: the target file names no "
                + (Scenario is Infrastructure.ResourceServerScenario ? "Resource Servers (resourceServers)" : "Authorization Server (authorizationServers)"));
        }
        if (findings.Count == 0)
        {
            return new CaseOutcome(CaseResult.Fail, run.SetupError ?? $"harness error: scenario {Scenario.Id} recorded no verdict for {Requirement.Id}");
        }
        var verdict = VerdictOrder.Combine(findings.Select(f => f.Verdict));
        var message = Describe(findings, run);
        return verdict switch
        {
            Verdict.Passed => new CaseOutcome(CaseResult.Pass, message),
            Verdict.Warning => new CaseOutcome(CaseResult.Warn, message),
            Verdict.Skipped or Verdict.Review => new CaseOutcome(CaseResult.Skip, message),
            _ => new CaseOutcome(CaseResult.Fail, message),
        };
    }

    private string Describe(IReadOnlyList<Finding> findings, RunOutcome run)
    {
        var exchanges = run.Wire.Exchanges.ToDictionary(x => x.Id, StringComparer.Ordinal);
        var b = new StringBuilder();
        foreach (var f in findings)
        {
            b.Append(f.Verdict.ToString().ToUpperInvariant()).Append(' ').Append(Requirement.Id).Append(' ').Append(Requirement.Keyword)
             .Append(" (").Append(Requirement.Section).Append(')')
             .Append(f.Subject == run.Target.DomainSubject ? "" : " at " + f.Subject).Append(": ").AppendLine(f.Message);
            foreach (var id in f.Evidence.Where(exchanges.ContainsKey))
            {
                var x = exchanges[id];
                b.Append("  evidence ").Append(id).Append(": ").Append(x.Method).Append(' ').Append(x.Url).Append(" → ").AppendLine(x.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? x.Error);
            }
        }
        return b.ToString().TrimEnd();
    }
}
