using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.Runner;

/// <summary>
/// A target the process started itself (the embedded reference stack, in its own project), with the target file it
/// would need, the clock it shares with the harness and the simulated peers its servers trust.
/// </summary>
public interface IEmbeddedTarget : IAsyncDisposable
{
    Target Target { get; }

    TimeProvider Clock { get; }

    /// <summary>How a scenario waits: an embedded target may advance its clock instead.</summary>
    Func<TimeSpan, CancellationToken, Task> Wait { get; }

    PeerSet Peers { get; }
}

/// <summary>
/// What a run is pointed at: the target file named by <c>--target</c> or <c>MISSION_TARGET</c>, or a target
/// the process started (<see cref="IEmbeddedTarget"/>, the embedded reference on 127.0.0.1). The CLI runs a whole suite through
/// it; the xunit entry point asks for one scenario at a time, each run at most once per session, and
/// the scenarios it has <see cref="Plan">planned</see> run together, as the CLI runs them.
/// </summary>
public sealed class TargetSession : IAsyncDisposable
{
    public const string TargetVariable = "MISSION_TARGET";

    private readonly IEmbeddedTarget? _embedded;
    private readonly PeerSet? _ownPeers;
    private readonly Dictionary<string, Lazy<Task<RunOutcome>>> _byScenario = new(StringComparer.Ordinal);
    private readonly Lock _planLock = new();

    private TargetSession(Target target, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> wait, IEmbeddedTarget? embedded, PeerSet? ownPeers = null)
    {
        Target = target;
        Clock = clock;
        Wait = wait;
        _embedded = embedded;
        _ownPeers = ownPeers;
    }

    /// <summary>The simulated AS and PDP the target's Resource Servers and Resource ASes trust, when it has any.</summary>
    public PeerSet? Peers => _embedded?.Peers ?? _ownPeers;

    public Target Target { get; }

    public TimeProvider Clock { get; }

    public Func<TimeSpan, CancellationToken, Task> Wait { get; }

    /// <summary>The target file's path, or null for the embedded reference.</summary>
    public string? TargetFile { get; private init; }

    /// <summary>
    /// Opens the target file (a relative path is taken from <paramref name="workingDirectory"/>). A bad target file
    /// throws <see cref="TargetFileException"/> before anything is sent.
    /// </summary>
    public static Task<TargetSession> OpenAsync(string targetFile, string? workingDirectory)
    {
        var path = Path.GetFullPath(targetFile, workingDirectory ?? Environment.CurrentDirectory);
        var target = TargetLoader.Load(path);
        // The peers listen where the target's Resource Servers were configured to find them (peers.*Port).
        var peers = target.NeedsPeers ? StartPeers(target.Peers, path) : null;
        return Task.FromResult(new TargetSession(target, TimeProvider.System, (d, c) => Task.Delay(d, c), null, peers) { TargetFile = path });
    }

    /// <summary>A session over a target the process started; disposing the session stops it.</summary>
    public static TargetSession Over(IEmbeddedTarget embedded) => new(embedded.Target, embedded.Clock, embedded.Wait, embedded);

    private static PeerSet StartPeers(PeerSettings settings, string path)
    {
        try
        {
            return PeerSet.Start(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new TargetFileException(path, [e.Message]);
        }
    }

    /// <summary>Every given scenario in one run (the CLI's and the self-tests' way).</summary>
    public Task<RunOutcome> RunAsync(IReadOnlyList<Scenario> scenarios, CancellationToken ct)
        => ConformanceRun.RunAsync(Target, Clock, Wait, scenarios, ct, Peers);

    /// <summary>
    /// One scenario, run the first time any caller asks for it and shared afterwards, so that a test per
    /// requirement costs one scenario run, and a filtered <c>dotnet test</c> runs only what it selects.
    /// A planned scenario runs in its plan's one run, beside the others (see <see cref="Plan"/>).
    /// </summary>
    public Task<RunOutcome> RunScenarioAsync(Scenario scenario)
    {
        Lazy<Task<RunOutcome>> run;
        lock (_planLock)
        {
            if (!_byScenario.TryGetValue(scenario.Id, out run!))
            {
                run = new Lazy<Task<RunOutcome>>(() => RunAsync([scenario], CancellationToken.None));
                _byScenario[scenario.Id] = run;
            }
        }
        return run.Value;
    }

    /// <summary>
    /// Says which scenarios will be asked for (the tests a runner selected), so that the first ask runs all
    /// those not yet run as one run: in parallel, with one consent driver, as the CLI does, instead of one
    /// after the other with a browser each. Each scenario is still run once; the outcome is shared, and
    /// the xunit entry point reads only its scenario's findings from it.
    /// </summary>
    public void Plan(IEnumerable<Scenario> scenarios)
    {
        lock (_planLock)
        {
            var pending = scenarios.Where(s => !_byScenario.ContainsKey(s.Id)).DistinctBy(s => s.Id).ToList();
            if (pending.Count == 0) return;
            var batch = new Lazy<Task<RunOutcome>>(() => RunAsync(pending, CancellationToken.None));
            foreach (var scenario in pending) _byScenario[scenario.Id] = batch;
        }
    }

    /// <summary>The given scenarios' outcomes as one (its coordinate computed over all of them), each run counted once.</summary>
    public async Task<RunOutcome> CombinedAsync(IReadOnlyList<Scenario> scenarios)
    {
        var outcomes = new List<RunOutcome>();
        foreach (var scenario in scenarios)
        {
            var outcome = await RunScenarioAsync(scenario);
            if (!outcomes.Any(o => ReferenceEquals(o, outcome))) outcomes.Add(outcome);
        }
        return ConformanceRun.Combine(outcomes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
        _ownPeers?.Dispose();
    }
}
