using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.Reports;

/// <summary>What every report format lists: a row per judged requirement, and the target entries its findings name.</summary>
public static class ReportRows
{
    internal static IEnumerable<(Requirement Requirement, Verdict Verdict, IReadOnlyList<Finding> Findings)> Rows(RunOutcome run)
        => RequirementCatalogue.Default.All.Select(r =>
        {
            var findings = run.Findings.Where(f => f.RequirementId == r.Id).ToList();
            return (r, findings.Count == 0 ? Verdict.Skipped : VerdictOrder.Combine(findings.Select(f => f.Verdict)), (IReadOnlyList<Finding>)findings);
        }).Where(row => row.Item3.Count > 0);

    /// <summary>Requirements with <paramref name="verdict"/>, each counted once by its worst verdict over its subjects (report.json counts).</summary>
    public static int CountRequirements(RunOutcome run, Verdict verdict) => Rows(run).Count(r => r.Verdict == verdict);

    /// <summary>Verdicts <paramref name="verdict"/>, one per requirement and subject (report.json counts_per_subject).</summary>
    public static int CountVerdicts(RunOutcome run, Verdict verdict) => run.Verdicts.Values.Count(v => v == verdict);

    internal static ResourceServerTarget? Tested(RunOutcome run, string id) => run.Target.ResourceServers.FirstOrDefault(r => r.Id == id);

    internal static ProjectionIssuerTarget? ProjectionIssuer(RunOutcome run, string id)
        => run.Target.AuthorizationServers.SelectMany(s => s.ProjectionIssuers).FirstOrDefault(p => p.Id == id);
}
