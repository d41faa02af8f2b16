using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Embedded;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Issue 19, anchors without an inventory: the reference judged through a target file that does not use its Mission inventory, a
/// suite extension no other AS offers. Until then TOK-002 passed comparing nothing, TOK-005 and MC-AS-REC-101 were neutral skips,
/// and REC-005/006 were "not judged". Now the token is compared with what Mission Status shows, a fault is still caught there, and
/// what nothing on the wire shows is reported as not verifiable black-box.
/// </summary>
public sealed class NoInventorySelfTests
{
    private static readonly string[] Scenarios = ["consent.approve-and-issue", "consent.narrowing-and-anchors"];

    private static async Task<RunOutcome> RunAsync(FaultSet faults)
    {
        await using var reference = await EmbeddedReference.StartAsync(faults, TestContext.Current.CancellationToken, FaultSelfTests.FormConsent);
        var withoutInventory = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { UsesInventory = false }] };
        var scenarios = ConformanceSuite.Scenarios().Where(s => Scenarios.Contains(s.Id)).ToList();
        return await ConformanceRun.RunAsync(withoutInventory, reference.Clock, reference.Wait, scenarios, TestContext.Current.CancellationToken, reference.Peers);
    }

    private static Finding Only(RunOutcome outcome, string id) => Assert.Single(outcome.Findings, f => f.RequirementId == id);

    [Fact]
    public async Task WithoutAnInventory_TheTokenIsComparedWithMissionStatus_AndTheRestIsNotVerifiable()
    {
        var outcome = await RunAsync(FaultSet.None);

        Assert.DoesNotContain(outcome.Findings, f => f.Verdict is Verdict.Failed or Verdict.Interrupted);
        foreach (var id in new[] { "MBO-AS-TOK-002", "MBO-AS-TOK-005", "MC-AS-REC-101" })
        {
            var finding = Only(outcome, id);
            Assert.True(finding.Verdict == Verdict.Passed, $"{id}: {finding.Verdict} {finding.Message}");
        }
        Assert.Contains("as Mission Status asked by", Only(outcome, "MBO-AS-TOK-002").Message, StringComparison.Ordinal);
        Assert.Contains("not verifiable black-box", Only(outcome, "MBO-AS-PAR-014").Message, StringComparison.Ordinal);
        foreach (var id in new[] { "MBO-AS-REC-005", "MBO-AS-REC-006", "MBO-AS-REC-009" })
        {
            var finding = Only(outcome, id);
            Assert.True(finding is { Verdict: Verdict.Skipped, NotVerifiable: true }, $"{id}: {finding.Verdict} {finding.Message}");
        }
        Assert.Equal(["MBO-AS-REC-005", "MBO-AS-REC-006", "MBO-AS-REC-009"], outcome.NotVerifiable());
        Assert.Equal(3, (int?)JsonReport.Build(outcome)["counts"]!["not_verifiable"]);
    }

    [Theory]
    [InlineData(nameof(Fault.WrongAuthorityHash), "MBO-AS-TOK-002")]
    [InlineData(nameof(Fault.WidenTokenDetails), "MBO-AS-TOK-005")]
    [InlineData(nameof(Fault.ConstantRenderingHash), "MC-AS-REC-101")]
    public async Task WithoutAnInventory_AFaultIsStillCaughtOnTheWire(string fault, string requirement)
    {
        var outcome = await RunAsync(FaultSet.Parse(fault));

        var finding = Only(outcome, requirement);
        Assert.True(finding.Verdict == Verdict.Failed, $"{requirement}: {finding.Verdict} {finding.Message}");
        Assert.Contains("Mission Status", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("clients[] with role \"status\"", false)]
    public void WithNothingShowingTheMission_TOK002IsNotVerifiable_OrWantsWhatTheTargetFileCouldGive(string? wants, bool notVerifiable)
    {
        var jwt = new JsonWebTokenHandler().CreateToken("""{"mission":{"id":"msn_1","origin":"https://as.example","authority_hash":"sha-256:abc"}}""");
        var token = TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{jwt}}","token_type":"Bearer"}"""));
        var evidence = new TokenEvidence(token, "https://as.example", "agent", null, DateTimeOffset.UtcNow, [], JsonDocument.Parse("{}").RootElement, null)
        {
            WitnessGap = new MissionWitness.Gap("nothing answered", wants),
        };

        var judgement = new MissionClaimAuthorityHash().Judge(evidence);

        Assert.Equal((Verdict.Skipped, notVerifiable, wants), (judgement.Explicit!.Value, judgement.NotVerifiable, judgement.Wants));
    }
}
