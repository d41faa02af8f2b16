using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Tests;

/// <summary>The reference MCP Resource Servers at each tier, driven by the harness's simulated AS and PDP.</summary>
public sealed class ResourceServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(PeerSet Peers, ReferenceResourceServer Server, McpClient Client, HttpClient Http)> StartAsync(ResourceServerProfile profile, RsTierSetting tier)
    {
        var peers = PeerSet.Start(PeerSettings.Any);
        var server = await ReferenceResourceServer.StartAsync(new ResourceServerOptions
        {
            Profile = profile, Tier = tier, TrustedIssuer = peers.AuthorizationServer.Issuer, Pdp = peers.Pdp.Url, MaxStaleSeconds = 3,
        }, Ct);
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return (peers, server, new McpClient(http), http);
    }

    private static JsonArray Entry(ReferenceResourceServer server) => new(new JsonObject
    {
        ["type"] = "mission_resource_access",
        ["resource"] = server.Resource,
        ["actions"] = new JsonArray([.. server.Options.Profile.CatalogueEntry.Actions.Select(a => (JsonNode)a)]),
        ["constraints"] = server.Options.Profile.CatalogueEntry.Constraints.DeepClone(),
    });

    private static readonly JsonObject Allowed = new() { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 100 };

    [Fact]
    public async Task RsD_ServesAnAllowedCall_AfterOneEvaluationWithTheMissionContext()
    {
        var (peers, server, client, http) = await StartAsync(ResourceServerProfile.Finance, RsTierSetting.D);
        await using var _ = server;
        using var __ = peers;
        using var ___ = http;
        var mission = peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", Entry(server), TimeSpan.FromHours(1));
        var token = peers.AuthorizationServer.Mint(new AccessTokenSpec(server.Resource, mission));

        var response = await client.CallToolAsync(server.Resource, token, "query_financials", Allowed, Ct);

        Assert.True(response.Served, response.Describe() + " " + response.Http.Body);
        var evaluation = Assert.Single(peers.Pdp.EvaluationsFor(mission.Id));
        Assert.Equal(mission.AuthorityHash, (string?)evaluation.Body!["context"]!["mission"]!["authority_hash"]);
        Assert.Equal(SimulatedMission.PolicyVersion, (string?)evaluation.Body["context"]!["mission"]!["policy_version"]);
        Assert.Equal("fresh", (string?)evaluation.Body["context"]!["freshness"]!["mode"]);
        Assert.Single(server.Executions);
    }

    [Fact]
    public async Task RsD_RefusesWhatTheMissionDoesNotAllow_AndWhatThePdpDenies()
    {
        var (peers, server, client, http) = await StartAsync(ResourceServerProfile.Finance, RsTierSetting.D);
        await using var _ = server;
        using var __ = peers;
        using var ___ = http;
        var mission = peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", Entry(server), TimeSpan.FromHours(1));
        var token = peers.AuthorizationServer.Mint(new AccessTokenSpec(server.Resource, mission));

        var unlisted = await client.CallToolAsync(server.Resource, token, "export_ledger", [], Ct);
        var outOfPeriod = await client.CallToolAsync(server.Resource, token, "query_financials", new JsonObject { ["fiscal_period"] = "2025-Q4", ["max_rows"] = 100 }, Ct);
        peers.Pdp.Script(mission.Id, PdpAnswer.Deny);
        var denied = await client.CallToolAsync(server.Resource, token, "query_financials", Allowed, Ct);
        var listed = await client.ListToolsAsync(server.Resource, token, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, unlisted.Status);
        Assert.Equal(HttpStatusCode.Forbidden, outOfPeriod.Status);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(["query_financials"], listed.ToolNames);
        Assert.Empty(server.Executions);
    }

    [Fact]
    public async Task RsB_RefusesTheSameTokenOnceTheMissionIsRevoked_WithinMaxStale()
    {
        var (peers, server, client, http) = await StartAsync(ResourceServerProfile.Finance, RsTierSetting.B);
        await using var _ = server;
        using var __ = peers;
        using var ___ = http;
        var mission = peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", Entry(server), TimeSpan.FromHours(1));
        var token = peers.AuthorizationServer.Mint(new AccessTokenSpec(server.Resource, mission));
        Assert.True((await client.CallToolAsync(server.Resource, token, "query_financials", Allowed, Ct)).Served);

        mission.State = "revoked";
        var revokedAt = DateTimeOffset.UtcNow;
        McpResponse after;
        do
        {
            await Task.Delay(200, Ct);
            after = await client.CallToolAsync(server.Resource, token, "query_financials", Allowed, Ct);
        }
        while (after.Served && DateTimeOffset.UtcNow - revokedAt < TimeSpan.FromSeconds(6));

        Assert.Equal(HttpStatusCode.Forbidden, after.Status);
        Assert.True(DateTimeOffset.UtcNow - revokedAt <= TimeSpan.FromSeconds(4), "refused only after " + (DateTimeOffset.UtcNow - revokedAt));
    }

    [Fact]
    public async Task RsA_RefusesBadTokens_AndPointsAtItsMetadata()
    {
        var (peers, server, client, http) = await StartAsync(ResourceServerProfile.Docs, RsTierSetting.A);
        await using var _ = server;
        using var __ = peers;
        using var ___ = http;
        var mission = peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", Entry(server), TimeSpan.FromHours(1));
        var sim = peers.AuthorizationServer;

        var none = await client.ListToolsAsync(server.Resource, null, Ct);
        var prm = await client.GetJsonAsync(none.Challenge("resource_metadata")!, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(server.Resource, prm.Document!.Value.GetProperty("resource").GetString());
        foreach (var bad in new[]
        {
            new AccessTokenSpec(server.Resource, mission) { ForeignKey = true },
            new AccessTokenSpec("https://elsewhere.example/mcp", mission),
            new AccessTokenSpec(server.Resource, mission) { IssuedAgo = TimeSpan.FromMinutes(20) },
            new AccessTokenSpec(server.Resource, mission) { Type = "JWT" },
        })
        {
            var response = await client.ListToolsAsync(server.Resource, sim.Mint(bad), Ct);
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{bad}: {response.Describe()} {response.Http.Body}");
        }
        Assert.True((await client.ListToolsAsync(server.Resource, sim.Mint(new AccessTokenSpec(server.Resource, mission)), Ct)).Served);
    }
}
