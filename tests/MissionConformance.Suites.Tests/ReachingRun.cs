using System.Collections.Concurrent;
using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 23: a fault self-test runs the scenarios that judge the fault's declared ids against the faulty reference; every other
/// scenario's verdicts are the fault-free reference's, from one run of the whole suite per topology shared by all the faults of a
/// test process. The coordinate, MD-009 and the "no more" half of "exactly" are still judged over the whole suite.
/// That this loses nothing is data, not an assumption: with <see cref="SweepVariable"/>=full every fault runs the whole suite, and a
/// fault that failed or interrupted anything outside the scenarios its ids name fails its self-test there (the sweep passed for every
/// fault when this was introduced; docs/contributing/adding-a-fault-or-variant.md says to sweep when adding a fault). A fault that
/// lives in a variant runs the whole suite: the shared fault-free runs are of the default reference.
/// </summary>
public static class ReachingRun
{
    /// <summary>Set to <c>full</c>, every fault self-test runs its whole suite.</summary>
    public const string SweepVariable = "MC_FAULT_SWEEP";

    private static readonly ConcurrentDictionary<string, Lazy<Task<RunOutcome>>> FaultFreeRuns = new(StringComparer.Ordinal);

    /// <param name="suite">Every scenario of the suite the fault is proven by.</param>
    /// <param name="topology">Names the suite and the reference's topology: fault-free runs are shared by this key.</param>
    /// <param name="startFaultFree">Starts the fault-free reference in the same topology as <paramref name="reference"/>.</param>
    public static async Task<RunOutcome> RunAsync(FaultDescriptor fault, EmbeddedReference reference, IReadOnlyList<Scenario> suite, string topology,
        Func<CancellationToken, Task<EmbeddedReference>> startFaultFree, CancellationToken ct)
    {
        if (fault.Under is not null || Environment.GetEnvironmentVariable(SweepVariable) == "full")
        {
            return await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, suite, ct, reference.Peers);
        }
        var reaching = ConformanceRun.Select(suite, string.Join(",", fault.RequirementIds));
        Assert.True(reaching.Count > 0, $"{fault.Name} declares [{string.Join(", ", fault.RequirementIds)}], which no scenario of the {topology} suite judges");
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, reaching, ct, reference.Peers);
        var faultFree = await FaultFreeRuns.GetOrAdd(topology, _ => new Lazy<Task<RunOutcome>>(() => FaultFreeAsync(suite, startFaultFree))).Value;
        var ran = reaching.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        // The fault-free verdicts of the other scenarios, at this run's issuer (each reference listens on a port of its own).
        var rest = faultFree with
        {
            Findings = [.. faultFree.Findings.Where(f => !ran.Contains(f.Scenario)).Select(f => f.Subject == faultFree.Issuer ? f with { Subject = outcome.Issuer } : f)],
            Scenarios = [.. faultFree.Scenarios.Where(s => !ran.Contains(s.Id))],
        };
        return ConformanceRun.Combine([outcome, rest]);
    }

    /// <summary>The whole suite against the fault-free reference. Shared by every fault test, so no one test's cancellation ends it; bounded on its own.</summary>
    private static async Task<RunOutcome> FaultFreeAsync(IReadOnlyList<Scenario> suite, Func<CancellationToken, Task<EmbeddedReference>> start)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var reference = await start(bound.Token);
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, suite, bound.Token, reference.Peers);
        var broken = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Interrupted).Select(f => $"{f.RequirementId} at {f.Subject}: {f.Message}").ToList();
        // Standing in for the faulty reference, the fault-free run must itself be clean, or every fault test would inherit its failures.
        Assert.True(broken.Count == 0, "the fault-free run the fault self-tests share is not clean: " + string.Join("; ", broken));
        return outcome;
    }
}
