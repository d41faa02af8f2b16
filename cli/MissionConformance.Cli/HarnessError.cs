namespace MissionConformance.Cli;

/// <summary>Exit 3: a fault of the harness itself, not of the target or the target file, said as such on stderr.</summary>
public static class HarnessError
{
    public const int ExitCode = 3;

    public static async Task<int> ReportAsync(TextWriter stderr, Exception e)
    {
        await stderr.WriteLineAsync($"harness error: {e.GetType().Name}: {e.Message}");
        return ExitCode;
    }
}
