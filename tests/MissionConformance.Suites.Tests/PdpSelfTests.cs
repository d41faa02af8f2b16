using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Pdp;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 6 for PDPs: against the reference PDP started with one fault, the PDP suite fails exactly the requirement ids the
/// fault declares, and a broken MUST takes the PDP's runtime Core (on which L4 rests) from it; without faults it passes and decides.
/// </summary>
public sealed class PdpSelfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Faults => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.Pdp).Select(f => f.Name));

    /// <summary>The reference PDP, trusting fresh simulated peers, as the only server of a target file; the PDP suite against it.</summary>
    private static async Task<RunOutcome> RunAsync(FaultSet faults, Func<PdpTarget, PdpTarget>? declare = null)
    {
        using var peers = PeerSet.Start(PeerSettings.Any);
        await using var pdp = await ReferencePdp.StartAsync(new PdpOptions { TrustedIssuer = peers.AuthorizationServer.Issuer, Faults = faults }, Ct);
        var declared = EmbeddedReference.PdpTargetFor(pdp);
        var target = new Target("reference PDP", Harness.Editions.Edition.Seed, [], Timeouts.Default, new ScopeStatement([], [], null, [], []))
        {
            Pdps = [declare is null ? declared : declare(declared)],
        };
        return await ConformanceRun.RunAsync(target, TimeProvider.System, (d, ct) => Task.Delay(d, ct), PdpSuite.Scenarios(), Ct, peers);
    }

    [Fact]
    public async Task FaultFreePdp_PassesEveryRequirement_AndDecides()
    {
        var outcome = await RunAsync(FaultSet.None);

        var notPassed = outcome.Findings.Where(f => f.Verdict != Verdict.Passed).Select(f => $"{f.RequirementId} {f.Verdict}: {f.Message}").ToList();
        Assert.True(notPassed.Count == 0, string.Join(Environment.NewLine, notPassed));
        var judged = RequirementCatalogue.Default.All.Where(r => r.Role == "PDP" && r.Checks.Count > 0).Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(judged, outcome.Findings.Select(f => f.RequirementId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(11, judged.Count);
        Assert.True(outcome.Coordinate.Pdps.Single().Decides);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_FailsExactlyItsDeclaredRequirements_AndAMustTakesTheRuntimeCore(string name)
    {
        var fault = FaultCatalogue.Find(name)!;

        var outcome = await RunAsync(new FaultSet([fault.Fault]));

        var interrupted = SelfTestVerdicts.UnexplainedInterruptions(outcome.Findings).Select(f => $"{f.RequirementId}: {f.Message}").ToList();
        Assert.True(interrupted.Count == 0, $"{name} interrupted: {string.Join("; ", interrupted)}");
        var broken = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning).Select(f => f.RequirementId).Distinct().Order(StringComparer.Ordinal);
        Assert.True(fault.RequirementIds.Order(StringComparer.Ordinal).SequenceEqual(broken), $"{name} declares [{string.Join(", ", fault.RequirementIds)}] but the suite broke [{string.Join(", ", broken)}]:"
            + Environment.NewLine + string.Join(Environment.NewLine, outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning).Select(f => $"  {f.RequirementId} {f.Message}")));
        var breaksAMust = fault.RequirementIds.Any(id => RequirementCatalogue.Default[id].IsMandatory);
        Assert.Equal(!breaksAMust, outcome.Coordinate.Pdps.Single().Decides);
    }

    [Fact]
    public async Task WithoutAnEvidenceExport_TheEvidenceMustsAreWanted_AndThePdpIsClaimedNotDemonstrated()
    {
        var outcome = await RunAsync(FaultSet.None, pdp => pdp with { Evidence = null });

        Assert.All(["MBO-RT-PDP-007", "MBO-RT-PDP-008", "MBO-RT-PDP-009"], id => Assert.Contains(outcome.Findings, f => f.RequirementId == id && f.Verdict == Verdict.Skipped));
        Assert.False(outcome.Coordinate.Pdps.Single().Decides);
        Assert.Contains(outcome.Coordinate.Claimed, c => c.Subject == "PDP reference-pdp" && c.Needs.Any(n => n.Contains("pdps[].evidence", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APdpThatPermitsEverything_IsInterruptedNowhere_AndFailsEveryDenial()
    {
        // Every deciding step off: the controls pass (the allowed action is permitted), so each denial check judges, and fails.
        var outcome = await RunAsync(new FaultSet([Fault.PdpIgnoresMissionState, Fault.PdpSkipsDigestCheck, Fault.PdpIgnoresStaleness, Fault.PdpPermitsUnlistedActions,
            Fault.PdpPermitsBeyondTheEntry, Fault.PdpIgnoresMaxInvocations, Fault.PdpIgnoresToolId]));

        Assert.All(["MBO-RT-PDP-001", "MBO-RT-PDP-002", "MBO-RT-PDP-003", "MBO-RT-PDP-004", "MBO-RT-PDP-005", "MBO-RT-PDP-010", "MBO-RT-PDP-011"],
            id => Assert.Contains(outcome.Findings, f => f.RequirementId == id && f.Verdict == Verdict.Failed));
        Assert.DoesNotContain(outcome.Findings, f => f.Verdict == Verdict.Interrupted);
    }

    [Fact]
    public async Task APdpThatRefusesEverything_HasItsDenialsInterrupted_NeverPassed()
    {
        // A PDP whose allowed action is outside the entry denies it too: the positive control fails, and no denial counts as shown.
        var outcome = await RunAsync(FaultSet.None, pdp => pdp with { AllowedAction = "x_never_in_the_entry" });

        var denials = new[] { "MBO-RT-PDP-001", "MBO-RT-PDP-003", "MBO-RT-PDP-004", "MBO-RT-PDP-005", "MBO-RT-PDP-010", "MBO-RT-PDP-011" };
        Assert.All(denials, id => Assert.Contains(outcome.Findings, f => f.RequirementId == id && f.Verdict == Verdict.Interrupted
            && f.Message.StartsWith(PositiveControl.FailedPrefix, StringComparison.Ordinal)));
        Assert.DoesNotContain(outcome.Findings, f => denials.Contains(f.RequirementId) && f.Verdict == Verdict.Passed);
    }
}
