using System.Collections.Concurrent;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Runner;

/// <summary>
/// What a run is pointed at: the target file named by <c>--target</c> or <c>MISSION_TARGET</c>, or,
/// when there is none, the embedded reference started on 127.0.0.1. The CLI runs a whole suite through
/// it; the xunit entry point runs one scenario at a time, each at most once per session.
/// </summary>
public sealed class TargetSession : IAsyncDisposable
{
    public const string TargetVariable = "MISSION_TARGET";

    private readonly EmbeddedReference? _reference;
    private readonly PeerSet? _ownPeers;
    private readonly ConcurrentDictionary<string, Lazy<Task<RunOutcome>>> _byScenario = new(StringComparer.Ordinal);

    private TargetSession(Target target, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> wait, EmbeddedReference? reference, PeerSet? ownPeers = null)
    {
        Target = target;
        Clock = clock;
        Wait = wait;
        _reference = reference;
        _ownPeers = ownPeers;
    }

    /// <summary>The simulated AS and PDP the target's Resource Servers and Resource ASes trust, when it has any.</summary>
    public PeerSet? Peers => _reference?.Peers ?? _ownPeers;

    public Target Target { get; }

    public TimeProvider Clock { get; }

    public Func<TimeSpan, CancellationToken, Task> Wait { get; }

    /// <summary>The target file's path, or null for the embedded reference.</summary>
    public string? TargetFile { get; private init; }

    /// <summary>
    /// Opens the target file (a relative path is taken from <paramref name="workingDirectory"/>), or starts
    /// the embedded reference with <paramref name="faults"/> (and <paramref name="consent"/>, by default the
    /// browser) when <paramref name="targetFile"/> is null. A bad target file throws
    /// <see cref="TargetFileException"/> before anything is sent.
    /// </summary>
    public static async Task<TargetSession> OpenAsync(string? targetFile, string? workingDirectory, FaultSet? faults, CancellationToken ct, ConsentSettings? consent = null)
    {
        if (targetFile is null)
        {
            var reference = await EmbeddedReference.StartAsync(faults ?? FaultSet.None, ct, consent);
            return new TargetSession(reference.Target, reference.Clock, reference.Wait, reference);
        }
        var path = Path.GetFullPath(targetFile, workingDirectory ?? Environment.CurrentDirectory);
        var target = TargetLoader.Load(path);
        // The peers listen where the target's Resource Servers were configured to find them (peers.*Port).
        var peers = target.NeedsPeers ? StartPeers(target.Peers, path) : null;
        return new TargetSession(target, TimeProvider.System, (d, c) => Task.Delay(d, c), null, peers) { TargetFile = path };
    }

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
    /// </summary>
    public Task<RunOutcome> RunScenarioAsync(Scenario scenario)
        => _byScenario.GetOrAdd(scenario.Id, _ => new Lazy<Task<RunOutcome>>(() => RunAsync([scenario], CancellationToken.None))).Value;

    /// <summary>The scenarios run so far in this session, as one outcome (its coordinate computed over all of them).</summary>
    public async Task<RunOutcome> CombinedAsync(IReadOnlyList<Scenario> scenarios)
    {
        var outcomes = new List<RunOutcome>();
        foreach (var scenario in scenarios) outcomes.Add(await RunScenarioAsync(scenario));
        return ConformanceRun.Combine(outcomes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_reference is not null) await _reference.DisposeAsync();
        _ownPeers?.Dispose();
    }
}
