using System.Diagnostics;
using MissionConformance.Harness.Consent;

namespace MissionConformance.Harness.Engine;

/// <summary>
/// A scenario's time budget (timeouts.scenarioSeconds), which bounds the target's time: its answers and the
/// scenario's waits. The clock stops while the harness drives a browser (<see cref="Outside"/>): each browser
/// action is bounded by timeouts.consentSeconds already, and a consent flow on a loaded two-core machine costs
/// the harness's own time. Two identical Intents approved one after the other were seen to run out of the
/// 120 s this way in CI, with every request the target answered logged.
/// </summary>
public sealed class ScenarioBudget : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly object _gate = new();
    private long _deadline;
    private TimeSpan _remaining;
    private int _outside;
    private bool _disposed;

    public ScenarioBudget(TimeSpan budget, CancellationToken run)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(run);
        Total = budget;
        _deadline = Stopwatch.GetTimestamp() + Ticks(budget);
        _source.CancelAfter(budget);
    }

    public TimeSpan Total { get; }

    /// <summary>Cancelled when the budget is spent or the run is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The time left, the clock stopped or not.</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_gate) return _outside > 0 ? _remaining : Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
        }
    }

    /// <summary>Stops the clock until the returned scope is disposed; scopes may overlap (flows side by side).</summary>
    public IDisposable Outside()
    {
        lock (_gate)
        {
            if (_outside++ == 0 && !_disposed && !_source.IsCancellationRequested)
            {
                _remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
                if (_remaining <= TimeSpan.Zero) _source.Cancel();
                else _source.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
        return new Scope(this);
    }

    /// <summary>
    /// Drives <paramref name="consent"/> with the clock stopped. A flow is still bounded: by <see cref="FlowActions"/> times
    /// <paramref name="perAction"/> (timeouts.consentSeconds), beyond which it is the consent driver's failure.
    /// </summary>
    public IConsentDriver Excluding(IConsentDriver consent, TimeSpan perAction) => new Paused(consent, this, perAction * FlowActions);

    /// <summary>The browser actions a flow's bound allows: sign-in, a second factor and consent, each loaded and left.</summary>
    public const int FlowActions = 6;

    private void Resume()
    {
        lock (_gate)
        {
            if (--_outside > 0 || _disposed || _source.IsCancellationRequested) return;
            _deadline = Stopwatch.GetTimestamp() + Ticks(_remaining);
            _source.CancelAfter(_remaining);
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _source.Dispose();
        }
    }

    private sealed class Scope(ScenarioBudget budget) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) budget.Resume();
        }
    }

    private sealed class Paused(IConsentDriver inner, ScenarioBudget budget, TimeSpan bound) : IConsentDriver
    {
        public string Name => inner.Name;

        public RenderingGap? Gap => inner.Gap;

        public async Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct)
        {
            using (budget.Outside())
            {
                var flow = inner.RunAsync(request, ct);
                try
                {
                    return await flow.WaitAsync(bound, ct);
                }
                catch (TimeoutException)
                {
                    _ = flow.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    throw new ConsentDriverException("finish the flow", request.AuthorizationEndpoint,
                        $"it took more than {bound.TotalSeconds:0} s ({FlowActions} × timeouts.consentSeconds)");
                }
            }
        }
    }
}
