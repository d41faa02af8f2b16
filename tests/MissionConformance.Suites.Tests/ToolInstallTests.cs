using System.Diagnostics;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 23 item 3: the CLI as a .NET tool, the way a user's CI gets it. `dotnet pack` of the CLI project (its build reused), `dotnet tool
/// install` of that package into a tool path of its own, then the installed `mission-conformance` judges the embedded stack.
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mc-tool-");

    [Fact]
    public async Task ThePackedTool_Installs_AndRunsTheSuiteAgainstTheEmbeddedStack()
    {
        var project = Path.Combine(RepositoryRoot.Path, "cli", "MissionConformance.Cli", "MissionConformance.Cli.csproj");
        var packages = Path.Combine(_work.FullName, "packages");
        var tools = Path.Combine(_work.FullName, "tools");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;  // bin/<configuration>/net10.0/

        var pack = await DotnetAsync("pack", project, "--configuration", configuration, "--no-build", "--output", packages);
        Assert.True(pack.Code == 0, "dotnet pack: " + pack.Output);
        Assert.Single(Directory.GetFiles(packages, "MissionConformance.Cli.*.nupkg"));
        var install = await DotnetAsync("tool", "install", "MissionConformance.Cli", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources");
        Assert.True(install.Code == 0, "dotnet tool install: " + install.Output);

        var reports = Path.Combine(_work.FullName, "reports");
        var run = await RunAsync(Path.Combine(tools, "mission-conformance"), "run", "--filter", "discovery.metadata", "--out", reports);

        Assert.True(run.Code == 0, "mission-conformance run: " + run.Output);
        Assert.Contains("embedded reference", run.Output, StringComparison.Ordinal);
        var folder = Assert.Single(Directory.GetDirectories(reports));
        foreach (var file in new[] { "report.json", "report.html", "junit.xml", "badge.svg", "wire.har" }) Assert.True(File.Exists(Path.Combine(folder, file)), file);
    }

    private Task<(int Code, string Output)> DotnetAsync(params string[] args) => RunAsync("dotnet", args);

    /// <summary>A child process in the work folder, its output kept; killed if it has not ended in five minutes.</summary>
    private async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _work.FullName };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end in five minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose() => _work.Delete(recursive: true);
}
