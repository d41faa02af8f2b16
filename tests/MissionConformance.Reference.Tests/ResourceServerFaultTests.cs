using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>Each Resource Server fault changes what the server does on the wire, and the fault-free server does not.</summary>
public sealed class ResourceServerFaultTests
{
    public static TheoryData<string> Faults => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.ResourceServer).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_IsObservableOnTheWire_AndAbsentWithoutIt(string name)
    {
        var fault = FaultCatalogue.Find(name)!.Fault;
        var probe = Probe(fault);

        var eventDriven = fault == Fault.RsTreatsUnknownStateAsActive;
        await using (var faultFree = await ProbedResourceServer.StartAsync(FaultSet.None, eventDriven: eventDriven))
        {
            Assert.False(await probe(faultFree), $"the fault-free server shows {name}'s behaviour");
        }
        await using var faulty = await ProbedResourceServer.StartAsync(new FaultSet([fault]), eventDriven: eventDriven);
        Assert.True(await probe(faulty), $"{name} is not observable: {FaultCatalogue.Describe(fault).Breaks}");
    }

    private static Func<ProbedResourceServer, Task<bool>> Probe(Fault fault) => fault switch
    {
        Fault.RsNoResourceMetadata => async rs => (await rs.Client.GetJsonAsync(rs.Server.ResourceMetadataUrl, TestContext.Current.CancellationToken)).Status == HttpStatusCode.NotFound,
        Fault.RsAcceptsWrongTyp => rs => rs.ServedAsync(rs.Token(s => s with { Type = "JWT" })),
        Fault.RsAcceptsMissingMission => rs => rs.ServedAsync(rs.Token(s => s with { OmitMission = true })),
        Fault.RsIgnoresRevokedMission => async rs =>
        {
            rs.Mission.State = "revoked";
            return await rs.ServedAsync(rs.Token()) && rs.Peers.AuthorizationServer.StatusRequestsFor(rs.Mission.Id) > 0;
        },
        Fault.RsNeverAsksMissionStatus => async rs =>
        {
            rs.Mission.State = "revoked";
            return await rs.ServedAsync(rs.Token()) && rs.Peers.AuthorizationServer.StatusRequestsFor(rs.Mission.Id) == 0;
        },
        Fault.RsTreatsUnknownStateAsActive => async rs =>
        {
            var token = rs.Token();
            Assert.True(await rs.ServedAsync(token));
            Assert.Equal(HttpStatusCode.Accepted, await rs.PushAsync("paused_by_operator"));
            return await rs.ServedAsync(token);
        },
        Fault.RsIgnoresActions => rs => rs.ServedAsync(rs.Token(), "export_ledger", []),
        Fault.RsIgnoresConstraint => rs => rs.ServedAsync(rs.Token(), arguments: new JsonObject { ["fiscal_period"] = "2025-Q4", ["max_rows"] = 10 }),
        Fault.RsAcceptsUnknownConstraint => rs =>
        {
            var entry = rs.Entry();
            entry["constraints"]!["x_unknown_limit"] = 1;
            return rs.ServedAsync(rs.Token(s => s with { AuthorizationDetails = new JsonArray(entry) }));
        },
        Fault.RsScopeWidensDetails => rs => rs.ServedAsync(rs.Token(s => s with { Scope = "query_financials export_ledger" }), "export_ledger", []),
        Fault.RsHonoursForeignEntries => rs =>
        {
            var entry = rs.Entry();
            entry["resource"] = "https://elsewhere.example/mcp";
            return rs.ServedAsync(rs.Token(s => s with { AuthorizationDetails = new JsonArray(entry) }));
        },
        Fault.RsTrustsUnknownMissionMembers => rs =>
        {
            var claim = rs.Mission.Claim();
            claim["x_extra"] = new JsonObject { ["actions"] = new JsonArray("export_ledger") };
            return rs.ServedAsync(rs.Token(s => s with { MissionClaim = claim }), "export_ledger", []);
        },
        Fault.RsListsEveryTool => async rs => (await rs.Client.ListToolsAsync(rs.Server.Resource, rs.Token(), TestContext.Current.CancellationToken)).ToolNames.Contains("export_ledger"),
        Fault.RsSkipsPdp => async rs => await rs.ServedAsync(rs.Token()) && rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id).Count == 0,
        Fault.RsActsOnDeny => rs =>
        {
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Deny);
            return rs.ServedAsync(rs.Token());
        },
        Fault.RsFailsOpenWhenPdpDown => rs =>
        {
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Unavailable);
            return rs.ServedAsync(rs.Token());
        },
        Fault.RsOmitsMissionContext => async rs => (await rs.EvaluationAsync())?["context"]?["mission"]?["policy_version"] is null,
        Fault.RsOmitsFreshness => async rs => (await rs.EvaluationAsync())?["context"]?["freshness"] is null,
        Fault.RsOmitsToolId => async rs => (await rs.EvaluationAsync())?["context"]?["tool_id"] is null,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "every Resource Server fault needs a probe that shows its behaviour"),
    };
}
