using System.Text.Json;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.Tests;

/// <summary>The coordinate calculator and the consistency rules of conformance.md §3, rule by rule.</summary>
public sealed class CoordinateTests
{
    private const string As = "https://as.example/";

    /// <summary>Two mandatory requirements per AD tier, one per RS tier, one L4 AS requirement, one of a PDP, one SHOULD, one excluded.</summary>
    private static readonly RequirementCatalogue Catalogue = new(
    [
        R("AD1-a", 1, "AD-1"), R("AD1-b", 1, "AD-1"), R("AD1-should", 1, "AD-1", keyword: "SHOULD"), R("AD1-excluded", 1, "AD-1", excluded: "not black-box testable"),
        R("AD2-a", 2, "AD-2"), R("AD2-b", 2, "AD-2"),
        R("AD3-a", 3, "AD-3"), R("AD3-b", 3, "AD-3"),
        R("L4-as", 4, "AD-3"),
        R("RSA", 1, "RS-A", "RS"), R("RSB", 3, "RS-B", "RS"), R("RSC", 3, "RS-C", "RS"), R("RSD", 4, "RS-D", "PEP"),
        R("PDP-a", 4, "RS-D", "PDP"),
    ]);

    private readonly CoordinateCalculator _calculator = new(Catalogue);

    [Fact]
    public void Level1_AllAd1MustsPassed_IsL1AtAd1()
    {
        var coordinate = Compute(Passed(As, "AD1-a", "AD1-b"));

        Assert.Equal(1, coordinate.Level);
        Assert.Equal(AdTier.Ad1, coordinate.Ad);
        Assert.Equal("L1 · AD-1", coordinate.Label);
    }

    [Theory]
    [InlineData(Verdict.Failed)]
    [InlineData(Verdict.Interrupted)]
    [InlineData(Verdict.Review)]
    public void Rule4_AFailedOrUnjudgedL1Must_CapsAtL0WhateverElsePasses(Verdict broken)
    {
        var verdicts = Passed(As, "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b");
        verdicts[("AD1-a", As)] = broken;

        var coordinate = Compute(verdicts);

        Assert.Equal(0, coordinate.Level);
        Assert.Equal(AdTier.None, coordinate.Ad);
        Assert.Contains(coordinate.Reasons, r => r.Contains("AD1-a " + broken.ToString().ToUpperInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public void Interrupted_IsNeverCountedAsAPass_EvenForAnUntestedRequirement()
    {
        var coordinate = Compute(Passed(As, "AD1-a"));  // AD1-b has no verdict at all

        Assert.Equal(0, coordinate.Level);
        Assert.Contains(coordinate.Reasons, r => r.Contains("AD1-b not tested", StringComparison.Ordinal));
    }

    [Fact]
    public void Tiers_SkippedIsNeutralButAGroupNeedsAPass_AndShouldsAndExclusionsDoNotBlock()
    {
        var verdicts = Passed(As, "AD1-a");
        verdicts[("AD1-b", As)] = Verdict.Skipped;
        verdicts[("AD1-should", As)] = Verdict.Warning;

        Assert.Equal(AdTier.Ad1, Compute(verdicts).Ad);

        var allSkipped = new Dictionary<(string, string), Verdict> { [("AD1-a", As)] = Verdict.Skipped, [("AD1-b", As)] = Verdict.Skipped };
        Assert.Equal(AdTier.None, Compute(allSkipped).Ad);
    }

    [Fact]
    public void Tiers_AMustSkippedForWantOfATargetFileField_LeavesTheTierClaimedNotDemonstrated()
    {
        // Issue 19 item 2: a neutral skip let AD-2 rest on half its MUSTs when the file simply gave no way to test the rest.
        var verdicts = Passed(As, "AD1-a", "AD1-b", "AD2-a");
        verdicts[("AD2-b", As)] = Verdict.Skipped;
        var wanting = new CoordinateCalculator(Catalogue) { Wants = new Dictionary<(string, string), string> { [("AD2-b", As)] = "authorizationServers[0].narrowing" } };

        var neutral = Compute(verdicts);
        var claimed = wanting.Compute(verdicts, As, null);

        Assert.Equal(AdTier.Ad2, neutral.Ad);
        Assert.Equal(AdTier.Ad1, claimed.Ad);
        var claim = Assert.Single(claimed.Claimed);
        Assert.Equal(("AD-2", As), (claim.Tier, claim.Subject));
        Assert.Equal("AD-2 claimed, not demonstrated at https://as.example/: add to the target file what AD2-b needs authorizationServers[0].narrowing", claim.ToString());
        Assert.Contains(claimed.Reasons, r => r.StartsWith("AD-2 claimed, not demonstrated", StringComparison.Ordinal));
    }

    [Fact]
    public void Tiers_AWantAlongsideAFailure_IsNoClaim()
    {
        var verdicts = Passed(As, "AD1-a", "AD1-b");
        verdicts[("AD2-a", As)] = Verdict.Failed;
        verdicts[("AD2-b", As)] = Verdict.Skipped;
        var wanting = new CoordinateCalculator(Catalogue) { Wants = new Dictionary<(string, string), string> { [("AD2-b", As)] = "a field" } };

        var coordinate = wanting.Compute(verdicts, As, null);

        Assert.Equal(AdTier.Ad1, coordinate.Ad);
        Assert.Empty(coordinate.Claimed);
        Assert.Contains(coordinate.Reasons, r => r.Contains("AD2-a FAILED", StringComparison.Ordinal) && r.Contains("AD2-b needs a field", StringComparison.Ordinal));
    }

    [Fact]
    public void Tiers_ACapabilityRequirementMustPass_ItsSkipDemonstratesNothing()
    {
        // MBO-CM-006 is AD-3 itself: a state authority without Mission Status skips it, and other AD-3 passes must not make up for that.
        var calculator = new CoordinateCalculator(new RequirementCatalogue([R("AD1-a", 1, "AD-1"), R("AD3-a", 3, "AD-3"), R("MBO-CM-006", 3, "AD-3")]));
        var verdicts = Passed(As, "AD1-a", "AD3-a");
        verdicts[("MBO-CM-006", As)] = Verdict.Skipped;

        var skipped = calculator.Evaluate(verdicts, As, r => r.Tier == "AD-3");
        verdicts[("MBO-CM-006", As)] = Verdict.Passed;
        var passed = calculator.Evaluate(verdicts, As, r => r.Tier == "AD-3");

        Assert.False(skipped.Demonstrated);
        Assert.Contains(skipped.Blockers, b => b.StartsWith("MBO-CM-006 SKIPPED", StringComparison.Ordinal));
        Assert.True(passed.Demonstrated);
    }

    [Fact]
    public void Reasons_SayHowManyMustsOfADemonstratedTierTheSuiteDoesNotJudgeYet()
    {
        var calculator = new CoordinateCalculator(new RequirementCatalogue([R("AD1-a", 1, "AD-1"), R("AD1-planned", 1, "AD-1", excluded: "planned: a later issue"),
            R("AD1-untestable", 1, "AD-1", excluded: "not black-box testable")]));

        var (tier, reasons) = calculator.DomainTier(Passed(As, "AD1-a"), As);

        Assert.Equal(AdTier.Ad1, tier);
        Assert.Contains(reasons, r => r.StartsWith("AD-1 demonstrated", StringComparison.Ordinal) && r.Contains("1 MUST is not judged by this suite version yet", StringComparison.Ordinal));
    }

    [Fact]
    public void Features_ARequirementOfASurfaceNotOfferedDoesNotApply_OneOfAnOfferedSurfaceTheSuiteCannotJudgeBlocksItsTier()
    {
        // conformance.md §5 L2: delegation "if supported", pairwise "if advertised"; open point 4: one domain rests on same-domain projection.
        var calculator = new CoordinateCalculator(new RequirementCatalogue([R("AD2-core", 2, "AD-2"),
            R("AD2-exchange", 2, "AD-2") with { Feature = DomainFeatures.TokenExchange },
            R("AD2-pairwise-planned", 2, "AD-2", excluded: "planned: later") with { Feature = DomainFeatures.Pairwise },
            R("AD2-delegation-planned", 2, "AD-2", excluded: "planned: later") with { Feature = DomainFeatures.Delegation }]));
        var verdicts = Passed(As, "AD2-core");
        verdicts[("AD2-exchange", As)] = Verdict.Skipped;
        bool InGroup(Requirement r) => r.Tier == "AD-2";

        var plain = DomainFeatures.Survey(JsonDocument.Parse("""{"grant_types_supported":["authorization_code"]}""").RootElement, server: null);
        var pairwise = DomainFeatures.Survey(JsonDocument.Parse("""{"grant_types_supported":["authorization_code"],"mission_pairwise_supported":true}""").RootElement, server: null);
        var withoutExchangeVerdict = Passed(As, "AD2-core");
        var exchange = DomainFeatures.Survey(JsonDocument.Parse("""{"grant_types_supported":["urn:ietf:params:oauth:grant-type:token-exchange"]}""").RootElement, server: null);

        var notOffered = calculator.Evaluate(verdicts, As, InGroup, plain);
        Assert.True(notOffered.Demonstrated);
        Assert.Equal((1, 1, 1, 1), (notOffered.Passed, notOffered.Skipped, notOffered.NotOffered, notOffered.Planned));  // delegation: not examined, so only planned

        var advertised = calculator.Evaluate(verdicts, As, InGroup, pairwise);
        Assert.False(advertised.Demonstrated);
        Assert.Contains(advertised.Blockers, b => b.StartsWith("AD2-pairwise-planned is not judged by this suite version, although the domain offers pairwise", StringComparison.Ordinal));

        // A judged requirement of an offered surface without a verdict was not tested, whatever the reason.
        Assert.Contains(calculator.Evaluate(withoutExchangeVerdict, As, InGroup, exchange).Blockers, b => b == "AD2-exchange not tested");
        Assert.True(calculator.Evaluate(withoutExchangeVerdict, As, InGroup, plain).Demonstrated);
    }

    [Fact]
    public void Features_DelegationIsOfferedExactlyWhenTheTargetFileNamesADelegateClient()
    {
        var metadata = JsonDocument.Parse("""{"grant_types_supported":["urn:ietf:params:oauth:grant-type:token-exchange"]}""").RootElement;
        var reference = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null).AuthorizationServer;
        var withoutDelegate = reference with { Clients = [.. reference.Clients.Where(c => c.Role != "delegate")] };

        Assert.Equal(FeatureAvailability.Offered, DomainFeatures.Survey(metadata, reference)[DomainFeatures.Delegation].Availability);
        Assert.Equal(FeatureAvailability.NotExamined, DomainFeatures.Survey(metadata, withoutDelegate)[DomainFeatures.Delegation].Availability);
        Assert.Equal(FeatureAvailability.NotExamined, DomainFeatures.Survey(metadata, server: null)[DomainFeatures.Delegation].Availability);
    }

    [Fact]
    public void Features_CrossDomainApplies_ExactlyWhenTheTargetFileDeclaresAResourceAs()
    {
        var metadata = JsonDocument.Parse("""{"grant_types_supported":["urn:ietf:params:oauth:grant-type:token-exchange"]}""").RootElement;
        var reference = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null).AuthorizationServer;
        var singleAs = reference with { ResourceAuthorizationServers = [] };

        var declared = DomainFeatures.Survey(metadata, reference)[DomainFeatures.CrossDomain];
        Assert.Equal(FeatureAvailability.Offered, declared.Availability);
        Assert.Contains("https://as.workflow.board-packet.example/", declared.Reason, StringComparison.Ordinal);
        // conformance.md open point 4: without a declaration the domain is single-AS and the ID-JAG checks do not apply.
        Assert.Equal(FeatureAvailability.NotOffered, DomainFeatures.Survey(metadata, singleAs)[DomainFeatures.CrossDomain].Availability);
    }

    [Fact]
    public void Rule2_L2NeedsAd2_AndTiersAreCumulative()
    {
        Assert.Equal(2, Compute(Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b")).Level);
        // AD-3 requirements passing without AD-2 demonstrate nothing beyond AD-1.
        var coordinate = Compute(Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD3-a", "AD3-b"));
        Assert.Equal(AdTier.Ad1, coordinate.Ad);
        Assert.Equal(1, coordinate.Level);
    }

    [Fact]
    public void Rule1_L3NeedsRsCAtEveryConsequentialInScopeRs()
    {
        var domain = Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b");
        var finance = Passed("finance", "RSA", "RSB", "RSC");
        var docsAtB = Passed("docs", "RSA", "RSB");
        docsAtB[("RSC", "docs")] = Verdict.Failed;
        var scope = Scope(("finance", true, true), ("docs", true, true));

        var coordinate = Compute(Merge(domain, finance, docsAtB), scope);

        Assert.Equal(2, coordinate.Level);
        Assert.Equal(RsTier.B, coordinate.ResourceServers.Single(r => r.Id == "docs").Tier);
        Assert.Contains(coordinate.Reasons, r => r.Contains("docs is RS-B", StringComparison.Ordinal));
    }

    [Fact]
    public void Rule6_OutOfScopeOrNonConsequentialRsDoNotLowerTheLevel()
    {
        var domain = Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b");
        var finance = Passed("finance", "RSA", "RSB", "RSC");
        var legacy = Passed("legacy", "RSA");
        var scope = Scope(("finance", true, true), ("legacy", false, true), ("reports", true, false));

        var coordinate = Compute(Merge(domain, finance, legacy), scope);

        Assert.Equal(3, coordinate.Level);
        Assert.Equal("L3 · RS-C · AD-3", coordinate.Label);
    }

    [Fact]
    public void Rule3_L4NeedsRsDAPublishedManifestAndTheRuntimeCoreAtEveryPdp()
    {
        var verdicts = Merge(Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b", "L4-as"), Passed("finance", "RSA", "RSB", "RSC", "RSD"), Passed("pdp-1", "PDP-a"));
        var manifest = Scope(("finance", true, true)) with { Manifest = "https://as.example/manifest" };

        var l4 = _calculator.Compute(verdicts, As, manifest, pdps: ["pdp-1"]);
        Assert.Equal(4, l4.Level);
        Assert.Equal([new PdpStanding("pdp-1", true)], l4.Pdps);

        var unscoped = _calculator.Compute(verdicts, As, Scope(("finance", true, true)), pdps: ["pdp-1"]);
        Assert.Equal(3, unscoped.Level);
        Assert.Contains(unscoped.Reasons, r => r.Contains("manifest", StringComparison.Ordinal));

        var noPdp = _calculator.Compute(verdicts, As, manifest);
        Assert.Equal(3, noPdp.Level);
        Assert.Contains(noPdp.Reasons, r => r.StartsWith("L4 not reached", StringComparison.Ordinal) && r.Contains("names none (pdps)", StringComparison.Ordinal));

        verdicts[("PDP-a", "pdp-1")] = Verdict.Failed;
        var failing = _calculator.Compute(verdicts, As, manifest, pdps: ["pdp-1"]);
        Assert.Equal(3, failing.Level);
        Assert.Equal([new PdpStanding("pdp-1", false)], failing.Pdps);
        Assert.Contains(failing.Reasons, r => r.Contains("PDP pdp-1 does not demonstrate it", StringComparison.Ordinal));

        verdicts[("PDP-a", "pdp-1")] = Verdict.Passed;
        verdicts[("L4-as", As)] = Verdict.Failed;
        Assert.Equal(3, _calculator.Compute(verdicts, As, manifest, pdps: ["pdp-1"]).Level);
    }

    [Fact]
    public void Rule5_InconsistentReportedCoordinates_AreRejected()
    {
        ResourceServerTier[] rsA = [new("finance", RsTier.A, true, true)];
        ResourceServerTier[] rsC = [new("finance", RsTier.C, true, true)];

        Assert.False(CoordinateRules.IsConsistent(4, AdTier.Ad1, rsA, manifest: false));  // the spec's example: L4 / RS-A / AD-1
        Assert.False(CoordinateRules.IsConsistent(1, AdTier.None, [], manifest: false));
        Assert.False(CoordinateRules.IsConsistent(2, AdTier.Ad1, [], manifest: false));
        Assert.False(CoordinateRules.IsConsistent(3, AdTier.Ad3, rsA, manifest: false));
        Assert.False(CoordinateRules.IsConsistent(3, AdTier.Ad3, [], manifest: false));
        Assert.False(CoordinateRules.IsConsistent(4, AdTier.Ad3, rsC, manifest: true));
        Assert.True(CoordinateRules.IsConsistent(3, AdTier.Ad3, rsC, manifest: false));
        Assert.True(CoordinateRules.IsConsistent(1, AdTier.Ad1, rsA, manifest: false));
    }

    [Fact]
    public void Level5_IsNeverClaimable()
    {
        ResourceServerTier[] rsD = [new("finance", RsTier.D, true, true)];

        Assert.Contains(CoordinateRules.Violations(5, AdTier.Ad3, rsD, manifest: true), v => v.Contains("MBO-CM-003", StringComparison.Ordinal));
    }

    [Fact]
    public void Rule7_MasTopology_DeploymentLevelIsTheMinimumOverConsumingDomains()
    {
        var strong = new CapabilityCoordinate(3, AdTier.Ad3, [], [], true);
        var weak = new CapabilityCoordinate(1, AdTier.Ad1, [], [], true);

        Assert.Equal(1, CoordinateCalculator.DeploymentLevel([strong, weak]));
    }

    [Theory]
    [InlineData(Verdict.Passed, 3)]
    [InlineData(Verdict.Failed, 1)]
    [InlineData(Verdict.Interrupted, 1)]
    public void Rule7_EveryResourceAsUnderTest_MustValidateReceivedIdJags_ForL2AndAbove(Verdict atResourceAs, int level)
    {
        var calculator = new CoordinateCalculator(new RequirementCatalogue([.. Catalogue.All, R("RAS-a", 2, "AD-2") with { Feature = DomainFeatures.ResourceAs }]));
        var verdicts = Merge(Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b"), Passed("finance", "RSA", "RSB", "RSC"));
        verdicts[("RAS-a", "partner-as")] = atResourceAs;
        // At the origin AS the Resource AS requirements do not apply: they are judged at the Resource AS.
        var features = DomainFeatures.Survey(JsonDocument.Parse("{}").RootElement, null);

        var coordinate = calculator.Compute(verdicts, As, Scope(("finance", true, true)), features, ["partner-as"]);

        Assert.Equal(level, coordinate.Level);
        Assert.Equal(AdTier.Ad3, coordinate.Ad);
        Assert.Equal(atResourceAs == Verdict.Passed, Assert.Single(coordinate.ResourceAses).Validates);
        Assert.Equal(atResourceAs != Verdict.Passed, coordinate.Reasons.Any(r => r.StartsWith("L2 not reached: Resource AS partner-as", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Rule 7 under the MAS topology: a MAS requirement judged at the projection issuers counts at the MAS as its worst verdict
    /// there, so the MAS tier (and the level) is the minimum over the consuming domains; each issuer's standing is reported.
    /// </summary>
    [Theory]
    [InlineData(Verdict.Passed, Verdict.Passed, 3, AdTier.Ad3)]
    [InlineData(Verdict.Passed, Verdict.Failed, 1, AdTier.Ad1)]
    [InlineData(Verdict.Interrupted, Verdict.Passed, 0, AdTier.None)]
    public void Rule7_TheMasTier_IsTheMinimumOverItsProjectionIssuers(Verdict originAtSecond, Verdict revocationAtSecond, int level, AdTier tier)
    {
        var calculator = new CoordinateCalculator(new RequirementCatalogue([.. Catalogue.All,
            R("MAS-origin", 1, "AD-1", "MAS") with { Feature = DomainFeatures.MasTopology }, R("MAS-revocation", 2, "AD-2", "MAS") with { Feature = DomainFeatures.MasTopology }]));
        var verdicts = Merge(Passed(As, "AD1-a", "AD1-b", "AD2-a", "AD2-b", "AD3-a", "AD3-b"), Passed("finance", "RSA", "RSB", "RSC"), Passed("first-pi", "MAS-origin", "MAS-revocation"));
        verdicts[("MAS-origin", "second-pi")] = originAtSecond;
        verdicts[("MAS-revocation", "second-pi")] = revocationAtSecond;
        var reference = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null).AuthorizationServer;
        var mas = reference with { ProjectionIssuers = [new("first-pi", new Uri("https://pi1.example/"), "c", "s"), new("second-pi", new Uri("https://pi2.example/"), "c", "s")] };
        var features = DomainFeatures.Survey(JsonDocument.Parse("{}").RootElement, mas);
        Assert.Equal(FeatureAvailability.Offered, features[DomainFeatures.MasTopology].Availability);

        var coordinate = calculator.Compute(verdicts, As, Scope(("finance", true, true)), features, projectionIssuers: ["first-pi", "second-pi"]);

        Assert.Equal((level, tier), (coordinate.Level, coordinate.Ad));
        Assert.True(coordinate.IsMissionAuthority);
        var allPassed = originAtSecond == Verdict.Passed && revocationAtSecond == Verdict.Passed;
        Assert.Equal([new ProjectionIssuerStanding("first-pi", true), new ProjectionIssuerStanding("second-pi", allPassed)], coordinate.ProjectionIssuers);
        // Without a declaration the topology is the default one, and the MAS requirements do not apply at all.
        Assert.Equal(FeatureAvailability.NotOffered, DomainFeatures.Survey(JsonDocument.Parse("{}").RootElement, reference with { ProjectionIssuers = [] })[DomainFeatures.MasTopology].Availability);
    }

    [Fact]
    public void Rule8_AMissingScopeStatement_MakesTheCoordinateIncomplete()
    {
        var coordinate = _calculator.Compute(Passed(As, "AD1-a", "AD1-b"), As, scope: null);

        Assert.False(coordinate.ScopeStated);
        Assert.Contains(coordinate.Reasons, r => r.StartsWith("incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void ComputedCoordinates_AreAlwaysConsistent()
    {
        var random = new Random(7);
        var ids = Catalogue.All.Select(r => r.Id).ToList();
        Verdict[] values = [Verdict.Passed, Verdict.Failed, Verdict.Skipped, Verdict.Interrupted];
        for (var i = 0; i < 500; i++)
        {
            var verdicts = new Dictionary<(string, string), Verdict>();
            foreach (var id in ids)
            {
                verdicts[(id, As)] = values[random.Next(values.Length)];
                verdicts[(id, "finance")] = values[random.Next(values.Length)];
            }
            var scope = Scope(("finance", true, true)) with { Manifest = random.Next(2) == 0 ? null : "https://as.example/m" };

            var c = Compute(verdicts, scope);

            Assert.True(CoordinateRules.IsConsistent(c.Level, c.Ad, c.ResourceServers, c.Level < 4 || scope.Manifest is not null), c.Label);
        }
    }

    [Fact]
    public void Advertisement_AboveTheComputedCoordinate_IsAnOverClaim()
    {
        var advertised = new Advertisement([0, 1, 2], ["AD-1", "AD-2"], ["oauth"]);

        var claims = advertised.OverClaims(new CapabilityCoordinate(1, AdTier.Ad1, [], [], true));

        Assert.Equal(2, claims.Count);
        Assert.Empty(new Advertisement([0, 1], ["AD-1"], []).OverClaims(new CapabilityCoordinate(1, AdTier.Ad1, [], [], true)));
    }

    private CapabilityCoordinate Compute(Dictionary<(string, string), Verdict> verdicts, ScopeStatement? scope = null)
        => _calculator.Compute(verdicts, As, scope ?? Scope());

    private static Requirement R(string id, int level, string tier, string role = "AS", string keyword = "MUST", string? excluded = null)
        => new() { Id = id, Keyword = keyword, Level = level, Tier = tier, Role = role, Excluded = excluded };

    private static Dictionary<(string, string), Verdict> Passed(string subject, params string[] ids)
        => ids.ToDictionary(id => (id, subject), _ => Verdict.Passed);

    private static Dictionary<(string, string), Verdict> Merge(params Dictionary<(string, string), Verdict>[] parts)
        => parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);

    private static ScopeStatement Scope(params (string Id, bool Consequential, bool InScope)[] resourceServers)
        => new(["oauth"], resourceServers.Select(r => new ScopedResourceServer(r.Id, "https://" + r.Id + ".example/", r.Consequential, r.InScope)).ToList(), null, ["seed-2026-06"], []);
}
