using System.Diagnostics;
using System.Net;
using MissionConformance.Embedded;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Cli.Bench;

/// <summary>Requests of one kind sent in a bounded loop: how many were served, how long the loop took, and the first refusal (after which that worker stops).</summary>
public sealed record Throughput(int Requests, TimeSpan Elapsed, int Failed, string? FirstFailure)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>Sequential requests of one kind, one at a time: the 50th and 99th percentile of their latency.</summary>
public sealed record Latency(int Requests, TimeSpan P50, TimeSpan P99, int Failed, string? FirstFailure);

public sealed record AuthorizationServerMeasurement(Throughput Refresh, Throughput PublicRefresh, Throughput ClientCredentials, Latency MissionStatus, int Concurrency)
{
    /// <summary>Mission-bound refresh throughput as a share of client-credentials issuance (issue 23 aims at 0.85 or more).</summary>
    public double Ratio => Refresh.PerSecond / ClientCredentials.PerSecond;

    /// <summary>The same for a public client's refresh, which no client authentication precedes: what the grant itself costs.</summary>
    public double PublicRatio => PublicRefresh.PerSecond / ClientCredentials.PerSecond;

    public bool Clean => Refresh.Failed + PublicRefresh.Failed + ClientCredentials.Failed + MissionStatus.Failed == 0;
}

/// <summary>
/// The reference AS's token endpoint and Mission Status on loopback, measured in one process on one machine. The AS runs alone, in
/// variant StatusOnlyDpopBearer (the one configuration where it issues client_credentials tokens), with the Mission Status rate limit
/// lifted so the limiter is not what is measured. Its clients run over a plain HttpClient: nothing is captured or schema-validated,
/// so the harness's own bookkeeping stays out of the numbers. The grants authenticate their clients as the embedded target registers
/// them: the agent's refresh by client_secret_basic (the AS checks a PBKDF2 hash), the public client's refresh not at all, the status
/// client's client_credentials by private_key_jwt with a DPoP proof.
/// </summary>
public static class AuthorizationServerBench
{
    private const int WarmUp = 20;

    public static async Task<AuthorizationServerMeasurement> MeasureAsync(int requests, int concurrency, CancellationToken ct)
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, ConsentSettings.Reference with { Driver = "form" },
            withResourceServers: false, withProjectionIssuers: false, variants: new VariantSet([Variant.StatusOnlyDpopBearer]),
            tune: options => options with { StatusRequestsPerWindow = int.MaxValue });
        var server = reference.Target.AuthorizationServers[0];
        // Every chain could in principle take every refresh: the budget covers that, the warm-up and the code redemption.
        var approvals = new ApprovedMissionsScenario(concurrency, requests + 2 * WarmUp, "agent", "public");
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, [approvals], ct, reference.Peers);
        var missions = approvals.Missions.Values.SelectMany(m => m).ToList();
        if (missions.Count < 2 * concurrency || missions.Any(m => m.Token.RefreshToken is null || m.MissionId is null))
        {
            throw new BenchException($"could not approve {concurrency} Missions with refresh tokens to measure: "
                + (outcome.SetupError ?? approvals.Interruption ?? "no reason was given"));
        }

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var client = await MissionClient.DiscoverAsync(http, server.Issuer, ct, reference.Clock);
        var statusEndpoint = client.Metadata.MissionStatusEndpoint ?? throw new BenchException("the reference advertises no mission_status_endpoint");
        var statusClient = (server.StatusClients is [var first, ..] ? first : null) ?? throw new BenchException("the embedded target names no status client");
        var chains = approvals.Missions["agent"].Select(m => m.Token.RefreshToken!).ToArray();
        var publicChains = approvals.Missions["public"].Select(m => m.Token.RefreshToken!).ToArray();
        var publicClient = server.Client("public")!.Credentials;

        Task<string?> RefreshAsync(int worker) => RefreshOnceAsync(client, server.Agent.Credentials, chains, worker, ct);
        Task<string?> PublicRefreshAsync(int worker) => RefreshOnceAsync(client, publicClient, publicChains, worker, ct);
        using var keys = new DpopKeys(concurrency);
        Task<string?> IssueAsync(int worker) => IssueOnceAsync(client, statusClient.Credentials, statusEndpoint, keys[worker], ct);

        await LoopAsync(WarmUp, concurrency, RefreshAsync, ct);
        await LoopAsync(WarmUp, concurrency, PublicRefreshAsync, ct);
        await LoopAsync(WarmUp, concurrency, IssueAsync, ct);
        // Two rounds each, alternating, so no grant gets the machine's warmer half.
        var rounds = new List<(Throughput Refresh, Throughput Public, Throughput Issue)>();
        for (var round = 0; round < 2; round++)
        {
            var issued = await LoopAsync(requests / 2, concurrency, IssueAsync, ct);
            var refreshed = await LoopAsync(requests / 2, concurrency, RefreshAsync, ct);
            var publicRefreshed = await LoopAsync(requests / 2, concurrency, PublicRefreshAsync, ct);
            rounds.Add((refreshed, publicRefreshed, issued));
        }

        var status = await StatusLatencyAsync(client, statusClient, statusEndpoint, missions[0].MissionId!, requests, keys[0], ct);
        return new AuthorizationServerMeasurement(Sum(rounds.Select(r => r.Refresh)), Sum(rounds.Select(r => r.Public)), Sum(rounds.Select(r => r.Issue)), status, concurrency);
    }

    private static Throughput Sum(IEnumerable<Throughput> parts)
    {
        var all = parts.ToList();
        return new Throughput(all.Sum(p => p.Requests), TimeSpan.FromTicks(all.Sum(p => p.Elapsed.Ticks)), all.Sum(p => p.Failed),
            all.Select(p => p.FirstFailure).FirstOrDefault(f => f is not null));
    }

    /// <summary><paramref name="requests"/> sends of <paramref name="send"/> shared among <paramref name="workers"/>; a worker whose request fails stops.</summary>
    private static async Task<Throughput> LoopAsync(int requests, int workers, Func<int, Task<string?>> send, CancellationToken ct)
    {
        var remaining = requests;
        var (served, failed) = (0, 0);
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0 && !ct.IsCancellationRequested)
            {
                if (await send(worker) is { } failure)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                    return;
                }
                Interlocked.Increment(ref served);
            }
        }));
        return new Throughput(served, clock.Elapsed, failed, firstFailure);
    }

    /// <summary>One refresh of chain <paramref name="worker"/>; the rotated token replaces the spent one. Null when served.</summary>
    private static async Task<string?> RefreshOnceAsync(MissionClient client, ClientCredentials agent, string[] chains, int worker, CancellationToken ct)
    {
        var answer = await client.RefreshAsync(agent, chains[worker], null, ct);
        if (answer.Status != HttpStatusCode.OK) return $"refresh: {answer.Outcome()} {answer.Member("error_description")}";
        chains[worker] = answer.Member("refresh_token") ?? chains[worker];
        return null;
    }

    private static async Task<string?> IssueOnceAsync(MissionClient client, ClientCredentials statusClient, Uri statusEndpoint, DpopKey key, CancellationToken ct)
    {
        var answer = await client.StatusTokenAsync(statusClient, statusEndpoint, key, ct);
        return answer.Status == HttpStatusCode.OK ? null : $"client_credentials: {answer.Outcome()} {answer.Member("error_description")}";
    }

    /// <summary>Mission Status asked <paramref name="requests"/> times in a row by dpop_bearer (one token, a proof per request), after a warm-up.</summary>
    private static async Task<Latency> StatusLatencyAsync(MissionClient client, TargetClient statusClient, Uri endpoint, string missionId, int requests,
        DpopKey key, CancellationToken ct)
    {
        var issued = await client.StatusTokenAsync(statusClient.Credentials, endpoint, key, ct);
        var token = issued.Member("access_token") ?? throw new BenchException("no Mission-Status-scoped token: " + issued.Outcome());
        var audience = statusClient.Audience ?? throw new BenchException($"status client {statusClient.ClientId} names no audience");
        var samples = new List<TimeSpan>(requests);
        string? firstFailure = null;
        var failed = 0;
        for (var i = 0; i < WarmUp + requests && !ct.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var answer = await client.MissionStatusWithTokenAsync(endpoint, token, key.Proof("POST", endpoint.AbsoluteUri, token), missionId, audience, MissionClient.NewNonce(), ct);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (answer.Status != HttpStatusCode.OK)
            {
                failed++;
                firstFailure ??= "Mission Status: " + answer.Outcome();
                continue;
            }
            if (i >= WarmUp) samples.Add(elapsed);
        }
        samples.Sort();
        return new Latency(samples.Count, Percentile(samples, 0.50), Percentile(samples, 0.99), failed, firstFailure);
    }

    /// <summary>The nearest-rank percentile: the smallest sample at or above <paramref name="p"/> of them.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double p)
        => sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>One DPoP key per worker, disposed together.</summary>
    private sealed class DpopKeys(int count) : IDisposable
    {
        private readonly DpopKey[] _keys = [.. Enumerable.Range(0, count).Select(_ => new DpopKey())];

        public DpopKey this[int index] => _keys[index];

        public void Dispose()
        {
            foreach (var key in _keys) key.Dispose();
        }
    }
}

/// <summary>The bench could not measure what it set out to; the message says what stopped it.</summary>
public sealed class BenchException(string message) : Exception(message);
