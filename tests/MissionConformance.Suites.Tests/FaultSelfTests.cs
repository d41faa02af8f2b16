using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 6: against the reference started with one fault, the Level-1 suite fails
/// exactly the requirement ids that fault declares, no more and no fewer, and an L1 MUST failing
/// drops the coordinate to L0.
/// </summary>
public abstract class FaultSelfTests
{
    public static readonly ConsentSettings FormConsent = ConsentSettings.Reference with { Driver = "form" };

    /// <summary>
    /// One of <see cref="Parts"/> interleaved shares of the AS faults and the projection issuers' (whose verdicts fold into the
    /// MAS, the AS under test): each share is a test class, and classes run in parallel.
    /// </summary>
    public static TheoryData<string> Faults(int part) => new(FaultCatalogue.All
        .Where(f => f.Site is FaultSite.AuthorizationServer or FaultSite.ProjectionIssuer)
        .Where((_, i) => i % Parts == part).Select(f => f.Name));

    public const int Parts = 4;

    protected static async Task AssertFailsExactlyItsRequirementsAsync(string name)
    {
        var fault = FaultCatalogue.Find(name)!;
        // The form driver proves every check fast; BrowserConsentTests proves the consent faults in Chromium too.
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([fault.Fault]), TestContext.Current.CancellationToken, FormConsent, withResourceServers: false,
            withProjectionIssuers: fault.RequirementIds.Any(id => RequirementCatalogue.Default[id].Feature == DomainFeatures.MasTopology),
            variants: fault.Under is { } under ? new VariantSet([under]) : null);

        var projecting = reference.Target.AuthorizationServer.ProjectionIssuers.Count > 0;
        var outcome = await ReachingRun.RunAsync(fault, reference, LevelOneSuite.Scenarios(), $"level-one, projection issuers {projecting}",
            ct => EmbeddedReference.StartAsync(FaultSet.None, ct, FormConsent, withResourceServers: false, withProjectionIssuers: projecting), TestContext.Current.CancellationToken);

        var interrupted = SelfTestVerdicts.UnexplainedInterruptions(outcome.Findings).Select(f => $"{f.RequirementId}: {f.Message}").ToList();
        Assert.True(interrupted.Count == 0, $"{name} interrupted: {string.Join("; ", interrupted)}");
        // Broken = FAILED (a MUST) or WARNING (a SHOULD), less the fault-free reference's own warning
        // and MD-009, whose over-claim warning follows any coordinate drop rather than the fault.
        var failed = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning)
            .Select(f => f.RequirementId).Where(id => fault.RequirementIds.Contains(id) || id is not ("MBO-AS-TOK-011" or "MBO-AS-MD-009")).Distinct().Order(StringComparer.Ordinal).ToList();
        var declared = fault.RequirementIds.Order(StringComparer.Ordinal).ToList();
        Assert.True(declared.SequenceEqual(failed),
            $"{name} declares [{string.Join(", ", declared)}] but the suite failed [{string.Join(", ", failed)}]:{Environment.NewLine}"
            + string.Join(Environment.NewLine, outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning).Select(f => $"  {f.RequirementId} [{f.Scenario}] {f.Message}")));
        // A projection issuer's fault: it no longer shows projection under the MAS, and the MAS tier carries it (rule 7).
        if (fault.Site == FaultSite.ProjectionIssuer)
        {
            Assert.NotEmpty(outcome.Coordinate.ProjectionIssuers);
            Assert.All(outcome.Coordinate.ProjectionIssuers, p => Assert.False(p.Projects, $"{name}: {p.Id} still shows projection under the MAS"));
        }
        if (declared.Any(id => RequirementCatalogue.Default[id] is { Level: 1, IsMandatory: true }))
        {
            Assert.Equal(0, outcome.Coordinate.Level);
        }
        // An AD-2 MUST broken: the domain stops at AD-1, and so the level at L1 (conformance.md §3 rule 2).
        if (declared.Any(id => RequirementCatalogue.Default[id] is { Tier: "AD-2", IsMandatory: true }))
        {
            Assert.True(outcome.Coordinate.Ad < AdTier.Ad2 && outcome.Coordinate.Level <= 1, $"{name} breaks an AD-2 MUST, yet the coordinate is {outcome.Coordinate.Label}");
        }
        // An AD-3 MUST broken: the domain's AD-3 group is no longer demonstrated (AD-3, and so L3, cannot be reached).
        if (declared.Any(id => RequirementCatalogue.Default[id] is { Tier: "AD-3", IsMandatory: true, Level: null or <= 3 }))
        {
            Assert.False(Ad3Group(outcome).Demonstrated, $"{name} breaks an AD-3 MUST, yet the AD-3 group is demonstrated");
            Assert.True(outcome.Coordinate.Ad < AdTier.Ad3, $"{name} breaks an AD-3 MUST, yet the coordinate is {outcome.Coordinate.Label}");
        }
    }

    /// <summary>The AD-3 group of the run's authorization domain, judged on its own (conformance.md §1, AD-3).</summary>
    public static GroupOutcome Ad3Group(RunOutcome outcome)
        => new CoordinateCalculator(RequirementCatalogue.Default).Evaluate(outcome.Verdicts, outcome.Issuer, r => r.Tier == "AD-3" && r.Role is "AS" or "MAS" && r.Level <= 3);
}

public sealed class FaultSelfTestsFirstQuarter : FaultSelfTests
{
    public static TheoryData<string> Cases => Faults(0);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

public sealed class FaultSelfTestsSecondQuarter : FaultSelfTests
{
    public static TheoryData<string> Cases => Faults(1);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

public sealed class FaultSelfTestsThirdQuarter : FaultSelfTests
{
    public static TheoryData<string> Cases => Faults(2);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

public sealed class FaultSelfTestsFourthQuarter : FaultSelfTests
{
    public static TheoryData<string> Cases => Faults(3);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

/// <summary>Every judged MUST has a fault that proves its check can fail, or a recorded reason why none can.</summary>
public sealed class FaultCoverageTests
{
    [Fact]
    public void EveryJudgedMust_IsProvenByAFault_OrSaysWhyNot()
    {
        var proven = FaultCatalogue.All.SelectMany(f => f.RequirementIds).ToHashSet();

        var unproven = RequirementCatalogue.Default.All
            .Where(r => r.IsMandatory && r.Checks.Count > 0 && !proven.Contains(r.Id) && r.Unproven is null)
            .Select(r => r.Id).ToList();

        Assert.True(unproven.Count == 0, "MUST checks no fault proves and fixtures/requirements.json gives no \"unproven\" reason for: " + string.Join(", ", unproven));
    }
}
