using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// Mission Expansion (oauth-profile.md §13) by the suite's convention: the successor's Intent pushed with
/// mission_supersedes naming an active Mission of the same client. Approved, the successor names the prior, which
/// is completed; denied, the prior stays as it was; a bad mission_supersedes is refused and creates nothing.
/// </summary>
public sealed class ExpansionTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task AnApprovedExpansion_MakesASuccessorNamingThePrior_AndCompletesThePrior()
    {
        var (prior, successor) = await FaultProbes.ExpandAsync(Reference);

        var successorRecord = (await Reference.RecordAsync(successor.MissionId))!;
        var priorRecord = (await Reference.RecordAsync(prior.MissionId))!;
        var refresh = await Reference.RefreshAsync(prior.RefreshToken!);

        Assert.NotEqual(prior.MissionId, successor.MissionId);
        Assert.Equal(prior.MissionId, (string?)successorRecord["lifecycle"]!["supersedes"]);
        Assert.Equal("completed", (string?)priorRecord["state"]);
        Assert.Contains($"superseded by {successor.MissionId}", priorRecord["lifecycle"]!["history"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant", "completed"), (refresh.Status, refresh.Member("error"), refresh.Member("mission_state")));
        // The consent page said what approving would replace, and what it adds to it (§13: a diff against the current Mission).
        Assert.Contains(prior.MissionId, successor.Consent.ConsentPageText, StringComparison.Ordinal);
        Assert.Contains("Compared with it, approving adds:", successor.Consent.ConsentPageText, StringComparison.Ordinal);
        Assert.Contains("new: Workflow MCP server: notify_reviewer", successor.Consent.ConsentPageText, StringComparison.Ordinal);
        // Only the workflow entry is new: finance and documents were the prior's already.
        Assert.Equal([ResourceCatalogue.WorkflowResource], successorRecord["consent_disclosure"]!["expansion"]!["adds"]!.AsArray().Select(a => (string?)a!["resource"]));
    }

    [Fact]
    public async Task ADeniedExpansion_LeavesThePriorActiveAndDeriving()
    {
        var kept = await Reference.ObtainAsync(FaultProbes.NarrowBoardPacketIntent());
        var before = (await Reference.RecordAsync(kept.MissionId))!;

        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, (MissionParameters.Supersedes, kept.MissionId));
        var denial = await Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny);
        var refresh = await Reference.RefreshAsync(kept.RefreshToken!);
        var after = (await Reference.RecordAsync(kept.MissionId))!;

        Assert.Equal("access_denied", denial.Error);
        Assert.True(refresh.Status == HttpStatusCode.OK, $"{(int)refresh.Status} {refresh.Body}");
        Assert.Equal("active", (string?)after["state"]);
        Assert.Equal((string?)before["integrity"]!["authority_hash"], (string?)after["integrity"]!["authority_hash"]);
    }

    [Fact]
    public async Task MissionSupersedes_NamingNoActiveMissionOfThisClient_IsRefused_AndCreatesNothing()
    {
        var foreign = await Reference.ObtainAsync(client: RunningReference.Other);
        var completed = await Reference.ObtainAsync();
        Assert.Equal(HttpStatusCode.OK, (await Reference.Client.LifecycleAsync(RunningReference.Confidential, completed.MissionId, "complete", null, RunningReference.Ct)).Status);
        var count = await CountAsync();

        foreach (var named in new[] { "msn_unknown" + Guid.NewGuid().ToString("N"), foreign.MissionId, completed.MissionId })
        {
            var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, (MissionParameters.Supersedes, named));

            Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (par.Status, par.Member("error")));
        }
        Assert.Equal(count, await CountAsync());
    }

    private async Task<int> CountAsync()
        => JsonNode.Parse((await Reference.Client.InventoryAsync(RunningReference.Admin, null, null, RunningReference.Ct)).Body)!["missions"]!.AsArray().Count;
}
