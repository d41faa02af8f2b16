using System.Diagnostics;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Runner;

/// <summary>Everything a run produced: the report's input.</summary>
public sealed record RunOutcome(
    string RunId,
    Target Target,
    string Issuer,
    string ConsentDriver,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<Scenario> Scenarios,
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<(string Requirement, string Subject), Verdict> Verdicts,
    CapabilityCoordinate Coordinate,
    Advertisement Advertised,
    IReadOnlyList<string> OverClaims,
    WireLog Wire,
    string? SetupError,
    System.Text.Json.JsonElement Metadata)
{
    /// <summary>Which discovery document each metadata member came from (target file discovery); empty when metadata was not read.</summary>
    public IReadOnlyDictionary<string, Uri> MetadataSources { get; init; } = new Dictionary<string, Uri>();

    /// <summary>How long each scenario ran, by id; empty when none ran (the metadata could not be read).</summary>
    public IReadOnlyDictionary<string, TimeSpan> ScenarioDurations { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>The run compared with the known failures it was given (<c>run --baseline</c>); null when it was given none.</summary>
    public BaselineResult? Baseline { get; init; }

    /// <summary>Requirement ids judged in this run whose verdict is FAILED.</summary>
    public IReadOnlyList<string> FailedRequirements => Verdicts.Where(v => v.Value == Verdict.Failed).Select(v => v.Key.Requirement).Distinct().Order(StringComparer.Ordinal).ToList();

    public int Count(Verdict verdict) => Verdicts.Count(v => v.Value == verdict);

    /// <summary>Requirement ids SKIPPED because nothing on the wire could show them (<see cref="Finding.NotVerifiable"/>).</summary>
    public IReadOnlyList<string> NotVerifiable() => SuiteRunner.NotVerifiable(Findings).Select(k => k.Requirement).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The Ladder level whose requirements the run must have shown one way or the other: the highest the target advertises
    /// or the run demonstrated, and at least Level 1. Requirements without a level (Resource Server tiers, Resource AS, MAS)
    /// are in scope whenever their subject was run.
    /// </summary>
    public int ScopeLevel => Math.Max(1, Math.Max(Coordinate.Level, Advertised.Levels.DefaultIfEmpty(0).Max()));

    /// <summary>
    /// Verdicts in scope that show nothing either way, INTERRUPTED or REVIEW: a run with any of them has not shown the target
    /// conforms, so it never exits 0 (design.md principle 10; README "Exit codes").
    /// </summary>
    public IReadOnlyList<(string Requirement, string Subject, Verdict Verdict)> Unresolved => Verdicts
        .Where(v => v.Value is Verdict.Interrupted or Verdict.Review && InScope(v.Key.Requirement))
        .Select(v => (v.Key.Requirement, v.Key.Subject, v.Value)).OrderBy(v => v.Requirement, StringComparer.Ordinal).ToList();

    private bool InScope(string requirement) => RequirementCatalogue.Default[requirement].Level is not { } level || level <= ScopeLevel;

    /// <summary>
    /// Why the run's INTERRUPTED verdicts are so, grouped by cause, most frequent first: one unreachable endpoint interrupts
    /// every requirement behind it, and a user needs the one cause, not a hundred copies of it.
    /// </summary>
    public IReadOnlyList<(string Cause, int Count)> InterruptionCauses() => Verdicts
        .Where(v => v.Value == Verdict.Interrupted)
        .Select(v => Findings.First(f => f.RequirementId == v.Key.Requirement && f.Subject == v.Key.Subject && f.Verdict == Verdict.Interrupted).Message)
        .GroupBy(cause => cause, StringComparer.Ordinal)
        .Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
}

/// <summary>Runs a suite against a target: discovery, scenarios, coordinate, advertised-versus-computed.</summary>
public static class ConformanceRun
{
    public static async Task<RunOutcome> RunAsync(Target target, TimeProvider clock, Func<TimeSpan, CancellationToken, Task> wait,
        IReadOnlyList<Scenario> scenarios, CancellationToken ct, PeerSet? peers = null)
    {
        var runId = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "-" + MissionClient.NewNonce()[..6];
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var wire = new WireLog { MaxResponseBytes = target.MaxResponseBytes };
        if (peers is not null) peers.Log.Wire = wire;
        if (target.AuthorizationServers.Count == 0)
        {
            // Resource Servers alone: no discovery, no consent; the harness plays every peer they need.
            var alone = new SuiteRun(target, null, new FormConsentDriver(target.Timeouts.Request), wire, clock, wait, RequirementCatalogue.Default) { Peers = peers };
            var findings = (await SuiteRunner.RunAsync(alone, scenarios, ct)).ToList();
            return Finish(runId, target, "(no authorization server)", "none", started, watch.Elapsed, scenarios, findings, default, wire, null)
                with { ScenarioDurations = alone.Durations };
        }
        var server = target.AuthorizationServer;
        using var http = new HttpClient(new CapturingHandler(wire, new HttpClientHandler { AllowAutoRedirect = false })) { Timeout = target.Timeouts.Request };

        MissionClient client;
        try
        {
            client = (await MissionClient.DiscoverAsync(http, server.Issuer, ct, clock, server.Discovery)).Declaring(server.Lifecycle, target.Edition, server.MissionStatus);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // Nothing can be judged without metadata: every requirement of the suite is INTERRUPTED with the reason, and no browser is started.
            var documents = server.Discovery is { Count: > 0 } named ? string.Join(", ", named) : MissionClient.Rfc8414Document(server.Issuer).AbsoluteUri;
            var reason = $"cannot read {documents}: {(e is TaskCanceledException ? $"no answer within {target.Timeouts.Request.TotalSeconds:0} s (timeouts.requestSeconds)" : e.Message)}";
            var interrupted = scenarios.SelectMany(s => s.Subjects(target).SelectMany(subject => s.Requirements.Select(id => new Finding(id, Verdict.Interrupted, reason, subject, s.Id, [])))).ToList();
            return Finish(runId, target, server.Issuer.AbsoluteUri, server.Consent.Driver, started, watch.Elapsed, scenarios, interrupted, default, wire, reason);
        }

        var consent = await ConsentDrivers.OpenAsync(server.Consent, target.Timeouts.Consent, wire);
        try
        {
            var run = new SuiteRun(target, client, consent, wire, clock, wait, RequirementCatalogue.Default) { Peers = peers };
            var findings = (await SuiteRunner.RunAsync(run, scenarios, ct)).ToList();
            return Finish(runId, target, client.Metadata.IssuerIfString ?? server.Issuer.AbsoluteUri, consent.Name, started, watch.Elapsed, scenarios, findings, client.Metadata.Document, wire, null)
                with { MetadataSources = client.Metadata.Sources, ScenarioDurations = run.Durations };
        }
        finally
        {
            if (consent is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }

    /// <summary>
    /// Outcomes of separate runs against one target as a single outcome: their findings together, the
    /// coordinate and MBO-AS-MD-009 judged again over all of them.
    /// </summary>
    public static RunOutcome Combine(IReadOnlyList<RunOutcome> outcomes)
    {
        // Each run numbered its exchanges and attachments from 1: renumber them into one log and point the evidence at the new ids.
        var wire = new WireLog();
        var findings = new List<Finding>();
        foreach (var outcome in outcomes)
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var exchange in outcome.Wire.Exchanges)
            {
                ids[exchange.Id] = wire.NextId();
                wire.Add(exchange with { Id = ids[exchange.Id] });
            }
            foreach (var attachment in outcome.Wire.Attachments)
            {
                ids[attachment.Id] = wire.Attach(attachment.Name, attachment.MediaType, attachment.Content, attachment.Scenario);
            }
            findings.AddRange(outcome.Findings.Where(f => f.Scenario != CoordinateScenario)
                .Select(f => f with { Evidence = [.. f.Evidence.Select(e => ids.GetValueOrDefault(e, e))] }));
        }
        var first = outcomes[0];
        return Finish(first.RunId, first.Target, first.Issuer, first.ConsentDriver, first.StartedAt, TimeSpan.FromTicks(outcomes.Sum(o => o.Duration.Ticks)),
            [.. outcomes.SelectMany(o => o.Scenarios)], findings, first.Metadata, wire, outcomes.Select(o => o.SetupError).FirstOrDefault(e => e is not null))
            with { ScenarioDurations = outcomes.SelectMany(o => o.ScenarioDurations).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Max(d => d.Value)) };
    }

    private const string CoordinateScenario = "coordinate";

    /// <summary>The coordinate <paramref name="findings"/> demonstrate for <paramref name="target"/>, from verdicts alone (design.md principle 5).</summary>
    public static CapabilityCoordinate CoordinateOf(Target target, IReadOnlyList<Finding> findings, System.Text.Json.JsonElement metadata)
    {
        var calculator = new CoordinateCalculator(RequirementCatalogue.Default) { Wants = SuiteRunner.Wants(findings), NotVerifiable = SuiteRunner.NotVerifiable(findings) };
        return calculator.Compute(SuiteRunner.Verdicts(findings), target.DomainSubject ?? "", target.EffectiveScope,
            DomainFeatures.Survey(metadata, target.AuthorizationServers.Count > 0 ? target.AuthorizationServers[0] : null), [.. target.ResourceAses.Select(r => r.Id)],
            target.AuthorizationServers.Count > 0 ? [.. target.AuthorizationServer.ProjectionIssuers.Select(p => p.Id)] : [], [.. target.Pdps.Select(p => p.Id)]);
    }

    private static RunOutcome Finish(string runId, Target target, string issuer, string consentDriver, DateTimeOffset started, TimeSpan duration,
        IReadOnlyList<Scenario> scenarios, List<Finding> findings, System.Text.Json.JsonElement metadata, WireLog wire, string? setupError)
    {
        var subject = target.DomainSubject ?? "";
        var coordinate = CoordinateOf(target, findings, metadata);
        var advertised = Advertisement.FromMetadata(metadata);
        var overClaims = advertised.OverClaims(coordinate);
        if (setupError is null && target.DomainSubject is not null)
        {
            // MBO-AS-MD-009 (SHOULD) is judged on the computed coordinate, after every scenario.
            var check = new AdvertisementWithinCoordinate();
            var judgement = check.Judge(new AdvertisementEvidence(overClaims, coordinate.Label));
            findings.Add(new Finding(check.RequirementId, judgement.Holds == true ? Verdict.Passed : Verdict.Warning, judgement.Message, subject, CoordinateScenario, []));
        }
        // A Resource Server's claimed tier (target file, conformance.md open point 1) is set beside the computed one.
        var resourceOverClaims = target.ResourceServers
            .Select(r => (Server: r, Claimed: r.ClaimedTier is { } c ? TierNames.ParseRs(c) : null, Computed: coordinate.ResourceServers.FirstOrDefault(t => t.Id == r.Id)?.Tier ?? RsTier.None))
            .Where(r => r.Claimed > r.Computed)
            .Select(r => $"{r.Server.Id} claims {r.Server.ClaimedTier}, the run demonstrated {r.Computed.Name()}");
        return new RunOutcome(runId, target, issuer, consentDriver, started, duration, scenarios, findings, SuiteRunner.Verdicts(findings),
            coordinate, advertised, [.. overClaims, .. resourceOverClaims], wire, setupError, metadata);
    }

    /// <summary>Scenarios whose id starts with, or which judge, any of the comma-separated filter terms.</summary>
    public static IReadOnlyList<Scenario> Select(IReadOnlyList<Scenario> scenarios, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return scenarios;
        var terms = filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return scenarios.Where(s => terms.Any(t => s.Id.StartsWith(t, StringComparison.OrdinalIgnoreCase) || s.Requirements.Contains(t, StringComparer.OrdinalIgnoreCase))).ToList();
    }
}
