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
    ]);

    [Fact]
    public async Task InTheEditionItDoesNotApplyTo_AFailureIsSkipped_NamingTheDraft()
    {
        var finding = await RunAsync(Edition.Ietf202608);

        Assert.Equal(Verdict.Skipped, finding.Verdict);
        Assert.StartsWith("not a requirement of edition ietf-2026-08 (draft.md, Metadata): the edition has no such member [the seed's check found: broken]", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InTheSeedEdition_TheFailureStands()
        => Assert.Equal(Verdict.Failed, (await RunAsync(Edition.Seed)).Verdict);

    private static async Task<Finding> RunAsync(Edition edition)
    {
        var target = TargetLoader.Load(Path.Combine(TargetLoaderTests.Fixtures, "reference.json"), _ => null) with { ResourceServers = [], Edition = edition };
        var run = new SuiteRun(target, null, new FormConsentDriver(TimeSpan.FromSeconds(1)), new WireLog(), TimeProvider.System, (_, _) => Task.CompletedTask, Catalogue);
        return Assert.Single(await SuiteRunner.RunAsync(run, [new Failing()], TestContext.Current.CancellationToken));
    }

    private sealed class Broken : Check<bool>
    {
        public override string RequirementId => "T-SEED-ONLY";

        public override Judgement Judge(bool e) => Judgement.That(e, "fine", "broken");
    }

    private sealed class Failing : Scenario
    {
        public override string Id => "test.seed-only";
        public override string Title => Id;
        public override IReadOnlyList<ICheck> Checks { get; } = [new Broken()];

        public override Task RunAsync(ScenarioContext context)
        {
            context.Judge(new Broken(), false);
            return Task.CompletedTask;
        }
    }
}
