using System.CommandLine;
using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites;

namespace MissionConformance.Cli;

/// <summary>
/// `run`: the suite against a target file, or the embedded reference when none is given. Exit codes:
/// 0 every requirement in scope judged and no MUST failed (and the level met when asked); 1 a MUST
/// failed, the level was missed, or a requirement in scope is INTERRUPTED or REVIEW (not shown either
/// way, <see cref="RunOutcome.Unresolved"/>); 2 target file or configuration error; 3 harness error.
/// With <c>--baseline FILE</c>, failures and unresolved verdicts the file lists do not count, and an
/// entry the run no longer shows (stale) does, unless <c>--update-baseline</c> rewrites the file.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target") { Description = "target file (fixtures/schemas/target.schema.json); default: $MISSION_TARGET, else the embedded reference" };
        var output = new Option<string>("--out") { Description = "reports folder", DefaultValueFactory = _ => "reports" };
        var requireLevel = new Option<int?>("--require-level") { Description = "exit 1 unless the computed Ladder level is at least this" };
        var filter = new Option<string?>("--filter") { Description = "comma-separated scenario id prefixes or requirement ids" };
        var printPeers = new Option<bool>("--print-peer-config") { Description = "print where the simulated AS and PDP listen, which your Resource Servers must trust, and exit" };
        var faults = new Option<string?>("--faults")
        {
            Description = "embedded reference only: start it with these comma-separated named faults (`list faults`), to watch the suite catch them",
        };
        var variants = new Option<string?>("--variants")
        {
            Description = "embedded reference only: start it in these comma-separated variants (`list variants`), choices the spec allows that the suite must pass",
        };
        var baselineFile = new Option<string?>("--baseline")
        {
            Description = "known failures to accept, each with its reason (fixtures/schemas/baseline.schema.json); a listed verdict the run no longer shows fails the run as stale",
        };
        var updateBaseline = new Option<bool>("--update-baseline")
        {
            Description = "rewrite the --baseline file to this run: stale entries go, unlisted failures are added for a person to give their reason (creates the file if missing)",
        };
        var command = new Command("run", "Run the conformance suite and write a report")
        {
            target, output, requireLevel, filter, printPeers, faults, variants, baselineFile, updateBaseline,
        };
        command.SetAction(async (parse, ct) =>
        {
            // The invocation's writers, not Console, so a test can read what a user would see.
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var file = parse.GetValue(target) ?? Environment.GetEnvironmentVariable(TargetSession.TargetVariable);
            var scenarios = ConformanceRun.Select(ConformanceSuite.Scenarios(), parse.GetValue(filter));
            if (scenarios.Count == 0)
            {
                await stderr.WriteLineAsync($"error: --filter \"{parse.GetValue(filter)}\" selects no scenario; `mission-conformance list scenarios` prints them");
                return 2;
            }
            if (file is not null && (parse.GetValue(faults) ?? parse.GetValue(variants)) is not null)
            {
                await stderr.WriteLineAsync("error: --faults and --variants start the embedded reference; they cannot change the servers a target file names");
                return 2;
            }
            var baselinePath = parse.GetValue(baselineFile);
            var update = parse.GetValue(updateBaseline);
            if (update && baselinePath is null)
            {
                await stderr.WriteLineAsync("error: --update-baseline rewrites the file --baseline names; give --baseline FILE");
                return 2;
            }
            try
            {
                var baseline = baselinePath is null ? null
                    : update && !File.Exists(baselinePath) ? new Baseline([])
                    : Baseline.Load(baselinePath);
                // A fault that lives in a variant (FaultDescriptor.Under) brings its variant along.
                var faultSet = FaultSet.Parse(parse.GetValue(faults));
                var variantSet = MissionConformance.Reference.Configuration.VariantSet.Parse(parse.GetValue(variants))
                    .Including(faultSet.Active.Select(f => FaultCatalogue.Describe(f).Under).OfType<MissionConformance.Reference.Configuration.Variant>());
                await using var session = file is null
                    ? await EmbeddedReference.OpenSessionAsync(faultSet, ct, variants: variantSet)
                    : await TargetSession.OpenAsync(file, Environment.CurrentDirectory);
                if (parse.GetValue(printPeers)) return PrintPeers(session, stdout);
                var outcome = await session.RunAsync(scenarios, ct);
                if (baseline is not null) outcome = outcome with { Baseline = Compare(baseline, baselinePath!, outcome, update, session.Target.Name) };
                var folder = ReportWriter.Write(outcome, parse.GetValue(output)!);
                Print(outcome, folder, stdout);
                var levelMissed = parse.GetValue(requireLevel) is { } required && outcome.Coordinate.Level < required;
                var unexplained = outcome.Baseline is { } compared
                    ? !compared.Rewritten && !compared.Comparison.Holds
                    : outcome.Findings.Any(f => f.Verdict == Verdict.Failed) || outcome.Unresolved.Count > 0;
                return outcome.SetupError is not null || levelMissed || unexplained ? 1 : 0;
            }
            catch (Exception e) when (e is InputFileException or MissionConformance.Reference.Configuration.ReferenceConfigurationException)
            {
                await stderr.WriteLineAsync("error: " + e.Message);
                return 2;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return await HarnessError.ReportAsync(stderr, e);
            }
        });
        return command;
    }

    /// <summary>What a Resource Server under test must be configured with; fixed ports come from the target file's peers.</summary>
    private static int PrintPeers(TargetSession session, TextWriter stdout)
    {
        if (session.Peers is not { } peers)
        {
            stdout.WriteLine($"{session.Target.Name} names no Resource Servers (resourceServers) or Resource ASes (resourceAuthorizationServers): the harness simulates no peers for it.");
            return 0;
        }
        stdout.WriteLine($"Configure each Resource Server of {session.TargetFile ?? "the embedded reference"} to trust:");
        foreach (var (name, value) in peers.Configuration()) stdout.WriteLine($"  {name,-42} {value}");
        stdout.WriteLine("  The simulated AS signs with a key made for each run: fetch its JWKS again when a token names an unknown kid.");
        if (session.Target.ResourceAses.Count > 0)
        {
            stdout.WriteLine($"Configure each Resource AS to trust {peers.AuthorizationServer.Issuer} as the origin of ID-JAGs (its metadata names its JWKS);");
            stdout.WriteLine("  the harness also presents one ID-JAG from a second simulated AS on a free port, which it must not trust.");
        }
        if (session.TargetFile is not null && (session.Target.Peers.AuthorizationServerPort == 0 || session.Target.Peers.PdpPort == 0))
        {
            stdout.WriteLine("  warning: peers.authorizationServerPort or peers.pdpPort is not set in the target file, so these ports change with every run.");
        }
        return 0;
    }

    /// <summary>The run against its baseline; with <paramref name="update"/>, the file rewritten to the run.</summary>
    private static BaselineResult Compare(Baseline baseline, string path, RunOutcome outcome, bool update, string targetName)
    {
        var comparison = baseline.Compare(outcome);
        if (update && !comparison.Holds)
        {
            File.WriteAllText(path, (baseline.Updated(comparison, outcome, DateTimeOffset.UtcNow) with { TargetName = baseline.TargetName ?? targetName }).ToJson());
            return new BaselineResult(path, comparison, Rewritten: true);
        }
        return new BaselineResult(path, comparison, Rewritten: false);
    }

    private const int MaxCauses = 8;

    private static string Shorten(string cause) => cause.Length <= 200 ? cause : cause[..200] + "…";

    private static void Print(RunOutcome outcome, string folder, TextWriter stdout)
    {
        stdout.WriteLine($"{outcome.Target.Name}: {outcome.Coordinate.Label}");
        foreach (var claimed in outcome.Coordinate.Claimed) stdout.WriteLine("  " + claimed);
        // Issue 23: one meaning per count, named. Requirements count once each, by their worst verdict (report.json counts); verdicts
        // count once per requirement and subject (report.json counts_per_subject).
        string Counts(Func<RunOutcome, Verdict, int> count) => string.Join(", ", Enum.GetValues<Verdict>().Select(v => $"{count(outcome, v)} {v.ToString().ToLowerInvariant()}"));
        stdout.WriteLine($"requirements: {Counts(ReportRows.CountRequirements)}");
        stdout.WriteLine($"verdicts per subject: {Counts(ReportRows.CountVerdicts)} ({outcome.Scenarios.Count} scenarios, {outcome.Duration.TotalSeconds:0.0} s)");
        if (outcome.ScenarioDurations.Count > 0)
        {
            stdout.WriteLine("slowest scenarios: " + string.Join(", ", outcome.ScenarioDurations.OrderByDescending(d => d.Value).Take(3)
                .Select(d => $"{d.Key} {d.Value.TotalSeconds:0.0} s")));
        }
        if (outcome.SetupError is not null) stdout.WriteLine("interrupted: " + outcome.SetupError);
        var causes = outcome.InterruptionCauses();
        foreach (var (cause, count) in causes.Take(MaxCauses)) stdout.WriteLine($"  {count} interrupted: {Shorten(cause)}");
        if (causes.Count > MaxCauses) stdout.WriteLine($"  … {causes.Count - MaxCauses} more causes in the report");
        foreach (var id in outcome.FailedRequirements) stdout.WriteLine($"  FAILED {id}");
        var review = outcome.Unresolved.Where(u => u.Verdict == Verdict.Review).Select(u => u.Requirement).Distinct().ToList();
        if (review.Count > 0) stdout.WriteLine($"  {review.Count} need review by a person: {string.Join(", ", review)}");
        var unverifiable = outcome.NotVerifiable();
        if (unverifiable.Count > 0) stdout.WriteLine($"  {unverifiable.Count} skipped as not verifiable black-box (nothing on the wire shows them): {string.Join(", ", unverifiable)}");
        if (outcome.Unresolved.Count > 0)
        {
            stdout.WriteLine($"not shown: {outcome.Unresolved.Count} verdict(s) up to L{outcome.ScopeLevel} are INTERRUPTED or REVIEW, so the run exits 1 however the rest went");
        }
        foreach (var claim in outcome.OverClaims) stdout.WriteLine($"  over-claim: {claim}");
        if (outcome.Baseline is { } baseline) PrintBaseline(baseline, stdout);
        stdout.WriteLine($"report: {Path.Combine(folder, "report.html")}");
    }

    private static void PrintBaseline(BaselineResult baseline, TextWriter stdout)
    {
        var c = baseline.Comparison;
        stdout.WriteLine($"baseline {baseline.File}: {c.Accepted.Count} known failure(s) accepted, {c.Unlisted.Count} not listed, {c.Stale.Count} stale");
        foreach (var v in c.Unlisted) stdout.WriteLine($"  not in the baseline: {v.Requirement} at {v.Subject} {v.Verdict.ToString().ToUpperInvariant()}");
        foreach (var s in c.Stale) stdout.WriteLine($"  stale: {s.Entry.Describe()} is now {s.Now}");
        if (baseline.Rewritten)
        {
            stdout.WriteLine($"  rewritten (--update-baseline): {c.Stale.Count} stale entry(ies) removed, {c.Unlisted.Count} added for a person to give their reason");
        }
        else if (c.Holds && c.Accepted.Count > 0)
        {
            stdout.WriteLine("  every failure of this run is a known one: the run passes with its baseline");
        }
        else if (!c.Holds)
        {
            stdout.WriteLine("  the run fails: fix or list what is not in the baseline, and remove what is stale (or run again with --update-baseline)");
        }
    }
}
