using System.Xml.Linq;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>junit.xml: a test case per judged requirement, for the CI that runs the suite.</summary>
public static class JUnitReport
{
    public static XElement Build(RunOutcome run)
    {
        var rows = ReportRows.Rows(run).ToList();
        return new XElement("testsuites", new XElement("testsuite",
            new XAttribute("name", "Mission conformance: " + run.Target.Name), new XAttribute("tests", rows.Count),
            new XAttribute("failures", rows.Count(r => r.Verdict == Verdict.Failed)), new XAttribute("errors", rows.Count(r => r.Verdict == Verdict.Interrupted)),
            new XAttribute("skipped", rows.Count(r => r.Verdict == Verdict.Skipped)), new XAttribute("time", run.Duration.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),
            rows.Select(row =>
            {
                var message = string.Join(" | ", row.Findings.Select(f => f.Message));
                var testcase = new XElement("testcase", new XAttribute("classname", row.Requirement.Section), new XAttribute("name", $"{row.Requirement.Id} {row.Requirement.Summary}"));
                switch (row.Verdict)
                {
                    case Verdict.Failed: testcase.Add(new XElement("failure", new XAttribute("message", message))); break;
                    case Verdict.Interrupted: testcase.Add(new XElement("error", new XAttribute("message", message))); break;
                    case Verdict.Skipped: testcase.Add(new XElement("skipped", new XAttribute("message", message))); break;
                    case Verdict.Warning or Verdict.Review: testcase.Add(new XElement("system-out", row.Verdict + ": " + message)); break;
                }
                return testcase;
            })));
    }
}
