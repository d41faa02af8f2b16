using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Tests;

/// <summary>What a fault's self-test may and may not see besides the failures the fault declares.</summary>
internal static class SelfTestVerdicts
{
    /// <summary>
    /// INTERRUPTED verdicts a fault does not explain. A fault that refuses a valid request breaks the positive control of the
    /// refusals compared with it, and those are INTERRUPTED by design (design.md principle 9); the requirement judging the
    /// valid request then fails, which the declared-ids assertion checks. Any other interruption is a defect of the test run.
    /// </summary>
    public static IReadOnlyList<Finding> UnexplainedInterruptions(IEnumerable<Finding> findings)
        => [.. findings.Where(f => f.Verdict == Verdict.Interrupted && !f.Message.StartsWith(PositiveControl.FailedPrefix, StringComparison.Ordinal))];
}
