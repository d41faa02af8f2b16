using System.Diagnostics;
using System.Text.Json;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 23 item 2: `mission-conformance run`, as its own process, against an Authorization Server that misbehaves below any check
/// (<see cref="Hostility"/>). Each run must end by itself in bounded time and memory, explain every verdict it could not reach,
/// write all five report files, and exit non-zero: never crash, hang or pass in silence.
/// </summary>
public sealed class HostileTargetTests : IDisposable
{
    /// <summary>The memory a run may reach (peak resident set), whatever the target sends.</summary>
    private const long MemoryCeiling = 256L * 1024 * 1024;

    /// <summary>How long a run may take against a 2 s request timeout and a 5 s scenario budget before it counts as a hang.</summary>
    private static readonly TimeSpan RunCeiling = TimeSpan.FromSeconds(150);

    private static readonly string[] ReportFiles = ["report.json", "report.html", "junit.xml", "badge.svg", "wire.har"];

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mc-hostile-");

    /// <summary>Each hostility at discovery (the metadata itself), then behind well-formed metadata (every endpoint the scenarios call).</summary>
    public static TheoryData<Hostility, bool> Hostilities
    {
        get
        {
            var cases = new TheoryData<Hostility, bool>();
            foreach (var hostility in Enum.GetValues<Hostility>())
            {
                if (hostility is not (Hostility.EndpointsOnClosedPort or Hostility.WrongTypesPastConsent)) cases.Add(hostility, false);
                if (hostility != Hostility.ClosedPort) cases.Add(hostility, true);
            }
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Hostilities))]
    public async Task Run_AgainstAHostileTarget_EndsBounded_Explained_WithEveryReport_AndExitsNonZero(Hostility hostility, bool behindMetadata)
    {
        await using var server = HostileServer.Start(hostility, behindMetadata);
        var target = Path.Combine(_work.FullName, "target.json");
        await File.WriteAllTextAsync(target, TargetFile(server.Url), TestContext.Current.CancellationToken);

        var (code, peak, elapsed, output) = await RunCliAsync("run", "--target", target, "--out", Path.Combine(_work.FullName, "reports"));

        Assert.True(elapsed < RunCeiling, $"{hostility}: the run took {elapsed.TotalSeconds:0} s\n{output}");
        Assert.True(code is 1 or 2, $"{hostility}: exit {code}\n{output}");
        Assert.True(peak < MemoryCeiling, $"{hostility}: peak memory {peak / (1024 * 1024)} MB\n{output}");
        var folder = Assert.Single(Directory.GetDirectories(Path.Combine(_work.FullName, "reports")));
        foreach (var file in ReportFiles) Assert.True(File.Exists(Path.Combine(folder, file)), $"{hostility}: no {file}\n{output}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "report.json"), TestContext.Current.CancellationToken));
        var findings = report.RootElement.GetProperty("requirements").EnumerateArray().SelectMany(r => r.GetProperty("findings").EnumerateArray()).ToList();
        Assert.NotEmpty(findings);
        Assert.DoesNotContain(findings, f => f.GetProperty("verdict").GetString() == "PASSED" && f.GetProperty("message").GetString()!.Length == 0);
        var harnessErrors = findings.Select(f => f.GetProperty("message").GetString()!).Where(m => m.Contains("harness error", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(harnessErrors.Count == 0, $"{hostility}: the target's behaviour is reported as the harness's: {string.Join(" | ", harnessErrors.Take(3))}");
        Assert.All(findings.Where(f => f.GetProperty("verdict").GetString() == "INTERRUPTED"),
            f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("message").GetString()), $"{hostility}: an INTERRUPTED verdict without its reason"));
        // junit.xml must parse whatever bytes the target sent.
        System.Xml.Linq.XDocument.Load(Path.Combine(folder, "junit.xml"));
        var messages = string.Join(" | ", findings.Select(f => f.GetProperty("message").GetString()));
        switch (hostility)
        {
            case Hostility.HugeBody when !behindMetadata:
                Assert.Contains("limits.responseBytes", messages, StringComparison.Ordinal);
                break;
            case Hostility.WrongTypesPastConsent:
                // Past PAR and consent, the wrong types meet the token endpoint: the redemption is explained, not a harness error; and a
                // lifecycle call the agent cannot sign (the file gives it no key) names the member to add.
                Assert.Contains("the approved code was not redeemed: HTTP 200", messages, StringComparison.Ordinal);
                // A message quoting a token response shows its tokens redacted, as the wire log does.
                Assert.Contains("\"access_token\":\"[redacted]\"", messages, StringComparison.Ordinal);
                Assert.DoesNotContain("\"access_token\": 7", messages, StringComparison.Ordinal);
                Assert.Contains("authorizationServers[].clients[].keyFile", messages, StringComparison.Ordinal);
                break;
            case Hostility.NeverAnswers or Hostility.OneByteASecond:
                Assert.Contains("timeouts.requestSeconds", messages, StringComparison.Ordinal);
                break;
            case Hostility.WrongJsonTypes when !behindMetadata:
                // The target's failure, judged: the metadata is not RFC 8414 metadata; what needs its members is INTERRUPTED naming them.
                var md = report.RootElement.GetProperty("requirements").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "MC-AS-MD-101");
                Assert.Equal("FAILED", md.GetProperty("verdict").GetString());
                Assert.Contains("\"pushed_authorization_request_endpoint\" is a number", messages, StringComparison.Ordinal);
                break;
        }
    }

    /// <summary>An AS target at <paramref name="issuer"/> with short timeouts, and the form consent driver (no browser is reached).</summary>
    private static string TargetFile(Uri issuer) => $$"""
        {
          "name": "hostile target",
          "edition": "seed-2026-06",
          "timeouts": { "requestSeconds": 2, "scenarioSeconds": 5, "consentSeconds": 5 },
          "authorizationServers": [{
            "id": "hostile-as",
            "issuer": "{{issuer}}",
            "redirectUri": "http://127.0.0.1/callback",
            "clients": [{ "role": "agent", "clientId": "agent", "auth": "client_secret_basic", "secret": "agent-secret-for-hostile-tests" }],
            "accounts": [{ "role": "approver", "username": "alice", "password": "alice-password" }],
            "consent": { "driver": "form" },
            "intent": { "goal": "Prepare the board packet", "objects": ["https://a.example/mcp", "https://b.example/mcp"], "constraints": ["read-only"], "success_criteria": ["packet drafted"] }
          }]
        }
        """;

    /// <summary>The CLI beside the tests (mission-conformance.dll) as a child process: exit code, peak resident memory, time, output.</summary>
    private static async Task<(int Code, long PeakBytes, TimeSpan Elapsed, string Output)> RunCliAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "mission-conformance.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        long peak = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(RunCeiling + TimeSpan.FromSeconds(30));
        try
        {
            while (!process.HasExited)
            {
                peak = Math.Max(peak, PeakResident(process.Id));
                await Task.Delay(100, limit.Token);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mission-conformance {string.Join(' ', args)} did not end in {RunCeiling.TotalSeconds + 30:0} s");
        }
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, peak, clock.Elapsed, await stdout + await stderr);
    }

    /// <summary>VmHWM, the process's peak resident set so far (Linux /proc), in bytes; 0 once it is gone.</summary>
    private static long PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose() => _work.Delete(recursive: true);
}
