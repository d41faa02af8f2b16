using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Pdp;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>The reference PDP on the wire: AuthZEN metadata, single and batch evaluation, who may ask, requestable denials, and its evidence.</summary>
public sealed class PdpTests
{
    [Fact]
    public async Task Metadata_NamesThePdpAndBothEvaluationEndpoints_AndTheAllowedActionIsPermittedWithADecisionId()
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);

        var (status, metadata) = await pdp.GetAsync(pdp.Pdp.BaseUrl.AbsoluteUri + ReferencePdp.MetadataPath.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(pdp.Pdp.BaseUrl.AbsoluteUri, (string?)metadata!["policy_decision_point"]);
        Assert.Equal(pdp.Pdp.BaseUrl.AbsoluteUri + "access/v1/evaluations", (string?)metadata["access_evaluations_endpoint"]);

        var decision = await pdp.DecideAsync(pdp.Evaluation());
        Assert.True((bool)decision["decision"]!);
        Assert.Matches("^[A-Za-z0-9_-]{22,64}$", (string?)decision["context"]!["decision_id"]);
    }

    [Fact]
    public async Task Callers_WithoutADpopBoundTokenForThisPdp_AreRefused401_AndLeaveNoEvidence()
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);
        using var other = new DpopKey();
        var bearer = pdp.Peers.AuthorizationServer.Mint(new AccessTokenSpec(pdp.Pdp.BaseUrl.AbsoluteUri, null));
        var elsewhere = pdp.Peers.AuthorizationServer.Mint(new AccessTokenSpec("https://another-pdp.example/", null) { DpopThumbprint = pdp.Key.Thumbprint });

        Assert.Equal(HttpStatusCode.Unauthorized, (await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation(), authenticated: false)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation(), token: bearer)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation(), token: elsewhere)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation(), key: other)).Status);
        Assert.Empty(await pdp.EvidenceAsync());
        Assert.Equal(HttpStatusCode.OK, (await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation())).Status);
        Assert.Single(await pdp.EvidenceAsync());
    }

    [Theory]
    [InlineData("""{"subject":{"type":"user","id":"u"},"resource":{"type":"t","id":"r"},"action":{"name":"a"},"context":{"audience":"r"}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"subject":{"type":"user","id":"u"},"subject":{"type":"user","id":"v"}}""")]
    public async Task MalformedEvaluations_Are400InvalidRequest_NeverA5xx_AndCreateNoState(string body)
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);

        var (status, answer) = await pdp.PostAsync(ReferencePdp.EvaluationPath, JsonNode.Parse(body)!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", (string?)answer!["error"]);
        Assert.Empty(await pdp.EvidenceAsync());
    }

    [Theory]
    [InlineData("2", true)]
    [InlineData(2, false)]
    [InlineData("two", false)]
    [InlineData("-1", false)]
    [InlineData("18446744073709551616", false)]
    public async Task MaxInvocations_OnlyADecimalStringMeters_AnyOtherValueFailsClosed(object limit, bool permitted)
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);
        var mission = pdp.NewMission(ProbedPdp.Entry(new JsonObject { ["max_invocations"] = limit is string text ? JsonValue.Create(text) : JsonValue.Create((int)limit) }));

        var (status, answer) = await pdp.PostAsync(ReferencePdp.EvaluationPath, pdp.Evaluation(mission));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(permitted, (bool?)answer!["decision"]);
        // runtime.md §8: a decimal string up to 2^64−1. Any other value is a limit the PDP cannot count: it denies rather than leave the call unmetered.
        if (!permitted) Assert.Equal("out_of_authority", (string?)(await pdp.EvidenceAsync(mission))[0]!["denial_reason"]);
    }

    [Fact]
    public async Task Batch_TakesTopLevelDefaults_AndDenyOnFirstDenyStopsThere()
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);
        var allowed = pdp.Evaluation();
        var batch = new JsonObject
        {
            ["subject"] = allowed["subject"]!.DeepClone(), ["resource"] = allowed["resource"]!.DeepClone(), ["context"] = allowed["context"]!.DeepClone(),
            ["evaluations"] = new JsonArray(new JsonObject { ["action"] = new JsonObject { ["name"] = "create_doc" } },
                new JsonObject { ["action"] = new JsonObject { ["name"] = "delete_doc" } }, new JsonObject { ["action"] = new JsonObject { ["name"] = "create_doc" } }),
        };

        var (status, all) = await pdp.PostAsync(ReferencePdp.EvaluationsPath, batch);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([true, false, true], all!["evaluations"]!.AsArray().Select(e => (bool)e!["decision"]!));

        batch["options"] = new JsonObject { ["evaluations_semantic"] = "deny_on_first_deny" };
        var (_, stopped) = await pdp.PostAsync(ReferencePdp.EvaluationsPath, batch);
        Assert.Equal([true, false], stopped!["evaluations"]!.AsArray().Select(e => (bool)e!["decision"]!));

        batch["options"] = new JsonObject { ["evaluations_semantic"] = "first_one_wins" };
        Assert.Equal(HttpStatusCode.BadRequest, (await pdp.PostAsync(ReferencePdp.EvaluationsPath, batch)).Status);
    }

    [Fact]
    public async Task ARequestableDenial_IsSubmittedWithItsBindingToken_AndAnyOtherTokenIsRefused()
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);
        var evaluation = pdp.Evaluation(action: "delete_doc");
        var denial = await pdp.DecideAsync(evaluation);
        Assert.False((bool)denial["decision"]!);
        var access = denial["context"]!["access_request"]!;
        var endpoint = new Uri((string)access["endpoint"]!);

        JsonObject Submission(string binding) => new()
        {
            ["subject"] = evaluation["subject"]!.DeepClone(), ["resource"] = evaluation["resource"]!.DeepClone(), ["action"] = evaluation["action"]!.DeepClone(),
            ["denial"] = new JsonObject { ["evaluation_id"] = denial["context"]!["evaluation_id"]!.DeepClone(), ["binding_token"] = binding, ["expires_at"] = access["expires_at"]!.DeepClone() },
        };
        Assert.Equal(HttpStatusCode.BadRequest, (await pdp.PostAsync(endpoint.AbsolutePath, Submission("forged-binding"))).Status);
        var (status, task) = await pdp.PostAsync(endpoint.AbsolutePath, Submission((string)access["binding_token"]!));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pending", (string?)task!["status"]);
    }

    [Fact]
    public async Task Evidence_OneSignedRecordPerDecision_TheExportNeedsItsCredential()
    {
        await using var pdp = await ProbedPdp.StartAsync(FaultSet.None);
        await pdp.DecideAsync(pdp.Evaluation());
        await pdp.DecideAsync(pdp.Evaluation(action: "delete_doc"));

        var records = await pdp.EvidenceAsync();
        Assert.Equal(["permit", "expandable_deny"], records.Select(r => (string?)r!["decision"]));
        Assert.Equal("out_of_authority", (string?)records[1]!["denial_reason"]);
        var (_, jwks) = await pdp.GetAsync(pdp.Pdp.JwksUri);
        Assert.All(records, r => Assert.True(DecodedJwt.VerifySignatureAsync((string)r!["evidence_envelope"]!["value"]!, jwks!.ToJsonString()).GetAwaiter().GetResult()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await pdp.GetAsync(pdp.Pdp.EvidenceExport + "?mission_id=" + pdp.Mission.Id)).Status);
    }
}

/// <summary>Each PDP fault changes what the PDP answers or records on the wire, and the fault-free PDP does not.</summary>
public sealed class PdpFaultTests
{
    public static TheoryData<string> Faults => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.Pdp).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_IsObservableOnTheWire_AndAbsentWithoutIt(string name)
    {
        var fault = FaultCatalogue.Find(name)!.Fault;
        await using (var faultFree = await ProbedPdp.StartAsync(FaultSet.None))
        {
            Assert.False(await Probe(fault)(faultFree), $"the fault-free PDP shows {name}'s behaviour");
        }
        await using var faulty = await ProbedPdp.StartAsync(new FaultSet([fault]));
        Assert.True(await Probe(fault)(faulty), $"{name} is not observable: {FaultCatalogue.Describe(fault).Breaks}");
    }

    private static Func<ProbedPdp, Task<bool>> Probe(Fault fault) => fault switch
    {
        Fault.PdpIgnoresMissionState => async pdp =>
        {
            var revoked = pdp.NewMission();
            revoked.State = "revoked";
            return await pdp.PermitsAsync(pdp.Evaluation(revoked));
        },
        Fault.PdpSkipsDigestCheck => pdp =>
        {
            var evaluation = pdp.Evaluation();
            evaluation["context"]!["parameters"]!["title"] = "another title";
            return pdp.PermitsAsync(evaluation);
        },
        Fault.PdpIgnoresStaleness => pdp =>
        {
            var evaluation = pdp.Evaluation();
            evaluation["context"]!["freshness"]!["freshness_at"] = "2026-01-01T00:00:00Z";
            return pdp.PermitsAsync(evaluation);
        },
        Fault.PdpPermitsUnlistedActions => pdp => pdp.PermitsAsync(pdp.Evaluation(action: "delete_doc")),
        Fault.PdpPermitsBeyondTheEntry => pdp => pdp.PermitsAsync(pdp.Evaluation(parameters: new JsonObject { ["folder"] = "hr/salaries", ["title"] = "t" })),
        Fault.PdpPlainDenials => async pdp =>
        {
            var denial = await pdp.DecideAsync(pdp.Evaluation(action: "delete_doc"));
            return !(bool)denial["decision"]! && denial["context"]!["access_request"] is null;
        },
        Fault.PdpRecordsPermitsOnly => async pdp =>
        {
            await pdp.DecideAsync(pdp.Evaluation(action: "delete_doc"));
            return (await pdp.EvidenceAsync()).Count == 0;
        },
        Fault.PdpEvidenceSignedByUnpublishedKey => async pdp =>
        {
            await pdp.DecideAsync(pdp.Evaluation());
            var (_, jwks) = await pdp.GetAsync(pdp.Pdp.JwksUri);
            return !await DecodedJwt.VerifySignatureAsync((string)(await pdp.EvidenceAsync())[0]!["evidence_envelope"]!["value"]!, jwks!.ToJsonString());
        },
        Fault.PdpEvidenceWithoutDenialReason => async pdp =>
        {
            await pdp.DecideAsync(pdp.Evaluation(action: "delete_doc"));
            return (await pdp.EvidenceAsync())[0]!["denial_reason"] is null;
        },
        Fault.PdpIgnoresMaxInvocations => async pdp =>
        {
            var limited = pdp.NewMission(ProbedPdp.Entry(new JsonObject { ["max_invocations"] = "1" }));
            Assert.True(await pdp.PermitsAsync(pdp.Evaluation(limited)));
            return await pdp.PermitsAsync(pdp.Evaluation(limited));
        },
        Fault.PdpIgnoresToolId => pdp =>
        {
            var evaluation = pdp.Evaluation();
            evaluation["context"]!["tool_id"] = "urn:example:tool:never-approved";
            return pdp.PermitsAsync(evaluation);
        },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "a PDP fault without a wire probe"),
    };
}
