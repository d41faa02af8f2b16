using MissionConformance.Harness.Consent;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Engine;

/// <summary>Everything one run needs besides the scenarios.</summary>
public sealed record SuiteRun(
    Target Target,
    MissionClient? Client,
    IConsentDriver Consent,
    WireLog Wire,
    TimeProvider Clock,
    Func<TimeSpan, CancellationToken, Task> Wait,
    RequirementCatalogue Catalogue,
    int Parallelism = 4)
{
    /// <summary>The simulated peers, when the target has Resource Servers.</summary>
    public Peers.PeerSet? Peers { get; init; }

    /// <summary>How long each scenario ran, by id (report.json scenarios[].duration_ms).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> Durations { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Runs scenarios and turns whatever went wrong into explained verdicts: an unreachable or hanging
/// target, a consent step that failed and a harness fault each make the scenario's unjudged
/// requirements INTERRUPTED with the reason; none is ever counted as a pass.
/// </summary>
public static class SuiteRunner
{
    public static async Task<IReadOnlyList<Finding>> RunAsync(SuiteRun run, IReadOnlyList<Scenario> scenarios, CancellationToken ct)
    {
        var recorder = new FindingRecorder(run.Catalogue);
        scenarios = [.. scenarios.Where(s => s.Subjects(run.Target).Count > 0)];
        foreach (var alone in scenarios.Where(s => s.RunsAlone))
        {
            await RunOneAsync(run, alone, recorder, ct);
        }
        using var gate = new SemaphoreSlim(run.Parallelism);
        await Task.WhenAll(scenarios.Where(s => !s.RunsAlone).Select(async scenario =>
        {
            await gate.WaitAsync(ct);
            try
            {
                await RunOneAsync(run, scenario, recorder, ct);
            }
            finally
            {
                gate.Release();
            }
        }));
        return recorder.Findings;
    }

    private static async Task RunOneAsync(SuiteRun run, Scenario scenario, FindingRecorder recorder, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await RunTimedAsync(run, scenario, recorder, ct);
        }
        finally
        {
            run.Durations[scenario.Id] = clock.Elapsed;
        }
    }

    private static async Task RunTimedAsync(SuiteRun run, Scenario scenario, FindingRecorder recorder, CancellationToken ct)
    {
        using var budget = new ScenarioBudget(run.Target.Timeouts.Scenario, ct);
        var context = new ScenarioContext(run.Target, run.Client, budget.Excluding(run.Consent, run.Target.Timeouts.Consent), run.Wire, run.Clock, run.Wait, recorder, scenario, budget.Token) { Peers = run.Peers };
        string? interruption = null;
        string[] evidence = [];
        using (WireLog.BeginScenario(scenario.Id))
        {
            try
            {
                await scenario.RunAsync(context);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                if (budget.Token.IsCancellationRequested)
                {
                    interruption = $"timed out: the scenario used its {budget.Total.TotalSeconds:0.#} s (timeouts.scenarioSeconds in the target file; browser time not counted)";
                }
                else
                {
                    var unanswered = run.Wire.Unanswered(scenario.Id);
                    interruption = $"a request got no answer within {run.Target.Timeouts.Request.TotalSeconds:0.#} s (timeouts.requestSeconds in the target file)"
                        + (unanswered is null ? "" : $": {unanswered.Method} {unanswered.Url}");
                    if (unanswered is not null) evidence = [unanswered.Id];
                }
            }
            catch (Wire.ResponseTooLargeException e)
            {
                interruption = e.Message;
            }
            catch (HttpRequestException e)
            {
                interruption = $"target unreachable: {e.Message}";
            }
            catch (ConsentDriverException e)
            {
                interruption = $"consent driver ({run.Consent.Name}): {e.Message}";
                if (e.Screenshot is { } screenshot) evidence = [screenshot, .. run.Wire.RecentIds(scenario.Id, 3)];
            }
            catch (ScenarioInterruptedException e)
            {
                interruption = e.Message;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                interruption = $"harness error in scenario {scenario.Id}: {e.GetType().Name}: {e.Message}";
            }
        }

        foreach (var subject in scenario.Subjects(run.Target))
        {
            foreach (var id in scenario.Requirements.Where(id => !context.HasJudged(id, subject)))
            {
                context.InterruptAt(subject, id, interruption ?? $"harness error: scenario {scenario.Id} recorded no evidence for {id}", evidence);
            }
        }
    }

    /// <summary>One verdict per requirement and subject: the worst of its findings.</summary>
    public static IReadOnlyDictionary<(string Requirement, string Subject), Verdict> Verdicts(IEnumerable<Finding> findings)
        => findings.GroupBy(f => (f.RequirementId, f.Subject)).ToDictionary(g => g.Key, g => VerdictOrder.Combine(g.Select(f => f.Verdict)));

    /// <summary>The target-file fields that would let a SKIPPED requirement be judged, per requirement and subject (<see cref="Finding.Wants"/>).</summary>
    public static IReadOnlyDictionary<(string Requirement, string Subject), string> Wants(IEnumerable<Finding> findings)
        => findings.GroupBy(f => (f.RequirementId, f.Subject))
            .Where(g => VerdictOrder.Combine(g.Select(f => f.Verdict)) == Verdict.Skipped && g.Any(f => f.Wants is not null))
            .ToDictionary(g => g.Key, g => g.First(f => f.Wants is not null).Wants!);

    /// <summary>The SKIPPED requirements, per subject, that nothing on the wire could show (<see cref="Finding.NotVerifiable"/>), unless a target-file field would.</summary>
    public static IReadOnlySet<(string Requirement, string Subject)> NotVerifiable(IEnumerable<Finding> findings)
        => findings.GroupBy(f => (f.RequirementId, f.Subject))
            .Where(g => VerdictOrder.Combine(g.Select(f => f.Verdict)) == Verdict.Skipped && g.Any(f => f.NotVerifiable) && g.All(f => f.Wants is null))
            .Select(g => g.Key).ToHashSet();
}
