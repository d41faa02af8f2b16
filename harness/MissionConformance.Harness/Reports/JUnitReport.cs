using System.Xml.Linq;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>
/// junit.xml: a test case per judged requirement, for the CI that runs the suite. A requirement whose every unresolved verdict
/// the run's baseline accepts is a skipped test case naming the reason, so the CI is as green as the run's exit code says.
/// </summary>
public static class JUnitReport
{
    public static XElement Build(RunOutcome run)
    {
        var cases = ReportRows.Rows(run).Select(row => TestCase(row.Requirement, row.Verdict, string.Join(" | ", row.Findings.Select(f => f.Message)), Baselined(run, row.Requirement.Id)))
            .ToList();
        int Count(string outcome) => cases.Count(c => c.Element(outcome) is not null);
        // Messages quote what targets sent, which may be any bytes (SafeText).
        return SafeText.Clean(new XElement("testsuites", new XElement("testsuite",
            new XAttribute("name", "Mission conformance: " + run.Target.Name), new XAttribute("tests", cases.Count),
            new XAttribute("failures", Count("failure")), new XAttribute("errors", Count("error")), new XAttribute("skipped", Count("skipped")),
            new XAttribute("time", run.Duration.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),
            cases)));
    }

    private static XElement TestCase(Requirement requirement, Verdict verdict, string message, string? baselined)
    {
        var testcase = new XElement("testcase", new XAttribute("classname", requirement.Section), new XAttribute("name", $"{requirement.Id} {requirement.Summary}"));
        if (verdict is Verdict.Failed or Verdict.Interrupted or Verdict.Review && baselined is not null)
        {
            testcase.Add(new XElement("skipped", new XAttribute("message", $"baselined {verdict.ToString().ToUpperInvariant()} ({baselined}): {message}")));
            return testcase;
        }
        switch (verdict)
        {
            case Verdict.Failed: testcase.Add(new XElement("failure", new XAttribute("message", message))); break;
            case Verdict.Interrupted: testcase.Add(new XElement("error", new XAttribute("message", message))); break;
            case Verdict.Skipped: testcase.Add(new XElement("skipped", new XAttribute("message", message))); break;
            case Verdict.Warning or Verdict.Review: testcase.Add(new XElement("system-out", verdict + ": " + message)); break;
        }
        return testcase;
    }

    /// <summary>The baseline's reasons when it accepts every unresolved verdict of the requirement; null otherwise.</summary>
    private static string? Baselined(RunOutcome run, string requirement)
        => run.Baseline is { } baseline && baseline.Comparison.Accepted.Where(a => a.Requirement == requirement).ToList() is { Count: > 0 } accepted
            && !baseline.Comparison.Unlisted.Any(u => u.Requirement == requirement)
            ? string.Join("; ", accepted.Select(a => a.Reason).Distinct())
            : null;
}
