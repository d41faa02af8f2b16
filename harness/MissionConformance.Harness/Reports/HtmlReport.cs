using System.Net;
using System.Text;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Reports;

/// <summary>report.html: self-contained and offline, the coordinate first, then every requirement with its evidence.</summary>
public static class HtmlReport
{
    /// <summary>The known failures the run was given: which it accepted (with their reasons), which it did not list, which went stale.</summary>
    private static void AppendBaseline(StringBuilder b, BaselineResult baseline)
    {
        static string E(string? s) => SafeText.Html(s);
        var c = baseline.Comparison;
        b.Append("<h2 id=\"baseline\">Baseline ").Append(E(Path.GetFileName(baseline.File))).Append("</h2><p>")
         .Append(c.Accepted.Count).Append(" known failure(s) accepted, ").Append(c.Unlisted.Count).Append(" not listed, ").Append(c.Stale.Count).Append(" stale")
         .Append(baseline.Rewritten ? " · the file was rewritten (--update-baseline)" : "").Append("</p><ul>");
        foreach (var v in c.Accepted)
        {
            b.Append("<li><a href=\"#").Append(E(v.Requirement)).Append("\">").Append(E(v.Requirement)).Append("</a> at ").Append(E(v.Subject)).Append(' ')
             .Append(v.Verdict.ToString().ToUpperInvariant()).Append(", accepted: ").Append(E(v.Reason)).Append("</li>");
        }
        foreach (var v in c.Unlisted)
        {
            b.Append("<li class=\"FAILED\">not in the baseline: <a href=\"#").Append(E(v.Requirement)).Append("\">").Append(E(v.Requirement)).Append("</a> at ")
             .Append(E(v.Subject)).Append(' ').Append(v.Verdict.ToString().ToUpperInvariant()).Append("</li>");
        }
        foreach (var s in c.Stale) b.Append("<li class=\"FAILED\">stale: ").Append(E(s.Entry.Describe())).Append(" is now ").Append(E(s.Now)).Append("</li>");
        b.Append("</ul>");
    }

    public static string Render(RunOutcome run)
    {
        static string E(string? s) => SafeText.Html(s);
        var rows = ReportRows.Rows(run).ToList();
        var exchanges = run.Wire.Exchanges.ToDictionary(x => x.Id);
        var attachments = run.Wire.Attachments.ToDictionary(a => a.Id);
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mission conformance · ").Append(E(run.Target.Name)).Append("</title><style>")
         .Append("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}")
         .Append(".FAILED{color:#b00020;font-weight:bold}.WARNING{color:#a05a00}.PASSED{color:#1b7f3b}.INTERRUPTED{color:#6a1b9a;font-weight:bold}.SKIPPED{color:#666}pre{white-space:pre-wrap;background:#f6f6f6;padding:.4rem;font-size:.8rem}td,th,li,p,pre,summary,code{overflow-wrap:anywhere}figure.screenshot img{max-width:100%;border:1px solid #ccc}#requirements td:nth-child(2){overflow-wrap:normal;white-space:nowrap}#filters{margin:.5rem 0}#filters label{margin-right:1rem}")
         .Append("</style></head><body>");
        b.Append("<h1 id=\"coordinate\">").Append(E(run.Coordinate.Label)).Append("</h1><p>").Append(E(run.Target.Name)).Append(" · ").Append(E(run.Issuer))
         .Append(" · edition ").Append(E(run.Target.Edition.Name)).Append(" · consent driver ").Append(E(run.ConsentDriver)).Append(" · run ").Append(E(run.RunId)).Append("</p>");
        b.Append(LadderPicture.Svg(run)).Append("<ul>");
        if (run.MetadataSources.Values.Distinct().Count() > 1)
        {
            // The target file's discovery named several documents: which members each gave.
            foreach (var document in run.MetadataSources.GroupBy(s => s.Value.AbsoluteUri))
            {
                b.Append("<li>metadata from <code>").Append(E(document.Key)).Append("</code>: ").Append(E(string.Join(", ", document.Select(s => s.Key).Order(StringComparer.Ordinal)))).Append("</li>");
            }
        }
        foreach (var reason in run.Coordinate.Reasons) b.Append("<li>").Append(E(reason)).Append("</li>");
        foreach (var claim in run.OverClaims) b.Append("<li class=\"WARNING\">over-claim: ").Append(E(claim)).Append("</li>");
        foreach (var claimed in run.Coordinate.Claimed) b.Append("<li class=\"WARNING\">").Append(E(claimed.ToString())).Append("</li>");
        b.Append("</ul>");
        if (run.Coordinate.ResourceServers.Count > 0)
        {
            b.Append("<table id=\"resource-servers\"><thead><tr><th>Resource Server</th><th>Resource</th><th>Claimed</th><th>Demonstrated</th></tr></thead><tbody>");
            foreach (var rs in run.Coordinate.ResourceServers)
            {
                var tested = ReportRows.Tested(run, rs.Id);
                b.Append("<tr><td>").Append(E(rs.Id)).Append(rs.InScope ? "" : " (out of scope)").Append("</td><td><code>").Append(E(tested?.Resource)).Append("</code></td><td>")
                 .Append(E(tested?.ClaimedTier ?? "—")).Append("</td><td><b>").Append(E(rs.Tier.Name())).Append("</b></td></tr>");
            }
            b.Append("</tbody></table>");
        }
        if (run.Coordinate.ResourceAses.Count > 0)
        {
            b.Append("<table id=\"resource-authorization-servers\"><thead><tr><th>Resource AS</th><th>Issuer</th><th>AD-2 validation of received ID-JAGs</th></tr></thead><tbody>");
            foreach (var ras in run.Coordinate.ResourceAses)
            {
                b.Append("<tr><td>").Append(E(ras.Id)).Append("</td><td><code>").Append(E(run.Target.ResourceAses.FirstOrDefault(r => r.Id == ras.Id)?.Issuer.AbsoluteUri))
                 .Append("</code></td><td><b>").Append(ras.Validates ? "demonstrated" : "not demonstrated").Append("</b></td></tr>");
            }
            b.Append("</tbody></table>");
        }
        if (run.Coordinate.Pdps.Count > 0)
        {
            b.Append("<table id=\"pdps\"><thead><tr><th>PDP</th><th>URL</th><th>Runtime decisions (MBO-RT-PDP MUSTs)</th></tr></thead><tbody>");
            foreach (var pdp in run.Coordinate.Pdps)
            {
                b.Append("<tr><td>").Append(E(pdp.Id)).Append("</td><td><code>").Append(E(run.Target.Pdps.FirstOrDefault(t => t.Id == pdp.Id)?.Url.AbsoluteUri))
                 .Append("</code></td><td><b>").Append(pdp.Decides ? "demonstrated" : "not demonstrated").Append("</b></td></tr>");
            }
            b.Append("</tbody></table>");
        }
        if (run.Coordinate.IsMissionAuthority)
        {
            b.Append("<table id=\"projection-issuers\"><caption>MAS topology: ").Append(E(run.Issuer)).Append(" is the Mission Authority Server, at <b>")
             .Append(E(run.Coordinate.Ad.Name())).Append("</b> (the MAS tier)</caption><thead><tr><th>Projection issuer</th><th>Issuer</th>")
             .Append("<th>References the MAS's Mission and stops on its revocation</th></tr></thead><tbody>");
            foreach (var issuer in run.Coordinate.ProjectionIssuers)
            {
                b.Append("<tr><td>").Append(E(issuer.Id)).Append("</td><td><code>").Append(E(ReportRows.ProjectionIssuer(run, issuer.Id)?.Issuer.AbsoluteUri))
                 .Append("</code></td><td><b>").Append(issuer.Projects ? "demonstrated" : "not demonstrated").Append("</b></td></tr>");
            }
            b.Append("</tbody></table>");
        }
        // Issue 23: each count named by what it counts, as the console and report.json name them.
        b.Append("<p>Requirements, each once by its worst verdict: ").Append(string.Join(" · ", Enum.GetValues<Verdict>().Select(v => $"{ReportRows.CountRequirements(run, v)} {v.ToString().ToLowerInvariant()}")));
        if (run.NotVerifiable() is { Count: > 0 } unverifiable)
        {
            b.Append(" (").Append(unverifiable.Count).Append(" of the skipped not verifiable black-box: ").Append(E(string.Join(", ", unverifiable))).Append(')');
        }
        b.Append("<br>Verdicts, one per requirement and subject: ")
         .Append(string.Join(" · ", Enum.GetValues<Verdict>().Select(v => $"{ReportRows.CountVerdicts(run, v)} {v.ToString().ToLowerInvariant()}")))
         .Append("</p>");

        if (run.Baseline is { } baseline) AppendBaseline(b, baseline);

        var problems = rows.Where(r => r.Verdict is Verdict.Failed or Verdict.Interrupted or Verdict.Warning).ToList();
        b.Append("<h2 id=\"failures\">Failures, interruptions and warnings</h2><ul>");
        foreach (var p in problems) b.Append("<li><a class=\"").Append(p.Verdict.ToString().ToUpperInvariant()).Append("\" href=\"#").Append(p.Requirement.Id).Append("\">")
            .Append(E(p.Requirement.Id)).Append("</a> ").Append(E(p.Findings.First(f => f.Verdict == p.Verdict).Message)).Append("</li>");
        if (problems.Count == 0) b.Append("<li>none</li>");
        b.Append("</ul><h2>Requirements</h2>");
        AppendFilters(b, rows);
        b.Append("<table id=\"requirements\"><thead><tr><th>Requirement</th><th>Verdict</th><th>Findings and evidence</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var verdict = row.Verdict.ToString().ToUpperInvariant();
            b.Append("<tr id=\"").Append(row.Requirement.Id).Append("\" data-verdict=\"").Append(verdict).Append("\" data-role=\"").Append(E(row.Requirement.Role))
             .Append("\" data-level=\"").Append(LevelOf(row.Requirement)).Append("\"><td><b>").Append(E(row.Requirement.Id)).Append("</b> ").Append(E(row.Requirement.Keyword))
             .Append("<br>").Append(E(row.Requirement.Summary)).Append("<br><small>").Append(E($"{row.Requirement.Doc} {row.Requirement.Section}".Trim())).Append("</small>")
             .Append(row.Requirement.Source is { } source ? "<br><small class=\"source\">" + E(source) + "</small>" : "").Append("</td><td class=\"").Append(verdict).Append("\">")
             .Append(verdict).Append("</td><td>");
            foreach (var f in row.Findings)
            {
                b.Append("<p><span class=\"").Append(f.Verdict.ToString().ToUpperInvariant()).Append("\">").Append(f.Verdict).Append("</span> [").Append(E(f.Scenario)).Append("] ")
                 .Append(f.Subject == run.Target.DomainSubject ? "" : "<b>at " + E(f.Subject) + ":</b> ").Append(E(f.Message)).Append("</p>");
                if (f.Verdict is Verdict.Failed or Verdict.Interrupted or Verdict.Warning)
                {
                    // Screenshots of problems are embedded, so the report stays one offline file; every screenshot is also in attachments/.
                    foreach (var a in f.Evidence.Where(attachments.ContainsKey).Select(id => attachments[id]).Where(a => a.MediaType == "image/png"))
                    {
                        b.Append("<figure class=\"screenshot\"><img alt=\"").Append(E($"screenshot {a.Id}: {a.Name} page")).Append("\" src=\"data:image/png;base64,")
                         .Append(Convert.ToBase64String(a.Content)).Append("\"><figcaption>").Append(E($"{a.Id} · {a.Name} page · attachments/{a.FileName}")).Append("</figcaption></figure>");
                    }
                    foreach (var id in f.Evidence.Where(exchanges.ContainsKey))
                    {
                        var x = exchanges[id];
                        b.Append("<details><summary>").Append(E($"{id} {x.Method} {x.Url} → {(x.Status?.ToString() ?? x.Error)}")).Append("</summary><pre>")
                         .Append(E(x.RequestBody)).Append("</pre><pre>").Append(E(x.ResponseBody)).Append("</pre></details>");
                    }
                }
            }
            b.Append("</td></tr>");
        }
        return b.Append("</tbody></table>").Append(FilterScript).Append("</body></html>").ToString();
    }

    private static string LevelOf(Requirement requirement) => requirement.Level is { } level ? "L" + level.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    /// <summary>
    /// Issue 23: the requirement table filtered by verdict, role and Ladder level, each a select of the values the table holds.
    /// Without script every row stays shown; the count says how many a filter leaves.
    /// </summary>
    private static void AppendFilters(StringBuilder b, IReadOnlyList<(Requirement Requirement, Verdict Verdict, IReadOnlyList<Finding> Findings)> rows)
    {
        void Select(string id, string label, IEnumerable<string> values)
        {
            b.Append("<label>").Append(label).Append(" <select id=\"").Append(id).Append("\"><option value=\"\">all</option>");
            foreach (var value in values) b.Append("<option>").Append(SafeText.Html(value)).Append("</option>");
            b.Append("</select></label> ");
        }
        b.Append("<form id=\"filters\" onsubmit=\"return false\">");
        Select("filter-verdict", "Verdict", rows.Select(r => r.Verdict).Distinct().Order().Select(v => v.ToString().ToUpperInvariant()));
        Select("filter-role", "Role", rows.Select(r => r.Requirement.Role).Distinct().Order(StringComparer.Ordinal));
        Select("filter-level", "Level", rows.Select(r => LevelOf(r.Requirement)).Distinct().Order(StringComparer.Ordinal));
        b.Append("<output id=\"filter-count\">").Append(rows.Count).Append(" of ").Append(rows.Count).Append(" requirements shown</output></form>");
    }

    private const string FilterScript = """
        <script>
        (() => {
          const selects = ['verdict', 'role', 'level'].map(name => [name, document.getElementById('filter-' + name)]);
          const rows = [...document.querySelectorAll('#requirements tbody tr')];
          const apply = () => {
            let shown = 0;
            for (const row of rows) {
              const keep = selects.every(([name, select]) => !select.value || row.dataset[name] === select.value);
              row.hidden = !keep;
              if (keep) shown++;
            }
            document.getElementById('filter-count').textContent = `${shown} of ${rows.length} requirements shown`;
          };
          for (const [, select] of selects) select.addEventListener('change', apply);
        })();
        </script>
        """;
}
