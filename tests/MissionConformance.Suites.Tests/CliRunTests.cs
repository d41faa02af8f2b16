using System.Text.Json;
using MissionConformance.Cli;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// `mission-conformance run` as a user types it, with its exit codes (0 done, 1 a MUST failed or the level
/// was missed, 2 a target or configuration error) and what it prints, against the embedded reference.
/// </summary>
public sealed class CliRunTests : IDisposable
{
    private readonly string reports = Directory.CreateTempSubdirectory("mc-cli-").FullName;

    [Fact]
    public async Task RunWithAFault_FailsWhatTheFaultBreaks_ExitsOne_AndWritesEveryReport()
    {
        var (code, stdout, stderr) = await RunAsync("run", "--faults", "StatusUnsigned", "--filter", "status.state-authority", "--out", reports);

        Assert.True(code == 1, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("requirements: ", stdout, StringComparison.Ordinal);
        Assert.Contains("verdicts per subject: ", stdout, StringComparison.Ordinal);
        Assert.Contains("slowest scenarios: status.state-authority ", stdout, StringComparison.Ordinal);
        Assert.Contains("  FAILED MBO-MS-001", stdout, StringComparison.Ordinal);
        Assert.Contains("  FAILED MBO-MS-003", stdout, StringComparison.Ordinal);
        var folder = Assert.Single(Directory.GetDirectories(reports));
        foreach (var file in new[] { "report.json", "report.html", "junit.xml", "badge.svg", "wire.har" }) Assert.True(File.Exists(Path.Combine(folder, file)), file);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
        Assert.Contains("StatusUnsigned", report.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// run --baseline: --update-baseline records the fault's failure, the faulty run then passes with its baseline and says so
    /// (its junit.xml shows the case skipped with the reason), and once the fault is gone the entry is stale and fails the run.
    /// </summary>
    [Fact]
    public async Task RunWithABaseline_AcceptsKnownFailures_AndFailsOnAStaleEntry()
    {
        var baseline = Path.Combine(reports, "baseline.json");
        string[] Run(params string[] extra) => ["run", "--filter", "discovery.metadata", "--out", Path.Combine(reports, "out"), "--baseline", baseline, .. extra];

        var (recorded, recordedOut, recordedErr) = await RunAsync(Run("--faults", "CapabilityOutOfEnum", "--update-baseline"));
        var (accepted, acceptedOut, _) = await RunAsync(Run("--faults", "CapabilityOutOfEnum"));
        var (stale, staleOut, _) = await RunAsync(Run());

        Assert.True(recorded == 0, $"exit {recorded}\n{recordedOut}\n{recordedErr}");
        Assert.Contains("\"requirement\": \"MBO-AS-MD-007\"", File.ReadAllText(baseline), StringComparison.Ordinal);
        Assert.True(accepted == 0, $"exit {accepted}\n{acceptedOut}");
        Assert.Contains("1 known failure(s) accepted, 0 not listed, 0 stale", acceptedOut, StringComparison.Ordinal);
        Assert.Contains(Directory.GetFiles(Path.Combine(reports, "out"), "junit.xml", SearchOption.AllDirectories),
            junit => File.ReadAllText(junit).Contains("baselined FAILED", StringComparison.Ordinal));
        Assert.True(stale == 1, $"exit {stale}\n{staleOut}");
        Assert.Contains("stale: MBO-AS-MD-007 FAILED is now PASSED", staleOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithAMalformedBaseline_ExitsTwo_NamingTheField()
    {
        var baseline = Path.Combine(reports, "baseline.json");
        await File.WriteAllTextAsync(baseline, """{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-AS-MD-007","verdict":"WARNING","reason":"r"}]}""",
            TestContext.Current.CancellationToken);

        var (code, _, stderr) = await RunAsync("run", "--filter", "discovery.metadata", "--out", Path.Combine(reports, "out"), "--baseline", baseline);

        Assert.Equal(2, code);
        Assert.Contains("/entries/0/verdict", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(reports, "out")));
    }

    [Fact]
    public async Task RunWithAnUnknownFault_ExitsTwo_NamingIt_AndWritesNothing()
    {
        var (code, _, stderr) = await RunAsync("run", "--faults", "StatusUnsigned,NoSuchFault", "--filter", "status.state-authority", "--out", reports);

        Assert.Equal(2, code);
        Assert.Contains("unknown fault \"NoSuchFault\"", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(reports));
    }

    [Fact]
    public async Task RunWithFaultsAndATargetFile_ExitsTwo_BeforeTouchingTheTarget()
    {
        var (code, _, stderr) = await RunAsync("run", "--target", Path.Combine(reports, "absent.json"), "--faults", "StatusUnsigned", "--out", reports);

        Assert.Equal(2, code);
        Assert.Contains("--faults and --variants start the embedded reference", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithAFilterThatSelectsNothing_ExitsTwo()
    {
        var (code, _, stderr) = await RunAsync("run", "--filter", "no.such.scenario", "--out", reports);

        Assert.Equal(2, code);
        Assert.Contains("selects no scenario", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWhereDiscoveryWorksButEveryEndpointIsClosed_ExitsOne_NamingTheCauseOnce()
    {
        using var refusing = LoopbackPort.Refusing();
        var closed = refusing.Port;
        using var server = ScriptedAuthorizationServer.WithEndpointsOn(closed);
        var folder = Directory.CreateTempSubdirectory("mc-cli-target-");
        var file = server.WriteTargetFile(folder.FullName);

        var (code, stdout, stderr) = await RunAsync("run", "--target", file, "--filter", "par.,token.pkce,lifecycle.gating", "--out", reports);
        folder.Delete(recursive: true);

        // Nothing failed and nothing was shown: until the exit rule counted INTERRUPTED verdicts in scope, this exited 0.
        Assert.True(code == 1, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("FAILED", stdout, StringComparison.Ordinal);
        var cause = Assert.Single(stdout.Split('\n'), l => l.Contains("interrupted: target unreachable", StringComparison.Ordinal));
        Assert.Matches($@"^  \d+ interrupted: target unreachable: Connection refused \(127\.0\.0\.1:{closed}\)", cause);
        Assert.Contains("not shown:", stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(reports));
    }

    public void Dispose() => Directory.Delete(reports, recursive: true);

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => CliInvocation.InvokeAsync(RunCommand.Create(), args);
}
