using System.Net;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>badge.svg: the computed coordinate as a badge.</summary>
public static class BadgeSvg
{
    public static string Render(RunOutcome run)
    {
        var text = "Mission " + run.Coordinate.Label;
        var colour = run.Coordinate.Level == 0 ? "#b00020" : "#1b7f3b";
        var width = 12 + text.Length * 7;
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"20\" role=\"img\" aria-label=\"{SafeText.Html(text)}\">"
             + $"<rect width=\"{width}\" height=\"20\" rx=\"3\" fill=\"{colour}\"/><text x=\"6\" y=\"14\" fill=\"#fff\" font-family=\"Verdana,sans-serif\" font-size=\"11\">{SafeText.Html(text)}</text></svg>";
    }
}
