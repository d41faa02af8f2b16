using System.Text.Json.Nodes;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;

namespace MissionConformance.Harness.Reports;

/// <summary>report.json, the machine contract (fixtures/schemas/report.schema.json).</summary>
public static class JsonReport
{
    public static JsonObject Build(RunOutcome run) => new()
    {
        ["schema_version"] = "mission-conformance-report/1",
        ["run"] = new JsonObject
        {
            ["id"] = run.RunId, ["started_at"] = run.StartedAt.ToString("O"), ["duration_ms"] = (long)run.Duration.TotalMilliseconds,
            ["edition"] = run.Target.Edition.Name, ["consent_driver"] = run.ConsentDriver, ["setup_error"] = run.SetupError,
        },
        ["target"] = new JsonObject
        {
            ["name"] = run.Target.Name, ["issuer"] = run.Issuer,
            // Where each metadata member came from, by document, when discovery merged more than one (target file discovery).
            ["metadata_sources"] = run.MetadataSources.Values.Distinct().Count() > 1
                ? new JsonObject([.. run.MetadataSources.GroupBy(s => s.Value.AbsoluteUri).Select(g => KeyValuePair.Create(g.Key,
                    (JsonNode?)new JsonArray([.. g.Select(s => s.Key).Order(StringComparer.Ordinal).Select(k => (JsonNode)k)])))])
                : null,
        },
        ["coordinate"] = new JsonObject
        {
            ["label"] = run.Coordinate.Label, ["level"] = run.Coordinate.Level, ["ad_tier"] = run.Coordinate.Ad.Name(),
            ["scope_stated"] = run.Coordinate.ScopeStated, ["reasons"] = new JsonArray(run.Coordinate.Reasons.Select(r => (JsonNode)r).ToArray()),
            ["claimed_not_demonstrated"] = new JsonArray(run.Coordinate.Claimed.Select(c => (JsonNode)new JsonObject
            {
                ["tier"] = c.Tier, ["subject"] = c.Subject, ["needs"] = new JsonArray(c.Needs.Select(n => (JsonNode)n).ToArray()),
            }).ToArray()),
            ["resource_servers"] = new JsonArray(run.Coordinate.ResourceServers.Select(rs => (JsonNode)new JsonObject
            {
                ["id"] = rs.Id, ["resource"] = ReportRows.Tested(run, rs.Id)?.Resource, ["tier"] = rs.Tier.Name(), ["claimed_tier"] = ReportRows.Tested(run, rs.Id)?.ClaimedTier,
                ["consequential"] = rs.Consequential, ["in_scope"] = rs.InScope,
            }).ToArray()),
            ["resource_authorization_servers"] = new JsonArray(run.Coordinate.ResourceAses.Select(ras => (JsonNode)new JsonObject
            {
                ["id"] = ras.Id, ["issuer"] = run.Target.ResourceAses.FirstOrDefault(r => r.Id == ras.Id)?.Issuer.AbsoluteUri, ["validates"] = ras.Validates,
            }).ToArray()),
            ["pdps"] = new JsonArray(run.Coordinate.Pdps.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id, ["url"] = run.Target.Pdps.FirstOrDefault(t => t.Id == p.Id)?.Url.AbsoluteUri, ["decides"] = p.Decides,
            }).ToArray()),
            ["projection_issuers"] = new JsonArray(run.Coordinate.ProjectionIssuers.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id, ["issuer"] = ReportRows.ProjectionIssuer(run, p.Id)?.Issuer.AbsoluteUri, ["projects"] = p.Projects,
            }).ToArray()),
            ["mas_tier"] = run.Coordinate.IsMissionAuthority ? run.Coordinate.Ad.Name() : null,
        },
        ["advertised"] = new JsonObject
        {
            ["levels"] = new JsonArray(run.Advertised.Levels.Select(l => (JsonNode)l).ToArray()),
            ["domain_tiers"] = new JsonArray(run.Advertised.DomainTiers.Select(t => (JsonNode)t).ToArray()),
        },
        ["over_claims"] = new JsonArray(run.OverClaims.Select(o => (JsonNode)o).ToArray()),
        ["counts"] = new JsonObject(Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v.ToString().ToLowerInvariant(), (JsonNode?)ReportRows.CountRequirements(run, v)))
            .Append(KeyValuePair.Create("not_verifiable", (JsonNode?)run.NotVerifiable().Count))),
        ["scenarios"] = new JsonArray([.. run.Scenarios.Select(sc => (JsonNode)new JsonObject
        {
            ["id"] = sc.Id,
            ["duration_ms"] = run.ScenarioDurations.TryGetValue(sc.Id, out var took) ? (long)took.TotalMilliseconds : null,
        })]),
        ["counts_per_subject"] = new JsonObject(Enum.GetValues<Verdict>()
            .Select(v => KeyValuePair.Create(v.ToString().ToLowerInvariant(), (JsonNode?)ReportRows.CountVerdicts(run, v)))),
        ["requirements"] = new JsonArray(ReportRows.Rows(run).Select(row => (JsonNode)new JsonObject
        {
            ["id"] = row.Requirement.Id, ["keyword"] = row.Requirement.Keyword, ["level"] = row.Requirement.Level, ["tier"] = row.Requirement.Tier,
            ["section"] = row.Requirement.Section, ["source"] = row.Requirement.Source, ["summary"] = row.Requirement.Summary, ["verdict"] = row.Verdict.ToString().ToUpperInvariant(),
            ["findings"] = new JsonArray(row.Findings.Select(FindingJson).ToArray()),
        }).ToArray()),
        ["baseline"] = run.Baseline is { } baseline ? BaselineJson(baseline) : null,
        ["wire_log"] = "wire.har",
        ["attachments"] = new JsonArray(run.Wire.Attachments.Select(a => (JsonNode)new JsonObject
        {
            ["id"] = a.Id, ["scenario"] = a.Scenario, ["name"] = a.Name, ["media_type"] = a.MediaType, ["file"] = "attachments/" + a.FileName,
        }).ToArray()),
    };

    private static JsonObject BaselineJson(BaselineResult baseline)
    {
        static JsonObject Verdict(BaselinedVerdict v) => new()
        {
            ["requirement"] = v.Requirement, ["subject"] = v.Subject, ["verdict"] = v.Verdict.ToString().ToUpperInvariant(), ["reason"] = v.Reason, ["message"] = v.Message,
        };
        return new JsonObject
        {
            ["file"] = Path.GetFileName(baseline.File), ["rewritten"] = baseline.Rewritten, ["holds"] = baseline.Comparison.Holds,
            ["accepted"] = new JsonArray([.. baseline.Comparison.Accepted.Select(v => (JsonNode)Verdict(v))]),
            ["unlisted"] = new JsonArray([.. baseline.Comparison.Unlisted.Select(v => (JsonNode)Verdict(v))]),
            ["stale"] = new JsonArray([.. baseline.Comparison.Stale.Select(s => (JsonNode)new JsonObject
            {
                ["requirement"] = s.Entry.Requirement, ["subject"] = s.Entry.Subject, ["verdict"] = s.Entry.Verdict.ToString().ToUpperInvariant(),
                ["reason"] = s.Entry.Reason, ["now"] = s.Now,
            })]),
        };
    }

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
}
