namespace MissionConformance.Reference.Seams;

/// <summary>
/// The hooks of one kind <typeparamref name="THook"/> registered with the stack, run in registration order at the points the
/// correct code names. The correct stack registers none, so every point is a no-op; each named fault is a hook (Faults/),
/// registered only while it is active (<see cref="Faults.FaultInstaller"/>), the way OpenIddict runs the handlers of an event.
/// </summary>
public sealed class Hooks<THook>(IEnumerable<THook> registered) where THook : class
{
    private readonly THook[] _registered = [.. registered];

    public void Run(Action<THook> point)
    {
        foreach (var hook in _registered) point(hook);
    }

    public async ValueTask RunAsync(Func<THook, ValueTask> point)
    {
        foreach (var hook in _registered) await point(hook);
    }
}
