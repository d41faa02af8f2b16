using System.Text.Json;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>
/// reports/&lt;run-id&gt;/: report.json (<see cref="JsonReport"/>), report.html (<see cref="HtmlReport"/>), junit.xml
/// (<see cref="JUnitReport"/>), badge.svg (<see cref="BadgeSvg"/>) and wire.har (<see cref="HarExport"/>). Every exchange was
/// redacted at capture, so nothing here can hold a token, code, secret or password.
/// </summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(RunOutcome run, string reportsRoot)
    {
        var folder = Path.Combine(reportsRoot, run.RunId);
        Directory.CreateDirectory(folder);
        var json = JsonReport.Build(run);
        File.WriteAllText(Path.Combine(folder, "report.json"), json.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Render(run));
        File.WriteAllText(Path.Combine(folder, "junit.xml"), JUnitReport.Build(run).ToString());
        File.WriteAllText(Path.Combine(folder, "badge.svg"), BadgeSvg.Render(run));
        File.WriteAllText(Path.Combine(folder, "wire.har"), HarExport.Build(run.Wire).ToJsonString(Indented));
        if (run.Wire.Attachments.Count > 0)
        {
            var attachments = Directory.CreateDirectory(Path.Combine(folder, "attachments"));
            foreach (var a in run.Wire.Attachments) File.WriteAllBytes(Path.Combine(attachments.FullName, a.FileName), a.Content);
        }
        return folder;
    }
}
