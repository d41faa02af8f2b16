using System.CommandLine;

namespace MissionConformance.Suites.Tests;

/// <summary>A CLI verb invoked in-process, as a user would call it: its exit code and what it wrote to stdout and stderr.</summary>
public static class CliInvocation
{
    public static async Task<(int Code, string Stdout, string Stderr)> InvokeAsync(Command verb, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var root = new RootCommand { verb };
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
