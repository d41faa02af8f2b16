using MissionConformance.Embedded;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

[assembly: AssemblyFixture(typeof(MissionConformance.Conformance.TargetFixture))]

namespace MissionConformance.Conformance;

/// <summary>
/// The target every test of this assembly judges: the file named by MISSION_TARGET (a relative path is
/// taken from the directory `dotnet test` was started in), else the embedded reference on 127.0.0.1.
/// A target file that cannot be used fails every test with the field to fix.
/// </summary>
public sealed class TargetFixture : IAsyncLifetime
{
    private TargetSession? _session;
    private Exception? _openError;

    public async ValueTask InitializeAsync()
    {
        try
        {
            // VSTest starts the test host in the output folder; the shell's PWD is where the user typed the command.
            _session = Environment.GetEnvironmentVariable(TargetSession.TargetVariable) is { } file
                ? await TargetSession.OpenAsync(file, Environment.GetEnvironmentVariable("PWD"))
                : await EmbeddedReference.OpenSessionAsync(FaultSet.None, TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _openError = e;
        }
    }

    public TargetSession Session => _session ?? throw new InvalidOperationException(
        $"the target could not be opened ({TargetSession.TargetVariable}={Environment.GetEnvironmentVariable(TargetSession.TargetVariable) ?? "(unset: embedded reference)"}): {_openError?.Message}", _openError);

    public async ValueTask DisposeAsync()
    {
        if (_session is not null) await _session.DisposeAsync();
    }
}
