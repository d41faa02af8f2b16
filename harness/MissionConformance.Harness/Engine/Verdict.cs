namespace MissionConformance.Harness.Engine;

/// <summary>
/// design.md principle 7. INTERRUPTED (unreachable target, timeout, harness fault) is never a pass;
/// WARNING is a broken SHOULD; SKIPPED always carries its reason.
/// </summary>
public enum Verdict
{
    Passed,
    Failed,
    Warning,
    Skipped,
    Interrupted,
    Review,
}

public static class VerdictOrder
{
    /// <summary>How one requirement's findings combine: the worst wins, SKIPPED only if nothing else was found.</summary>
    public static Verdict Combine(IEnumerable<Verdict> verdicts)
    {
        var all = verdicts.ToList();
        if (all.Count == 0) return Verdict.Interrupted;
        foreach (var worst in new[] { Verdict.Failed, Verdict.Interrupted, Verdict.Warning, Verdict.Review, Verdict.Passed })
        {
            if (all.Contains(worst)) return worst;
        }
        return Verdict.Skipped;
    }
}
