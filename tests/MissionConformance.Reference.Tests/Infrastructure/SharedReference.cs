namespace MissionConformance.Reference.Tests.Infrastructure;

/// <summary>One fault-free reference for a test class whose tests each create their own Missions.</summary>
public sealed class SharedReference : IAsyncLifetime
{
    private RunningReference? _reference;

    public RunningReference Reference => _reference ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _reference = await RunningReference.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_reference is not null) await _reference.DisposeAsync();
    }
}
