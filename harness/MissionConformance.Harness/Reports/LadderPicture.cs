using System.Globalization;
using System.Text;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>
/// The coordinate as a picture at the top of report.html (issue 23): one row for the Ladder level, one for the Authorization Domain
/// tier, one per Resource Server; a step is demonstrated (filled), claimed and not demonstrated (dashed: advertised in metadata,
/// claimed in the target file, or a tier the target file gave no means to judge), or neither. An inline SVG, so the report stays
/// one offline file; every step also carries its state in words (its title, and data-state for tests).
/// </summary>
public static class LadderPicture
{
    public enum StepState { Demonstrated, Claimed, Neither }

    public sealed record Row(string Label, IReadOnlyList<(string Name, StepState State)> Steps);

    private const int LabelWidth = 150, CellWidth = 78, CellHeight = 28, Gap = 6, MaxLabel = 20;

    /// <summary>The rows of <paramref name="run"/>'s picture: Ladder, domain, then each Resource Server.</summary>
    public static IReadOnlyList<Row> Rows(RunOutcome run)
    {
        var coordinate = run.Coordinate;
        var claimedTiers = coordinate.Claimed.Select(c => (c.Tier, c.Subject)).ToHashSet();
        StepState Of(bool demonstrated, bool claimed) => demonstrated ? StepState.Demonstrated : claimed ? StepState.Claimed : StepState.Neither;
        var rows = new List<Row>
        {
            new("Ladder level", [.. Enumerable.Range(0, 6).Select(l => ($"L{l}", Of(l <= coordinate.Level, run.Advertised.Levels.Any(a => a >= l))))]),
            new("Authorization Domain", [.. Enum.GetValues<AdTier>().Where(t => t != AdTier.None).Select(t => (t.Name(), Of(t <= coordinate.Ad,
                run.Advertised.DomainTiers.Any(a => TierNames.ParseAd(a) >= t) || coordinate.Claimed.Any(c => TierNames.ParseAd(c.Tier) >= t))))]),
        };
        foreach (var rs in coordinate.ResourceServers)
        {
            var claimed = ReportRows.Tested(run, rs.Id)?.ClaimedTier;
            rows.Add(new Row("RS " + rs.Id + (rs.InScope ? "" : " (out of scope)"), [.. Enum.GetValues<RsTier>().Where(t => t != RsTier.None).Select(t => (t.Name(), Of(t <= rs.Tier,
                string.CompareOrdinal(claimed ?? "", t.Name()) >= 0 || claimedTiers.Any(c => c.Subject == rs.Id && string.CompareOrdinal(c.Tier, t.Name()) >= 0))))]));
        }
        return rows;
    }

    public static string Svg(RunOutcome run)
    {
        static string E(string? s) => SafeText.Html(s);
        static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        var rows = Rows(run);
        var width = LabelWidth + 6 * (CellWidth + Gap);
        var height = (rows.Count + 1) * (CellHeight + Gap);
        var b = new StringBuilder();
        b.Append("<figure id=\"ladder\"><svg role=\"img\" aria-labelledby=\"ladder-title\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
         .Append("\" style=\"width:100%;max-width:").Append(N(width)).Append("px\" font-family=\"system-ui,sans-serif\" font-size=\"13\"><title id=\"ladder-title\">")
         .Append(E($"{run.Coordinate.Label}: filled steps are demonstrated, dashed steps claimed and not demonstrated")).Append("</title>");
        for (var r = 0; r < rows.Count; r++)
        {
            var y = r * (CellHeight + Gap);
            // SVG text does not wrap: a label longer than its column is cut, and each step's title keeps it whole.
            var label = rows[r].Label.Length > MaxLabel ? rows[r].Label[..(MaxLabel - 1)] + "…" : rows[r].Label;
            b.Append("<text x=\"0\" y=\"").Append(N(y + 19)).Append("\">").Append(E(label)).Append("</text>");
            for (var c = 0; c < rows[r].Steps.Count; c++)
            {
                var (name, state) = rows[r].Steps[c];
                var x = LabelWidth + c * (CellWidth + Gap);
                var (fill, stroke, text, dash) = state switch
                {
                    StepState.Demonstrated => ("#1b7f3b", "#1b7f3b", "#fff", ""),
                    StepState.Claimed => ("#fff", "#a05a00", "#a05a00", " stroke-dasharray=\"5 3\""),
                    _ => ("#eee", "#ccc", "#666", ""),
                };
                var words = state switch { StepState.Demonstrated => "demonstrated", StepState.Claimed => "claimed, not demonstrated", _ => "not demonstrated" };
                b.Append("<g class=\"step\" data-row=\"").Append(E(rows[r].Label)).Append("\" data-step=\"").Append(E(name)).Append("\" data-state=\"").Append(words).Append("\"><title>")
                 .Append(E($"{rows[r].Label} {name}: {words}")).Append("</title><rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(CellWidth))
                 .Append("\" height=\"").Append(N(CellHeight)).Append("\" rx=\"4\" fill=\"").Append(fill).Append("\" stroke=\"").Append(stroke).Append("\" stroke-width=\"2\"").Append(dash)
                 .Append("/><text x=\"").Append(N(x + CellWidth / 2)).Append("\" y=\"").Append(N(y + 19)).Append("\" text-anchor=\"middle\" fill=\"").Append(text).Append("\">")
                 .Append(E(name)).Append("</text></g>");
            }
        }
        var legend = rows.Count * (CellHeight + Gap) + 19;
        b.Append("<text x=\"0\" y=\"").Append(N(legend)).Append("\" fill=\"#444\" font-size=\"12\">filled: demonstrated by this run · dashed: claimed (advertised or declared), not demonstrated · grey: neither</text>");
        return b.Append("</svg></figure>").ToString();
    }
}
