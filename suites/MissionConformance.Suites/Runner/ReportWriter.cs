using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Suites.Runner;

/// <summary>
/// reports/&lt;run-id&gt;/: report.json (the machine contract, fixtures/schemas/report.schema.json),
/// report.html (self-contained, offline), junit.xml, badge.svg and wire.har. Every exchange was
/// redacted at capture, so nothing here can hold a token, code, secret or password.
/// </summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(RunOutcome run, string reportsRoot)
    {
        var folder = Path.Combine(reportsRoot, run.RunId);
        Directory.CreateDirectory(folder);
        var json = Json(run);
        File.WriteAllText(Path.Combine(folder, "report.json"), json.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(folder, "report.html"), Html(run));
        File.WriteAllText(Path.Combine(folder, "junit.xml"), JUnit(run).ToString());
        File.WriteAllText(Path.Combine(folder, "badge.svg"), Badge(run));
        File.WriteAllText(Path.Combine(folder, "wire.har"), Har(run.Wire).ToJsonString(Indented));
        if (run.Wire.Attachments.Count > 0)
        {
            var attachments = Directory.CreateDirectory(Path.Combine(folder, "attachments"));
            foreach (var a in run.Wire.Attachments) File.WriteAllBytes(Path.Combine(attachments.FullName, a.FileName), a.Content);
        }
        return folder;
    }

    private static IEnumerable<(Requirement Requirement, Verdict Verdict, IReadOnlyList<Finding> Findings)> Rows(RunOutcome run)
        => RequirementCatalogue.Default.All.Select(r =>
        {
            var findings = run.Findings.Where(f => f.RequirementId == r.Id).ToList();
            return (r, findings.Count == 0 ? Verdict.Skipped : VerdictOrder.Combine(findings.Select(f => f.Verdict)), (IReadOnlyList<Finding>)findings);
        }).Where(row => row.Item3.Count > 0);

    public static JsonObject Json(RunOutcome run) => new()
    {
        ["schema_version"] = "mission-conformance-report/1",
        ["run"] = new JsonObject
        {
            ["id"] = run.RunId, ["started_at"] = run.StartedAt.ToString("O"), ["duration_ms"] = (long)run.Duration.TotalMilliseconds,
            ["edition"] = run.Target.Edition, ["consent_driver"] = run.ConsentDriver, ["setup_error"] = run.SetupError,
        },
        ["target"] = new JsonObject { ["name"] = run.Target.Name, ["issuer"] = run.Issuer },
        ["coordinate"] = new JsonObject
        {
            ["label"] = run.Coordinate.Label, ["level"] = run.Coordinate.Level, ["ad_tier"] = run.Coordinate.Ad.ToString(),
            ["scope_stated"] = run.Coordinate.ScopeStated, ["reasons"] = new JsonArray(run.Coordinate.Reasons.Select(r => (JsonNode)r).ToArray()),
            ["claimed_not_demonstrated"] = new JsonArray(run.Coordinate.Claimed.Select(c => (JsonNode)new JsonObject
            {
                ["tier"] = c.Tier, ["subject"] = c.Subject, ["needs"] = new JsonArray(c.Needs.Select(n => (JsonNode)n).ToArray()),
            }).ToArray()),
            ["resource_servers"] = new JsonArray(run.Coordinate.ResourceServers.Select(rs => (JsonNode)new JsonObject
            {
                ["id"] = rs.Id, ["resource"] = Tested(run, rs.Id)?.Resource, ["tier"] = rs.Tier.Name(), ["claimed_tier"] = Tested(run, rs.Id)?.ClaimedTier,
                ["consequential"] = rs.Consequential, ["in_scope"] = rs.InScope,
            }).ToArray()),
            ["resource_authorization_servers"] = new JsonArray(run.Coordinate.ResourceAses.Select(ras => (JsonNode)new JsonObject
            {
                ["id"] = ras.Id, ["issuer"] = run.Target.ResourceAses.FirstOrDefault(r => r.Id == ras.Id)?.Issuer.AbsoluteUri, ["validates"] = ras.Validates,
            }).ToArray()),
            ["projection_issuers"] = new JsonArray(run.Coordinate.ProjectionIssuers.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id, ["issuer"] = ProjectionIssuer(run, p.Id)?.Issuer.AbsoluteUri, ["projects"] = p.Projects,
            }).ToArray()),
            ["mas_tier"] = run.Coordinate.IsMissionAuthority ? run.Coordinate.Ad.Name() : null,
        },
        ["advertised"] = new JsonObject
        {
            ["levels"] = new JsonArray(run.Advertised.Levels.Select(l => (JsonNode)l).ToArray()),
            ["domain_tiers"] = new JsonArray(run.Advertised.DomainTiers.Select(t => (JsonNode)t).ToArray()),
        },
        ["over_claims"] = new JsonArray(run.OverClaims.Select(o => (JsonNode)o).ToArray()),
        ["counts"] = new JsonObject(Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v.ToString().ToLowerInvariant(), (JsonNode?)Rows(run).Count(r => r.Verdict == v)))
            .Append(KeyValuePair.Create("not_verifiable", (JsonNode?)run.NotVerifiable().Count))),
        ["requirements"] = new JsonArray(Rows(run).Select(row => (JsonNode)new JsonObject
        {
            ["id"] = row.Requirement.Id, ["keyword"] = row.Requirement.Keyword, ["level"] = row.Requirement.Level, ["tier"] = row.Requirement.Tier,
            ["section"] = row.Requirement.Section, ["source"] = row.Requirement.Source, ["summary"] = row.Requirement.Summary, ["verdict"] = row.Verdict.ToString().ToUpperInvariant(),
            ["findings"] = new JsonArray(row.Findings.Select(FindingJson).ToArray()),
        }).ToArray()),
        ["wire_log"] = "wire.har",
        ["attachments"] = new JsonArray(run.Wire.Attachments.Select(a => (JsonNode)new JsonObject
        {
            ["id"] = a.Id, ["scenario"] = a.Scenario, ["name"] = a.Name, ["media_type"] = a.MediaType, ["file"] = "attachments/" + a.FileName,
        }).ToArray()),
    };

    private static JsonNode FindingJson(Finding f)
    {
        var json = new JsonObject
        {
            ["verdict"] = f.Verdict.ToString().ToUpperInvariant(), ["message"] = f.Message, ["subject"] = f.Subject, ["scenario"] = f.Scenario,
            ["evidence"] = new JsonArray(f.Evidence.Select(e => (JsonNode)e).ToArray()),
        };
        if (f.NotVerifiable) json["not_verifiable"] = true;
        return json;
    }

    private static ResourceServerTarget? Tested(RunOutcome run, string id) => run.Target.ResourceServers.FirstOrDefault(r => r.Id == id);

    private static ProjectionIssuerTarget? ProjectionIssuer(RunOutcome run, string id)
        => run.Target.AuthorizationServers.SelectMany(s => s.ProjectionIssuers).FirstOrDefault(p => p.Id == id);

    private static string Html(RunOutcome run)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var rows = Rows(run).ToList();
        var exchanges = run.Wire.Exchanges.ToDictionary(x => x.Id);
        var attachments = run.Wire.Attachments.ToDictionary(a => a.Id);
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mission conformance · ").Append(E(run.Target.Name)).Append("</title><style>")
         .Append("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}")
         .Append(".FAILED{color:#b00020;font-weight:bold}.WARNING{color:#a05a00}.PASSED{color:#1b7f3b}.INTERRUPTED{color:#6a1b9a;font-weight:bold}.SKIPPED{color:#666}pre{white-space:pre-wrap;background:#f6f6f6;padding:.4rem;font-size:.8rem}figure.screenshot img{max-width:100%;border:1px solid #ccc}")
         .Append("</style></head><body>");
        b.Append("<h1 id=\"coordinate\">").Append(E(run.Coordinate.Label)).Append("</h1><p>").Append(E(run.Target.Name)).Append(" · ").Append(E(run.Issuer))
         .Append(" · edition ").Append(E(run.Target.Edition)).Append(" · consent driver ").Append(E(run.ConsentDriver)).Append(" · run ").Append(E(run.RunId)).Append("</p><ul>");
        foreach (var reason in run.Coordinate.Reasons) b.Append("<li>").Append(E(reason)).Append("</li>");
        foreach (var claim in run.OverClaims) b.Append("<li class=\"WARNING\">over-claim: ").Append(E(claim)).Append("</li>");
        foreach (var claimed in run.Coordinate.Claimed) b.Append("<li class=\"WARNING\">").Append(E(claimed.ToString())).Append("</li>");
        b.Append("</ul>");
        if (run.Coordinate.ResourceServers.Count > 0)
        {
            b.Append("<table id=\"resource-servers\"><thead><tr><th>Resource Server</th><th>Resource</th><th>Claimed</th><th>Demonstrated</th></tr></thead><tbody>");
            foreach (var rs in run.Coordinate.ResourceServers)
            {
                var tested = Tested(run, rs.Id);
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
        if (run.Coordinate.IsMissionAuthority)
        {
            b.Append("<table id=\"projection-issuers\"><caption>MAS topology: ").Append(E(run.Issuer)).Append(" is the Mission Authority Server, at <b>")
             .Append(E(run.Coordinate.Ad.Name())).Append("</b> (the MAS tier)</caption><thead><tr><th>Projection issuer</th><th>Issuer</th>")
             .Append("<th>References the MAS's Mission and stops on its revocation</th></tr></thead><tbody>");
            foreach (var issuer in run.Coordinate.ProjectionIssuers)
            {
                b.Append("<tr><td>").Append(E(issuer.Id)).Append("</td><td><code>").Append(E(ProjectionIssuer(run, issuer.Id)?.Issuer.AbsoluteUri))
                 .Append("</code></td><td><b>").Append(issuer.Projects ? "demonstrated" : "not demonstrated").Append("</b></td></tr>");
            }
            b.Append("</tbody></table>");
        }
        b.Append("<p>").Append(string.Join(" · ", Enum.GetValues<Verdict>().Select(v => $"{rows.Count(r => r.Verdict == v)} {v.ToString().ToLowerInvariant()}")));
        if (run.NotVerifiable() is { Count: > 0 } unverifiable)
        {
            b.Append(" (").Append(unverifiable.Count).Append(" of the skipped not verifiable black-box: ").Append(E(string.Join(", ", unverifiable))).Append(')');
        }
        b.Append("</p>");

        var problems = rows.Where(r => r.Verdict is Verdict.Failed or Verdict.Interrupted or Verdict.Warning).ToList();
        b.Append("<h2 id=\"failures\">Failures, interruptions and warnings</h2><ul>");
        foreach (var p in problems) b.Append("<li><a class=\"").Append(p.Verdict.ToString().ToUpperInvariant()).Append("\" href=\"#").Append(p.Requirement.Id).Append("\">")
            .Append(E(p.Requirement.Id)).Append("</a> ").Append(E(p.Findings.First(f => f.Verdict == p.Verdict).Message)).Append("</li>");
        if (problems.Count == 0) b.Append("<li>none</li>");
        b.Append("</ul><h2>Requirements</h2><table><thead><tr><th>Requirement</th><th>Verdict</th><th>Findings and evidence</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var verdict = row.Verdict.ToString().ToUpperInvariant();
            b.Append("<tr id=\"").Append(row.Requirement.Id).Append("\"><td><b>").Append(E(row.Requirement.Id)).Append("</b> ").Append(E(row.Requirement.Keyword))
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
        return b.Append("</tbody></table></body></html>").ToString();
    }

    private static XElement JUnit(RunOutcome run)
    {
        var rows = Rows(run).ToList();
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

    private static string Badge(RunOutcome run)
    {
        var text = "Mission " + run.Coordinate.Label;
        var colour = run.Coordinate.Level == 0 ? "#b00020" : "#1b7f3b";
        var width = 12 + text.Length * 7;
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"20\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(text)}\">"
             + $"<rect width=\"{width}\" height=\"20\" rx=\"3\" fill=\"{colour}\"/><text x=\"6\" y=\"14\" fill=\"#fff\" font-family=\"Verdana,sans-serif\" font-size=\"11\">{WebUtility.HtmlEncode(text)}</text></svg>";
    }

    /// <summary>HAR 1.2 of the captured (already redacted) exchanges.</summary>
    private static JsonObject Har(WireLog wire) => new()
    {
        ["log"] = new JsonObject
        {
            ["version"] = "1.2",
            ["creator"] = new JsonObject { ["name"] = "MissionConformance", ["version"] = "0.1" },
            ["entries"] = new JsonArray(wire.Exchanges.Select(x => (JsonNode)new JsonObject
            {
                ["startedDateTime"] = x.StartedAt.ToString("O"), ["time"] = x.Duration.TotalMilliseconds, ["comment"] = $"{x.Id} [{x.Scenario}]{(x.Error is null ? "" : " " + x.Error)}",
                ["request"] = new JsonObject
                {
                    ["method"] = x.Method, ["url"] = x.Url, ["httpVersion"] = "HTTP/1.1", ["headers"] = Headers(x.RequestHeaders), ["queryString"] = new JsonArray(),
                    ["cookies"] = new JsonArray(), ["headersSize"] = -1, ["bodySize"] = x.RequestBody?.Length ?? 0,
                    ["postData"] = x.RequestBody is null ? null : new JsonObject { ["mimeType"] = x.RequestContentType ?? "", ["text"] = x.RequestBody },
                },
                ["response"] = new JsonObject
                {
                    ["status"] = x.Status ?? 0, ["statusText"] = "", ["httpVersion"] = "HTTP/1.1", ["headers"] = Headers(x.ResponseHeaders), ["cookies"] = new JsonArray(),
                    ["content"] = new JsonObject { ["size"] = x.ResponseBody?.Length ?? 0, ["mimeType"] = x.ResponseContentType ?? "", ["text"] = x.ResponseBody },
                    ["redirectURL"] = "", ["headersSize"] = -1, ["bodySize"] = x.ResponseBody?.Length ?? 0,
                },
                ["cache"] = new JsonObject(), ["timings"] = new JsonObject { ["send"] = 0, ["wait"] = x.Duration.TotalMilliseconds, ["receive"] = 0 },
            }).ToArray()),
        },
    };

    private static JsonArray Headers(IReadOnlyList<KeyValuePair<string, string>> headers)
        => new(headers.Select(h => (JsonNode)new JsonObject { ["name"] = h.Key, ["value"] = h.Value }).ToArray());
}
