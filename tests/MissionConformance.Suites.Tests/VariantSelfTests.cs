using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 8, the dual of the fault self-tests: against the reference making each choice the spec allows the
/// other way, told to the suite as a target file would tell it, the whole suite fails nothing, interrupts nothing, leaves
/// nothing to review, warns only where the choice departs from a SHOULD, and computes the same coordinate as against the
/// default reference.
/// </summary>
public sealed class VariantSelfTests
{
    /// <summary>The default reference's one warning: it issues bearer tokens without advertising sender constraints (open point 8).</summary>
    private static readonly string[] DefaultWarnings = ["MBO-AS-TOK-011"];

    public static TheoryData<string> Variants() => new(VariantCatalogue.All.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task FullSuite_AgainstTheReferenceInAVariant_PassesWithTheSameCoordinate(string name)
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent,
            variants: VariantSet.Parse(name));

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, ConformanceSuite.Scenarios(), TestContext.Current.CancellationToken, reference.Peers);

        var broken = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Interrupted or Verdict.Review).Select(f => $"{f.RequirementId} {f.Verdict} [{f.Scenario}] {f.Message}").ToList();
        Assert.True(broken.Count == 0, $"{name}:{Environment.NewLine}{string.Join(Environment.NewLine, broken)}");
        // The default reference's one warning unless the variant meets that SHOULD, and the SHOULDs the variant's choice departs from.
        var variant = VariantCatalogue.Find(name)!;
        var warns = DefaultWarnings.Except(variant.Meets ?? []).Concat(variant.Warns ?? []).Order(StringComparer.Ordinal);
        Assert.Equal(warns, outcome.Findings.Where(f => f.Verdict == Verdict.Warning).Select(f => f.RequirementId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("L4 · RS-D · AD-3", outcome.Coordinate.Label);
        Assert.Empty(outcome.Unresolved);
    }

    [Fact]
    public async Task AdminOnlyLifecycle_RefusesTheAgent_AsIfTheMissionWereUnknown()
    {
        // The variant is a real choice, not a no-op: judged with the agent as lifecycle client, the lifecycle checks fail.
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent,
            withResourceServers: false, variants: VariantSet.Parse(nameof(Variant.AdminOnlyLifecycle)));
        var asAgent = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { LifecycleRole = null }] };

        var outcome = await ConformanceRun.RunAsync(asAgent, reference.Clock, reference.Wait, [new Scenarios.LifecycleGatingScenario()], TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.Failed, outcome.Verdicts[("MBO-AS-LC-002", outcome.Issuer)]);
    }

    [Fact]
    public async Task OpaqueAccessTokens_AreNoJwt_AndAnIntrospectionWithoutMissionFailsTok013()
    {
        // The variant is a real choice: no JWT on the wire, every claim read by introspection; and TOK-013 can fail there.
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.Parse(nameof(Fault.IntrospectionOmitsMission)), TestContext.Current.CancellationToken,
            FaultSelfTests.FormConsent, withResourceServers: false, variants: VariantSet.Parse(nameof(Variant.OpaqueAccessTokens)));

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, [new Scenarios.ApprovalAndTokenScenario()], TestContext.Current.CancellationToken);

        var opaque = Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-AS-TOK-013");
        Assert.True(opaque.Verdict == Verdict.Failed, $"{opaque.Verdict} {opaque.Message}");
        Assert.Contains("answered no mission member", opaque.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Skipped, outcome.Verdicts[("MBO-AS-TOK-012", outcome.Issuer)]);
    }
}
