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
        var command = new Command("run", "Run the conformance suite and write a report") { target, output, requireLevel, filter, printPeers, faults, variants };
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
            try
            {
                // A fault that lives in a variant (FaultDescriptor.Under) brings its variant along.
                var faultSet = FaultSet.Parse(parse.GetValue(faults));
                var variantSet = MissionConformance.Reference.Configuration.VariantSet.Parse(parse.GetValue(variants))
                    .Including(faultSet.Active.Select(f => FaultCatalogue.Describe(f).Under).OfType<MissionConformance.Reference.Configuration.Variant>());
                await using var session = file is null
                    ? await EmbeddedReference.OpenSessionAsync(faultSet, ct, variants: variantSet)
                    : await TargetSession.OpenAsync(file, Environment.CurrentDirectory);
                if (parse.GetValue(printPeers)) return PrintPeers(session, stdout);
                var outcome = await session.RunAsync(scenarios, ct);
                var folder = ReportWriter.Write(outcome, parse.GetValue(output)!);
                Print(outcome, folder, stdout);
                var mustFailed = outcome.Findings.Any(f => f.Verdict == Verdict.Failed);
                var levelMissed = parse.GetValue(requireLevel) is { } required && outcome.Coordinate.Level < required;
                return outcome.SetupError is not null || mustFailed || levelMissed || outcome.Unresolved.Count > 0 ? 1 : 0;
            }
            catch (Exception e) when (e is TargetFileException or MissionConformance.Reference.Configuration.ReferenceConfigurationException)
            {
                await stderr.WriteLineAsync("error: " + e.Message);
                return 2;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await stderr.WriteLineAsync($"harness error: {e.GetType().Name}: {e.Message}");
                return 3;
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

    private const int MaxCauses = 8;

    private static string Shorten(string cause) => cause.Length <= 200 ? cause : cause[..200] + "…";

    private static void Print(RunOutcome outcome, string folder, TextWriter stdout)
    {
        stdout.WriteLine($"{outcome.Target.Name}: {outcome.Coordinate.Label}");
        foreach (var claimed in outcome.Coordinate.Claimed) stdout.WriteLine("  " + claimed);
        var verdicts = outcome.Verdicts.Values.ToList();
        stdout.WriteLine(string.Join(", ", Enum.GetValues<Verdict>().Select(v => $"{verdicts.Count(x => x == v)} {v.ToString().ToLowerInvariant()}"))
            + $" ({outcome.Scenarios.Count} scenarios, {outcome.Duration.TotalSeconds:0.0} s)");
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
        stdout.WriteLine($"report: {Path.Combine(folder, "report.html")}");
    }
}
