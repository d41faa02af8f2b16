using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
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
        // Parameter binding starts at consequential writes (runtime.md §2): the docs server binds create_doc's, finance binds none.
        var profile = fault is Fault.RsWrongParameterDigest or Fault.RsEvidenceDigestMismatch or Fault.RsEvidenceCarriesContent ? ResourceServerProfile.Docs : null;
        var introspection = fault == Fault.RsTrustsIntrospectionForDpop;
        await using (var faultFree = await ProbedResourceServer.StartAsync(FaultSet.None, profile: profile, eventDriven: eventDriven, introspection: introspection))
        {
            Assert.False(await probe(faultFree), $"the fault-free server shows {name}'s behaviour");
        }
        await using var faulty = await ProbedResourceServer.StartAsync(new FaultSet([fault]), profile: profile, eventDriven: eventDriven, introspection: introspection);
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
        Fault.RsShortStatusNonce => async rs =>
            await rs.ServedAsync(rs.Token()) && rs.Peers.AuthorizationServer.StatusRequestErrorsFor(rs.Mission.Id) is [var error] && error.Contains("/nonce", StringComparison.Ordinal),
        Fault.RsReusesExpiredStatus => async rs =>
        {
            // The simulated AS's answers live 1 s; the server's staleness bound is 3 s. Revoked, and asked again after the answer expired.
            var token = rs.Token();
            Assert.True(await rs.ServedAsync(token));
            rs.Mission.State = "revoked";
            await Task.Delay(rs.Peers.AuthorizationServer.StatusLifetime + TimeSpan.FromMilliseconds(700), TestContext.Current.CancellationToken);
            return await rs.ServedAsync(token);
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
        Fault.RsActsThenAsks => async rs =>
        {
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Deny);
            return !await rs.ServedAsync(rs.Token()) && rs.Server.Executions.Any(e => e.MissionId == rs.Mission.Id);
        },
        Fault.RsFailsOpenWhenPdpDown => rs =>
        {
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Unavailable);
            return rs.ServedAsync(rs.Token());
        },
        Fault.RsOmitsMissionContext => async rs => (await rs.EvaluationAsync())?["context"]?["mission"]?["policy_version"] is null,
        Fault.RsOmitsFreshness => async rs => (await rs.EvaluationAsync())?["context"]?["freshness"] is null,
        Fault.RsOmitsToolId => async rs => (await rs.EvaluationAsync())?["context"]?["tool_id"] is null,
        Fault.RsWrongParameterDigest => async rs =>
        {
            Assert.True((await rs.CallAllowedAsync()).Served);
            var evaluation = Assert.Single(rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id));
            var options = rs.Server.Options;
            return evaluation.ParameterDigest != IntegrityAnchors.ParameterDigest(options.ParameterSchemaVersion, options.AuthorizationDomain, rs.Mission.Origin,
                options.Profile.Probes.Allowed.Arguments);
        },
        Fault.RsOmitsExecutionEvidence => async rs => (await rs.CallAllowedAsync()).Served && (await rs.EvidenceAsync()).Count == 0,
        Fault.RsEvidenceDigestMismatch => async rs =>
        {
            Assert.True((await rs.CallAllowedAsync()).Served);
            var record = Assert.Single(await rs.EvidenceAsync())!;
            return (string?)record["parameter_digest"] != Assert.Single(rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id)).ParameterDigest;
        },
        Fault.RsEvidenceInventsOutcome => async rs =>
        {
            Assert.True((await rs.CallAllowedAsync()).Served);
            return (string?)Assert.Single(await rs.EvidenceAsync())!["outcome"] is not ("attempted" or "completed" or "failed" or "suppressed");
        },
        Fault.RsEvidenceCarriesContent => async rs =>
        {
            Assert.True((await rs.CallAllowedAsync()).Served);
            return Assert.Single(await rs.EvidenceAsync())!["result_summary"]!.ToJsonString().Contains("Q3 board packet", StringComparison.Ordinal);
        },
        Fault.RsIgnoresDpopBinding => async rs =>
        {
            using var key = new DpopKey();
            return await rs.ServedAsync(rs.Token(s => s with { DpopThumbprint = key.Thumbprint }));
        },
        Fault.RsManifestWithoutPeps => async rs => (await rs.ManifestAsync())["pep_locations"] is null,
        Fault.RsUnauthenticatedPdpCalls => async rs =>
        {
            Assert.True(await rs.ServedAsync(rs.Token()));
            return rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id) is [var evaluation, ..] && evaluation.CallerProblem is not null;
        },
        Fault.RsManifestChangeKeepsVersion => async rs =>
        {
            var before = await rs.ManifestAsync();
            using var change = new HttpRequestMessage(HttpMethod.Post, rs.Server.ManifestChangeUrl);
            change.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rs.Server.Options.EvidenceToken);
            Assert.Equal(HttpStatusCode.OK, (await rs.Client.Http.SendAsync(change, TestContext.Current.CancellationToken)).StatusCode);
            var after = await rs.ManifestAsync();
            Assert.NotNull(after["excluded_execution_boundaries"]);
            return (string?)before["version"] == (string?)after["version"] && (string?)before["issued_at"] == (string?)after["issued_at"];
        },
        Fault.RsExpiredSlotLeavesNoEvidence => async rs => (await rs.LostOutcomeEvidenceAsync()).Count == 0,
        Fault.RsManifestMissesAction => async rs =>
            !(await rs.ManifestAsync())["pep_locations"]![0]!["covers"]!.AsArray().Any(c => (string?)c == "query_financials"),
        Fault.RsActorFromClientId => async rs => (await rs.DelegatedEvaluationAsync())?["context"]?["actor"]?["act"] is null,
        Fault.RsProvenanceInAct => async rs => (await rs.DelegatedEvaluationAsync())?["context"]?["actor"]?["act"]?["tool"] is not null,
        Fault.RsTrustsIntrospectionForDpop => async rs =>
        {
            using var key = new DpopKey();
            return await rs.ServedAsync(rs.Token(s => s with { DpopThumbprint = key.Thumbprint })) && rs.Peers.AuthorizationServer.IntrospectionsFor(rs.Mission.Id) > 0;
        },
        Fault.RsNoTaskOnRequestableDenial => async rs =>
        {
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Requestable);
            return (await rs.CallAsync(rs.Token())).CreatedTask is null;
        },
        Fault.RsExecutesOnApprovalUnchecked => async rs =>
        {
            var task = await rs.ApprovedTaskAsync();
            return task.TaskStatus == "completed" && rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id).Count == 1;
        },
        Fault.RsReevaluatesWithStaleState => async rs =>
        {
            var token = rs.Token();
            rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Requestable);
            var created = await rs.CallAsync(token);
            rs.Mission.State = "revoked";
            await Task.Delay(TimeSpan.FromSeconds(rs.Server.Options.MaxStaleSeconds + 0.5), TestContext.Current.CancellationToken);
            rs.Peers.Pdp.Decide(rs.Mission.Id, approved: true);
            var poll = await rs.Client.GetTaskAsync(rs.Server.Resource, token, (string)created.CreatedTask!["taskId"]!, TestContext.Current.CancellationToken);
            return poll.TaskStatus == "completed";
        },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "every Resource Server fault needs a probe that shows its behaviour"),
    };
}
