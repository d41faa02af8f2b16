using System.Text.Json;
using MissionConformance.Cli.Bench;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 23: `bench` measures and reports; it asserts no timing. These tests hold it to what it reports: every measurement present
/// and served, nothing refused (40 Mission Status questions in a row are four times the reference's default rate limit, which the
/// bench must lift), and bad options refused before anything starts.
/// </summary>
public sealed class BenchTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "mission-bench-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task BenchOfTheAuthorizationServer_ReportsEveryMeasurement_AndNothingRefused()
    {
        var (code, stdout, stderr) = await BenchAsync("bench", "--skip-suite", "--requests", "40", "--concurrency", "2", "--out", _out);

        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");
        Assert.Contains("bench: refresh (mission-bound) ", stdout, StringComparison.Ordinal);
        Assert.Contains("bench: Mission Status p50 ", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", stdout, StringComparison.Ordinal);
        var json = File.ReadAllText(Path.Combine(_out, "bench.json"));
        Assert.Empty(MissionConformance.Harness.Schemas.ArtifactSchemas.Validate(MissionConformance.Harness.Schemas.ArtifactKind.Bench, json));
        using var bench = JsonDocument.Parse(json);
        var server = bench.RootElement.GetProperty("authorization_server");
        Assert.Equal(40, server.GetProperty("requests").GetProperty("refresh").GetInt32());
        Assert.Equal(40, server.GetProperty("requests").GetProperty("public_refresh").GetInt32());
        Assert.Equal(40, server.GetProperty("requests").GetProperty("client_credentials").GetInt32());
        Assert.Equal(40, server.GetProperty("requests").GetProperty("mission_status").GetInt32());
        Assert.True(server.GetProperty("refresh_to_client_credentials").GetDouble() > 0);
        Assert.True(server.GetProperty("mission_status_p99_ms").GetDouble() >= server.GetProperty("mission_status_p50_ms").GetDouble());
        Assert.False(bench.RootElement.TryGetProperty("suite", out _), "--skip-suite still ran the suite");
    }

    [Theory]
    [InlineData("--requests", "39")]
    [InlineData("--concurrency", "0")]
    public async Task OutOfRangeOptions_ExitTwo_BeforeAnythingStarts(string option, string value)
    {
        var (code, _, stderr) = await BenchAsync("bench", option, value, "--out", _out);

        Assert.Equal(2, code);
        Assert.Contains("--requests is 40 to 20000", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void Percentile_IsTheNearestRank()
    {
        var samples = Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(50), AuthorizationServerBench.Percentile(samples, 0.50));
        Assert.Equal(TimeSpan.FromMilliseconds(99), AuthorizationServerBench.Percentile(samples, 0.99));
        Assert.Equal(TimeSpan.FromMilliseconds(7), AuthorizationServerBench.Percentile([TimeSpan.FromMilliseconds(7)], 0.99));
        Assert.Equal(TimeSpan.Zero, AuthorizationServerBench.Percentile([], 0.5));
    }

    private static Task<(int Code, string Stdout, string Stderr)> BenchAsync(params string[] args) => CliInvocation.InvokeAsync(BenchCommand.Create(), args);

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }
}
