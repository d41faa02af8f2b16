using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>The reference MCP Resource Servers at each tier, driven by the harness's simulated AS and PDP.</summary>
public sealed class ResourceServerTests
{
    private static readonly JsonObject OutOfPeriod = new() { ["fiscal_period"] = "2025-Q4", ["max_rows"] = 100 };

    [Fact]
    public async Task RsD_ServesAnAllowedCall_AfterOneEvaluationWithTheMissionContext()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);

        var response = await rs.CallAsync(rs.Token());

        Assert.True(response.Served, response.Describe() + " " + response.Http.Body);
        var evaluation = Assert.Single(rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id));
        Assert.Equal(rs.Mission.AuthorityHash, (string?)evaluation.Body!["context"]!["mission"]!["authority_hash"]);
        Assert.Equal(SimulatedMission.PolicyVersion, (string?)evaluation.Body["context"]!["mission"]!["policy_version"]);
        Assert.Equal("fresh", (string?)evaluation.Body["context"]!["freshness"]!["mode"]);
        Assert.Single(rs.Server.Executions);
    }

    [Fact]
    public async Task RsD_RefusesWhatTheMissionDoesNotAllow_AndWhatThePdpDenies()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var token = rs.Token();

        var unlisted = await rs.CallAsync(token, "export_ledger", []);
        var outOfPeriod = await rs.CallAsync(token, arguments: OutOfPeriod);
        rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Deny);
        var denied = await rs.CallAsync(token);
        var listed = await rs.Client.ListToolsAsync(rs.Server.Resource, token, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, unlisted.Status);
        Assert.Equal(HttpStatusCode.Forbidden, outOfPeriod.Status);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(["query_financials"], listed.ToolNames);
        Assert.Empty(rs.Server.Executions);
    }

    [Fact]
    public async Task RsB_RefusesTheSameTokenOnceTheMissionIsRevoked_WithinMaxStale()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.B);
        var token = rs.Token();
        Assert.True(await rs.ServedAsync(token));

        rs.Mission.State = "revoked";
        var revokedAt = DateTimeOffset.UtcNow;
        McpResponse after;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            after = await rs.CallAsync(token);
        }
        while (after.Served && DateTimeOffset.UtcNow - revokedAt < TimeSpan.FromSeconds(6));

        Assert.Equal(HttpStatusCode.Forbidden, after.Status);
        Assert.True(DateTimeOffset.UtcNow - revokedAt <= TimeSpan.FromSeconds(4), "refused only after " + (DateTimeOffset.UtcNow - revokedAt));
    }

    [Fact]
    public async Task RsB_Introspecting_RefusesOnceIntrospectionSaysTheMissionIsRevoked_WithoutAskingMissionStatus()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.D, ResourceServerProfile.Docs, introspection: true);
        var token = rs.Token();
        var arguments = rs.Server.Options.Profile.Probes.Allowed.Arguments;
        Task<McpResponse> Call() => rs.Client.CallToolAsync(rs.Server.Resource, token, "create_doc", arguments, TestContext.Current.CancellationToken);

        Assert.True((await Call()).Served);
        rs.Mission.State = "revoked";
        await Task.Delay(TimeSpan.FromSeconds(rs.Server.Options.MaxStaleSeconds + 0.5), TestContext.Current.CancellationToken);
        var refused = await Call();

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(2, rs.Peers.AuthorizationServer.IntrospectionsFor(rs.Mission.Id));
        Assert.Equal(0, rs.Peers.AuthorizationServer.StatusRequestsFor(rs.Mission.Id));
        // The projection carried the policy view, so the evaluation is complete (MBO-RT-PEP-004).
        Assert.Equal(SimulatedMission.PolicyVersion, (string?)rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id)[0].Body!["context"]!["mission"]!["policy_version"]);
    }

    [Fact]
    public async Task RsB_EventDriven_RefusesAfterTheRevocationEvent_AndRejectsASetFromAnotherKey()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.B, eventDriven: true);
        var token = rs.Token();
        Assert.True(await rs.ServedAsync(token));
        var statusReads = rs.Peers.AuthorizationServer.StatusRequestsFor(rs.Mission.Id);
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.True(await rs.ServedAsync(token));  // event-driven: the state is kept until an event changes it
        Assert.Equal(statusReads, rs.Peers.AuthorizationServer.StatusRequestsFor(rs.Mission.Id));

        using var unsigned = new StringContent("eyJhbGciOiJub25lIn0.e30.", System.Text.Encoding.UTF8);
        unsigned.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/secevent+jwt");
        using var http = new HttpClient();
        var forged = await http.PostAsync(rs.Server.EventReceiver, unsigned, TestContext.Current.CancellationToken);
        var revoked = await rs.PushAsync("revoked");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, revoked);
        Assert.Equal(HttpStatusCode.Forbidden, (await rs.CallAsync(token)).Status);
    }

    [Fact]
    public async Task RsD_ShowsWhatItCarriedOut_PerMission_OnlyToTheExportCredential()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, profile: ResourceServerProfile.Finance);
        var ct = TestContext.Current.CancellationToken;
        var observer = rs.Server.EffectsObserver + "?mission_id=" + rs.Mission.Id;
        var before = await rs.Client.GetJsonAsync(observer, ct, rs.Server.Options.EvidenceToken);

        Assert.True((await rs.CallAllowedAsync()).Served);

        var after = await rs.Client.GetJsonAsync(observer, ct, rs.Server.Options.EvidenceToken);
        Assert.Equal(0, before.Document!.Value.GetProperty("executions").GetArrayLength());
        Assert.Equal("query_financials", Assert.Single(after.Document!.Value.GetProperty("executions").EnumerateArray()).GetProperty("tool").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await rs.Client.GetJsonAsync(observer, ct, "rs-evidence-reader-wrong")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await rs.Client.GetJsonAsync(rs.Server.EffectsObserver!, ct, rs.Server.Options.EvidenceToken)).Status);
    }

    [Fact]
    public async Task RsD_BindsAWritesParameters_AndExportsItsEvidence_OnlyToTheExportCredential()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, profile: ResourceServerProfile.Docs);
        var ct = TestContext.Current.CancellationToken;
        var export = rs.Server.EvidenceExport + "?mission_id=" + rs.Mission.Id;

        Assert.True((await rs.CallAllowedAsync()).Served);

        var evaluation = Assert.Single(rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id));
        var allowed = rs.Server.Options.Profile.Probes.Allowed.Arguments;
        Assert.True(JsonNode.DeepEquals(allowed, evaluation.Body!["context"]!["parameters"]));
        // The harness's own digest code, not the reference's, agrees with what the PEP sent.
        Assert.Equal(IntegrityAnchors.ParameterDigest(rs.Server.Options.ParameterSchemaVersion, rs.Server.Options.AuthorizationDomain, rs.Mission.Origin, allowed),
            evaluation.ParameterDigest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rs.Client.GetJsonAsync(export, ct)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rs.Client.GetJsonAsync(export, ct, "rs-evidence-reader-wrong")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await rs.Client.GetJsonAsync(rs.Server.EvidenceExport!, ct, rs.Server.Options.EvidenceToken)).Status);
        var record = Assert.Single(await rs.EvidenceAsync())!.AsObject();
        Assert.Equal(evaluation.DecisionId, (string?)record["decision_id"]);
        Assert.Equal(evaluation.ParameterDigest, (string?)record["parameter_digest"]);
        Assert.Empty(ArtifactSchemas.Validate(ArtifactKind.ExecutionEvidence, record.ToJsonString()));
        var parts = ((string)record["evidence_envelope"]!["value"]!).Split('.');
        record.Remove("evidence_envelope");
        Assert.Equal(Jcs.Canonicalize(record.ToJsonString()), System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])));
    }

    [Fact]
    public async Task RsD_RequestableDenial_WaitsAsATask_AndRunsAfterApprovalOnAFreshPermit_ForThatMissionOnly()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var ct = TestContext.Current.CancellationToken;
        var token = rs.Token();
        rs.Peers.Pdp.Script(rs.Mission.Id, PdpAnswer.Requestable);

        var created = await rs.CallAsync(token);
        var taskId = (string)created.CreatedTask!["taskId"]!;
        var pending = await rs.Client.GetTaskAsync(rs.Server.Resource, token, taskId, ct);
        var other = rs.Peers.AuthorizationServer.CreateMission("user-bob", "agent-confidential", new JsonArray(rs.Entry()), TimeSpan.FromHours(1));
        var foreign = await rs.Client.GetTaskAsync(rs.Server.Resource, rs.Token(mission: other), taskId, ct);
        rs.Peers.Pdp.Decide(rs.Mission.Id, approved: true);
        var done = await rs.Client.GetTaskAsync(rs.Server.Resource, token, taskId, ct);
        var result = await rs.Client.SendAsync(rs.Server.Resource, token, "tasks/result", new JsonObject { ["taskId"] = taskId }, ct);

        Assert.Equal("working", (string?)created.CreatedTask["status"]);
        Assert.Equal("working", pending.TaskStatus);
        Assert.Null(foreign.TaskStatus);  // another Mission's token cannot read the task
        Assert.Equal("completed", done.TaskStatus);
        Assert.True(result.Served, result.Describe());
        Assert.Single(rs.Peers.Pdp.AccessRequestsFor(rs.Mission.Id));
        Assert.Equal(2, rs.Peers.Pdp.EvaluationsFor(rs.Mission.Id).Count);  // the denial, then the fresh decision after approval
        Assert.Single(rs.Server.Executions);
    }

    [Fact]
    public async Task RsD_AdvertisesItsManifest_WhichIsSchemaValidAndCoversItsConsequentialTools()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, profile: ResourceServerProfile.Workflow, eventDriven: true);

        var manifest = await rs.ManifestAsync();

        Assert.Empty(ArtifactSchemas.Validate(ArtifactKind.EnforcementManifest, manifest.ToJsonString()));
        Assert.Equal(["notify_reviewer", "escalate_to_board"], manifest["pep_locations"]![0]!["covers"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("event_driven", (string?)manifest["freshness_mode"]);
        Assert.Equal(["external_commitment"], manifest["action_classes_covered"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task AManifestChange_NeedsTheCredential_AndThenComesWithANewVersionAndALaterIssuedAt()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var ct = TestContext.Current.CancellationToken;
        var before = await rs.ManifestAsync();

        using (var anonymous = new HttpRequestMessage(HttpMethod.Post, rs.Server.ManifestChangeUrl))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await rs.Client.Http.SendAsync(anonymous, ct)).StatusCode);
        }
        Assert.Equal(before.ToJsonString(), (await rs.ManifestAsync()).ToJsonString());
        using var change = new HttpRequestMessage(HttpMethod.Post, rs.Server.ManifestChangeUrl);
        change.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rs.Server.Options.EvidenceToken);
        Assert.Equal(HttpStatusCode.OK, (await rs.Client.Http.SendAsync(change, ct)).StatusCode);

        var after = await rs.ManifestAsync();
        Assert.Equal("2", (string?)after["version"]);
        Assert.True(DateTimeOffset.Parse((string)after["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)before["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(after["excluded_execution_boundaries"]!.AsArray());
        Assert.Empty(ArtifactSchemas.Validate(ArtifactKind.EnforcementManifest, after.ToJsonString()));
    }

    [Fact]
    public async Task RsD_MaxInvocations_RefusesPastTheLimit_AndFinalisesALostOutcomeAtTheTimeout_WithSyntheticEvidence()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var ct = TestContext.Current.CancellationToken;
        var limited = rs.LimitedMission("2");
        var token = rs.Token(mission: limited);

        // Two slots: both calls are served and leave their records; a third permit finds none left (quota_exceeded).
        Assert.True((await rs.CallAsync(token)).Served);
        Assert.True((await rs.CallAsync(token)).Served);
        var third = await rs.CallAsync(token);
        Assert.Equal(HttpStatusCode.Forbidden, third.Status);
        Assert.Contains("quota_exceeded", third.Describe(), StringComparison.Ordinal);
        Assert.Equal(["completed", "completed"], (await rs.EvidenceAsync(limited)).Select(r => (string?)r!["outcome"]));
        Assert.False((await rs.CallAsync(rs.Token(mission: rs.LimitedMission("two")))).Served);

        // The drop hook needs the credential; then the outcome is lost, and the slot waits for its timeout on the server's clock.
        var lost = rs.LimitedMission("3");
        Assert.Equal(HttpStatusCode.Unauthorized, await rs.DropOutcomesAsync(lost, "rs-evidence-reader-wrong"));
        Assert.Equal(HttpStatusCode.OK, await rs.DropOutcomesAsync(lost));
        var call = await rs.CallAsync(rs.Token(mission: lost));
        Assert.False(call.Served);
        var decision = Assert.Single(rs.Peers.Pdp.EvaluationsFor(lost.Id)).DecisionId;
        rs.Clock.Advance(TimeSpan.FromSeconds(rs.Server.Options.SlotTimeoutSeconds - 5));
        Assert.Empty(await rs.EvidenceAsync(lost));
        rs.Clock.Advance(TimeSpan.FromSeconds(6));
        var record = Assert.Single(await rs.EvidenceAsync(lost))!.AsObject();
        Assert.Equal((decision, "failed", "evidence_missing"), ((string?)record["decision_id"], (string?)record["outcome"], (string?)record["error"]));
        Assert.Equal(30, (int?)(await rs.ManifestAsync())["max_invocations_slot_timeout_seconds"]);
        await Assert.ThrowsAsync<Configuration.ReferenceConfigurationException>(() => ReferenceResourceServer.StartAsync(rs.Server.Options with { Url = "http://127.0.0.1:0", SlotTimeoutSeconds = 29 }, ct));
    }

    [Fact]
    public async Task RsC_HasNoEvidenceExportOrManifest_AndNoServerStartsWithAShortExportCredential()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.C);

        Assert.Null(rs.Server.EvidenceExport);
        Assert.Null(rs.Server.ManifestUrl);
        Assert.False(rs.Server.ProtectedResourceMetadata().ContainsKey("mission_enforcement_scope_manifest_uri"));
        Assert.Equal(HttpStatusCode.NotFound, (await rs.Client.GetJsonAsync(rs.Server.BaseUrl.AbsoluteUri + "evidence?mission_id=" + rs.Mission.Id,
            TestContext.Current.CancellationToken, rs.Server.Options.EvidenceToken)).Status);
        await Assert.ThrowsAsync<Configuration.ReferenceConfigurationException>(() => ReferenceResourceServer.StartAsync(rs.Server.Options with { Url = "http://127.0.0.1:0", EvidenceToken = "short" },
            TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RsA_HonoursADpopBoundToken_OnlyWithAFreshProofOfItsKey()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.A);
        using var key = new DpopKey();
        using var other = new DpopKey();
        var ct = TestContext.Current.CancellationToken;
        var bound = rs.Token(s => s with { DpopThumbprint = key.Thumbprint });
        var arguments = new JsonObject { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 10 };
        Task<McpResponse> Call(string? proof) => rs.Client.CallToolAsync(rs.Server.Resource, bound, "query_financials", arguments, ct, dpopProof: proof,
            sessionProof: proof is null ? null : () => key.Proof("POST", rs.Server.Resource, bound));

        var proof = key.Proof("POST", rs.Server.Resource, bound);
        var served = await Call(proof);
        var replayed = await Call(proof);
        var asBearer = await Call(null);
        var otherKey = await Call(other.Proof("POST", rs.Server.Resource, bound));
        var otherMethod = await Call(key.Proof("GET", rs.Server.Resource, bound));

        Assert.True(served.Served, served.Describe() + " " + served.WwwAuthenticate);
        Assert.All([replayed, asBearer, otherKey, otherMethod], r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal("invalid_dpop_proof", otherKey.Challenge("error"));
        Assert.StartsWith("DPoP ", otherKey.WwwAuthenticate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsA_RefusesBadTokens_AndPointsAtItsMetadata()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None, RsTierSetting.A, ResourceServerProfile.Docs);

        var none = await rs.Client.ListToolsAsync(rs.Server.Resource, null, TestContext.Current.CancellationToken);
        var prm = await rs.Client.GetJsonAsync(none.Challenge("resource_metadata")!, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(rs.Server.Resource, prm.Document!.Value.GetProperty("resource").GetString());
        foreach (var bad in new Func<AccessTokenSpec, AccessTokenSpec>[]
        {
            s => s with { ForeignKey = true },
            s => s with { Audience = "https://elsewhere.example/mcp" },
            s => s with { IssuedAgo = TimeSpan.FromMinutes(20) },
            s => s with { Type = "JWT" },
        })
        {
            var response = await rs.Client.ListToolsAsync(rs.Server.Resource, rs.Token(bad), TestContext.Current.CancellationToken);
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{bad(new AccessTokenSpec(rs.Server.Resource, rs.Mission))}: {response.Describe()} {response.Http.Body}");
        }
        Assert.True((await rs.Client.ListToolsAsync(rs.Server.Resource, rs.Token(), TestContext.Current.CancellationToken)).Served);
    }
}
