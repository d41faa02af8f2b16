namespace MissionConformance.Harness.Engine;

/// <summary>
/// Real time plus an offset the harness can advance. The embedded reference and the harness share
/// one, so "wait until after mission_expiry" costs no real time; an external target gets real waiting.
/// </summary>
public sealed class OffsetClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
