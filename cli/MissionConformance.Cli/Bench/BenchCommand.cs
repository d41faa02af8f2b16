using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MissionConformance.Embedded;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Schemas;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites;

namespace MissionConformance.Cli.Bench;

/// <summary>
/// `bench` (issue 23): in one run on one machine, the full suite against the embedded reference (its time, per scenario, and the
/// share schema validation takes of it), then the reference AS alone: mission-bound refresh throughput as a ratio of
/// client-credentials issuance, and Mission Status p50 and p99. Numbers are ratios and percentiles of this run, never asserted
/// against a clock. Writes bench.json to the reports folder. Exit 0 when everything was measured, 1 when a request was refused or
/// the suite did not run clean, 3 on a harness error.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for bench.json", DefaultValueFactory = _ => "reports" };
        var requests = new Option<int>("--requests") { Description = "requests per measurement (refresh, client_credentials, Mission Status), 40 to 20000", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "requests in flight for the throughput measurements, 1 to 16", DefaultValueFactory = _ => 4 };
        var skipSuite = new Option<bool>("--skip-suite") { Description = "measure the AS only, without the suite run" };
        var command = new Command("bench", "Measure suite time per scenario, schema validation's share, refresh vs client_credentials throughput, Mission Status latency")
        {
            output, requests, concurrency, skipSuite,
        };
        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var (count, inFlight) = (parse.GetValue(requests), parse.GetValue(concurrency));
            if (count is < 40 or > 20000 || inFlight is < 1 or > 16)
            {
                await stderr.WriteLineAsync("error: --requests is 40 to 20000 and --concurrency 1 to 16");
                return 2;
            }
            try
            {
                var report = new JsonObject { ["machine"] = new JsonObject { ["processors"] = Environment.ProcessorCount, ["os"] = Environment.OSVersion.VersionString } };
                var clean = true;
                if (!parse.GetValue(skipSuite)) clean &= await SuiteAsync(report, stdout, ct);
                var measured = await AuthorizationServerBench.MeasureAsync(count, inFlight, ct);

                Print(measured, report, stdout);
                clean &= measured.Clean;
                var folder = parse.GetValue(output)!;
                Directory.CreateDirectory(folder);
                var file = Path.Combine(folder, "bench.json");
                await File.WriteAllTextAsync(file, report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
                stdout.WriteLine($"bench: written to {file}");
                return clean ? 0 : 1;
            }
            catch (BenchException e)
            {
                await stderr.WriteLineAsync("bench: could not measure: " + e.Message);
                return 1;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return await HarnessError.ReportAsync(stderr, e);
            }
        });
        return command;
    }

    /// <summary>The main job's run (the full suite, the embedded reference, consent in the browser), timed per scenario.</summary>
    private static async Task<bool> SuiteAsync(JsonObject report, TextWriter stdout, CancellationToken ct)
    {
        await using var session = await EmbeddedReference.OpenSessionAsync(FaultSet.None, ct);
        var before = ArtifactSchemas.Spent;
        var outcome = await session.RunAsync(ConformanceSuite.Scenarios(), ct);
        var after = ArtifactSchemas.Spent;
        var (artifacts, spent) = (after.Artifacts - before.Artifacts, after.Spent - before.Spent);
        var share = spent / outcome.Duration;
        stdout.WriteLine(Invariant($"bench: suite {outcome.Duration.TotalSeconds:0.0} s, {outcome.Scenarios.Count} scenarios, {outcome.Coordinate.Label} (embedded reference, consent in Chromium)"));
        stdout.WriteLine(Invariant($"bench: schema validation {spent.TotalSeconds:0.00} s over {artifacts} artifacts, {share:0.0%} of suite time"));
        foreach (var (id, duration) in outcome.ScenarioDurations.OrderByDescending(d => d.Value))
        {
            stdout.WriteLine(Invariant($"bench:   {duration.TotalSeconds,6:0.0} s  {id}"));
        }
        report["suite"] = new JsonObject
        {
            ["seconds"] = Math.Round(outcome.Duration.TotalSeconds, 2),
            ["coordinate"] = outcome.Coordinate.Label,
            ["scenarios"] = new JsonObject(outcome.ScenarioDurations.OrderBy(d => d.Key, StringComparer.Ordinal)
                .Select(d => KeyValuePair.Create(d.Key, (JsonNode?)JsonValue.Create(Math.Round(d.Value.TotalSeconds, 2))))),
            ["schema_validation"] = new JsonObject
            {
                ["artifacts"] = artifacts, ["seconds"] = Math.Round(spent.TotalSeconds, 3), ["share_of_suite_time"] = Math.Round(share, 4),
            },
        };
        var clean = outcome.SetupError is null && outcome.FailedRequirements.Count == 0 && outcome.Unresolved.Count == 0;
        if (!clean) stdout.WriteLine($"bench: the suite did not run clean ({outcome.FailedRequirements.Count} failed, {outcome.Unresolved.Count} unresolved): its time is not the main job's");
        return clean;
    }

    private static void Print(AuthorizationServerMeasurement m, JsonObject report, TextWriter stdout)
    {
        stdout.WriteLine(Invariant($"bench: refresh (mission-bound) {m.Refresh.PerSecond:0}/s, client_credentials {m.ClientCredentials.PerSecond:0}/s: ratio {m.Ratio:0.00} ({m.Refresh.Requests} and {m.ClientCredentials.Requests} requests, {m.Concurrency} in flight; the agent authenticates by client_secret_basic, the status client by private_key_jwt and DPoP)"));
        stdout.WriteLine(Invariant($"bench: refresh by a public client (no client authentication) {m.PublicRefresh.PerSecond:0}/s: ratio {m.PublicRatio:0.00} to client_credentials ({m.PublicRefresh.Requests} requests)"));
        stdout.WriteLine(Invariant($"bench: Mission Status p50 {m.MissionStatus.P50.TotalMilliseconds:0.00} ms, p99 {m.MissionStatus.P99.TotalMilliseconds:0.00} ms ({m.MissionStatus.Requests} requests one at a time, dpop_bearer)"));
        foreach (var failure in new[] { m.Refresh.FirstFailure, m.PublicRefresh.FirstFailure, m.ClientCredentials.FirstFailure, m.MissionStatus.FirstFailure }.OfType<string>())
        {
            stdout.WriteLine("bench: refused: " + failure);
        }
        report["authorization_server"] = new JsonObject
        {
            ["refresh_per_second"] = Math.Round(m.Refresh.PerSecond, 1),
            ["client_credentials_per_second"] = Math.Round(m.ClientCredentials.PerSecond, 1),
            ["refresh_to_client_credentials"] = Math.Round(m.Ratio, 3),
            ["public_refresh_per_second"] = Math.Round(m.PublicRefresh.PerSecond, 1),
            ["public_refresh_to_client_credentials"] = Math.Round(m.PublicRatio, 3),
            ["concurrency"] = m.Concurrency,
            ["mission_status_p50_ms"] = Math.Round(m.MissionStatus.P50.TotalMilliseconds, 3),
            ["mission_status_p99_ms"] = Math.Round(m.MissionStatus.P99.TotalMilliseconds, 3),
            ["requests"] = new JsonObject
            {
                ["refresh"] = m.Refresh.Requests, ["public_refresh"] = m.PublicRefresh.Requests, ["client_credentials"] = m.ClientCredentials.Requests,
                ["mission_status"] = m.MissionStatus.Requests,
            },
            ["refused"] = new JsonObject
            {
                ["refresh"] = m.Refresh.Failed, ["public_refresh"] = m.PublicRefresh.Failed, ["client_credentials"] = m.ClientCredentials.Failed,
                ["mission_status"] = m.MissionStatus.Failed,
            },
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
