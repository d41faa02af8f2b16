using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// A requirement the catalogue notes as not applying in an edition is SKIPPED there, whatever its seed check found, with the
/// draft and section that say why; in the seed edition the same finding stands.
/// </summary>
public sealed class EditionApplicabilityTests
{
    private static readonly RequirementCatalogue Catalogue = new(
    [
        new Requirement
        {
            Id = "T-SEED-ONLY", Keyword = "MUST",
            Editions = new Dictionary<string, EditionNote>
            {
                [Edition.IetfName] = new() { Applies = false, Doc = "draft.md", Section = "Metadata", Quote = "q", Differs = "the edition has no such member" },
            },
        },
        new Requirement
        {
            Id = "T-IETF-ONLY", Keyword = "MUST", OnlyIn = Edition.IetfName,
            Editions = new Dictionary<string, EditionNote>
            {
                [Edition.IetfName] = new() { Doc = "draft.md", Section = "Conflicts", Quote = "q" },
            },
        },
        new Requirement
        {
            Id = "T-SHOULD-THERE", Keyword = "MUST",
            Editions = new Dictionary<string, EditionNote>
            {
                [Edition.IetfName] = new() { Doc = "draft.md", Section = "Tokens", Quote = "q", Differs = "a preference there", Keyword = "SHOULD" },
            },
        },
    ]);

    [Fact]
    public async Task WhereTheEditionMakesItASHOULD_AFailureIsAWarning_AndInTheSeedItFails()
    {
        var ietf = await RunAsync(Edition.Ietf202608, "T-SHOULD-THERE");

        Assert.Equal(Verdict.Warning, ietf.Verdict);
        Assert.EndsWith("[a SHOULD in edition ietf-2026-08 (draft.md, Tokens): a preference there]", ietf.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Failed, (await RunAsync(Edition.Seed, "T-SHOULD-THERE")).Verdict);
    }

    [Fact]
    public async Task InTheEditionItDoesNotApplyTo_AFailureIsSkipped_NamingTheDraft()
    {
        var finding = await RunAsync(Edition.Ietf202608);

        Assert.Equal(Verdict.Skipped, finding.Verdict);
        Assert.StartsWith("not a requirement of edition ietf-2026-08 (draft.md, Metadata): the edition has no such member [the check found: broken]", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequirementNewInALaterEdition_FailsThere_AndIsSkippedInTheSeed_NamingWhereItIsNew()
    {
        Assert.Equal(Verdict.Failed, (await RunAsync(Edition.Ietf202608, "T-IETF-ONLY")).Verdict);
        var seed = await RunAsync(Edition.Seed, "T-IETF-ONLY");

        Assert.Equal(Verdict.Skipped, seed.Verdict);
        Assert.StartsWith("not a requirement of edition seed-2026-06: new in ietf-2026-08 (draft.md, Conflicts)", seed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InTheSeedEdition_TheFailureStands()
        => Assert.Equal(Verdict.Failed, (await RunAsync(Edition.Seed)).Verdict);

    private static async Task<Finding> RunAsync(Edition edition, string requirement = "T-SEED-ONLY")
    {
        var target = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null) with { ResourceServers = [], Edition = edition };
        var run = new SuiteRun(target, null, new FormConsentDriver(TimeSpan.FromSeconds(1)), new WireLog(), TimeProvider.System, (_, _) => Task.CompletedTask, Catalogue);
        return Assert.Single(await SuiteRunner.RunAsync(run, [new Failing(requirement)], TestContext.Current.CancellationToken));
    }

    private sealed class Broken(string requirement) : Check<bool>
    {
        public override string RequirementId => requirement;

        public override Judgement Judge(bool e) => Judgement.That(e, "fine", "broken");
    }

    private sealed class Failing(string requirement) : Scenario
    {
        public override string Id => "test.edition";
        public override string Title => Id;
        public override IReadOnlyList<ICheck> Checks { get; } = [new Broken(requirement)];

        public override Task RunAsync(ScenarioContext context)
        {
            context.Judge(new Broken(requirement), false);
            return Task.CompletedTask;
        }
    }
}
