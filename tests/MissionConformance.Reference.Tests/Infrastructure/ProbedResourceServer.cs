using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Tests.Infrastructure;

/// <summary>A reference Resource Server (finance at RS-D unless told) with the simulated peers it trusts and a Mission for it.</summary>
public sealed class ProbedResourceServer : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private ProbedResourceServer(PeerSet peers, ReferenceResourceServer server, OffsetClock clock)
    {
        Clock = clock;
        Peers = peers;
        Server = server;
        Client = new McpClient(_http);
        Mission = peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", new JsonArray(Entry()), TimeSpan.FromHours(1));
    }

    public PeerSet Peers { get; }

    /// <summary>The server's clock of max_invocations slot deadlines: advancing it times a slot out at once.</summary>
    public OffsetClock Clock { get; }

    public ReferenceResourceServer Server { get; }

    public McpClient Client { get; }

    public SimulatedMission Mission { get; }

    public static async Task<ProbedResourceServer> StartAsync(FaultSet faults, RsTierSetting tier = RsTierSetting.D, ResourceServerProfile? profile = null, bool eventDriven = false,
        bool introspection = false)
    {
        var peers = PeerSet.Start(PeerSettings.Any);
        peers.Pdp.Hang = TimeSpan.FromSeconds(3);
        var clock = new OffsetClock();
        var server = await ReferenceResourceServer.StartAsync(new ResourceServerOptions
        {
            Profile = profile ?? ResourceServerProfile.Finance, Tier = tier, TrustedIssuer = peers.AuthorizationServer.Issuer, Pdp = peers.Pdp.Url,
            Faults = faults, MaxStaleSeconds = 3, EventDriven = eventDriven, Introspection = introspection, Clock = clock,
        }, TestContext.Current.CancellationToken);
        return new ProbedResourceServer(peers, server, clock);
    }

    /// <summary>The server's entry of the reference AS's board-packet catalogue.</summary>
    public JsonObject Entry() => new()
    {
        ["type"] = "mission_resource_access", ["resource"] = Server.Resource,
        ["actions"] = new JsonArray([.. Server.Options.Profile.CatalogueEntry.Actions.Select(a => (JsonNode)a)]),
        ["constraints"] = Server.Options.Profile.CatalogueEntry.Constraints.DeepClone(),
    };

    public string Token(Func<AccessTokenSpec, AccessTokenSpec>? edit = null, SimulatedMission? mission = null)
    {
        var spec = new AccessTokenSpec(Server.Resource, mission ?? Mission);
        return Peers.AuthorizationServer.Mint(edit is null ? spec : edit(spec));
    }

    public Task<McpResponse> CallAsync(string token, string tool = "query_financials", JsonObject? arguments = null)
        => Client.CallToolAsync(Server.Resource, token, tool, arguments ?? new JsonObject { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 10 }, TestContext.Current.CancellationToken);

    public async Task<bool> ServedAsync(string token, string tool = "query_financials", JsonObject? arguments = null) => (await CallAsync(token, tool, arguments)).Served;

    /// <summary>The first evaluation the PDP received for <paramref name="mission"/> after an allowed call.</summary>
    public async Task<JsonObject?> EvaluationAsync()
    {
        await CallAsync(Token());
        var evaluations = Peers.Pdp.EvaluationsFor(Mission.Id);
        return evaluations.Count == 0 ? null : evaluations[0].Body;
    }

    /// <summary>The profile's allowed probe call (for docs: create_doc, whose parameters are bound) with a valid token.</summary>
    public Task<McpResponse> CallAllowedAsync()
    {
        var allowed = Server.Options.Profile.Probes.Allowed;
        return Client.CallToolAsync(Server.Resource, Token(), allowed.Tool, allowed.Arguments, TestContext.Current.CancellationToken);
    }

    /// <summary>The server's Execution Evidence for the probe's Mission, read from its export with the export credential.</summary>
    public async Task<JsonArray> EvidenceAsync(SimulatedMission? mission = null)
    {
        var (status, document, _) = await Client.GetJsonAsync(Server.EvidenceExport + "?mission_id=" + (mission ?? Mission).Id, TestContext.Current.CancellationToken, Server.Options.EvidenceToken);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(document!.Value.GetRawText())!["execution_evidence"]!.AsArray();
    }

    /// <summary>A Mission of this server whose entry carries max_invocations <paramref name="limit"/> (runtime.md §8).</summary>
    public SimulatedMission LimitedMission(string limit)
    {
        var entry = Entry();
        entry["constraints"]!["max_invocations"] = limit;
        return Peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", new JsonArray(entry), TimeSpan.FromHours(1));
    }

    /// <summary>POST drop-outcome?mission_id=… with <paramref name="credential"/> (the evidence credential unless told): the answer's status.</summary>
    public async Task<HttpStatusCode> DropOutcomesAsync(SimulatedMission mission, string? credential = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.DropOutcomeUrl + "?mission_id=" + mission.Id);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential ?? Server.Options.EvidenceToken);
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// A permitted call under max_invocations whose outcome the executor lost, then the slot timeout passed (on the server's clock): the
    /// export's records for that Mission.
    /// </summary>
    public async Task<JsonArray> LostOutcomeEvidenceAsync()
    {
        var mission = LimitedMission("3");
        Assert.Equal(HttpStatusCode.OK, await DropOutcomesAsync(mission));
        await CallAsync(Token(mission: mission));
        Assert.Empty(await EvidenceAsync(mission));
        Clock.Advance(TimeSpan.FromSeconds(Server.Options.SlotTimeoutSeconds + 1));
        return await EvidenceAsync(mission);
    }

    /// <summary>The evaluation of an allowed call made with a delegated token (act: agent-delegate-7 ← agent-orchestrator).</summary>
    public async Task<JsonObject?> DelegatedEvaluationAsync()
    {
        var act = new JsonObject { ["sub"] = "agent-delegate-7", ["act"] = new JsonObject { ["sub"] = "agent-orchestrator" } };
        Assert.True((await CallAsync(Token(s => s with { Act = act }))).Served);
        var evaluations = Peers.Pdp.EvaluationsFor(Mission.Id);
        return evaluations.Count > 0 ? evaluations[0].Body : null;
    }

    /// <summary>The enforcement-scope manifest at the URL the server's RFC 9728 metadata advertises.</summary>
    public async Task<JsonObject> ManifestAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var prm = (await Client.GetJsonAsync(Server.ResourceMetadataUrl, ct)).Document!.Value;
        var (status, document, _) = await Client.GetJsonAsync(prm.GetProperty("mission_enforcement_scope_manifest_uri").GetString()!, ct);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(document!.Value.GetRawText())!.AsObject();
    }

    /// <summary>A call met by a requestable denial, its Access Request approved, and the task polled once: the tasks/get answer.</summary>
    public async Task<McpResponse> ApprovedTaskAsync()
    {
        var token = Token();
        Peers.Pdp.Script(Mission.Id, PdpAnswer.Requestable);
        var created = await CallAsync(token);
        Assert.NotNull(created.CreatedTask);
        Peers.Pdp.Decide(Mission.Id, approved: true);
        return await Client.GetTaskAsync(Server.Resource, token, (string)created.CreatedTask["taskId"]!, TestContext.Current.CancellationToken);
    }

    /// <summary>Pushes a lifecycle event with <paramref name="state"/> for the probe's Mission to the server's receiver.</summary>
    public async Task<HttpStatusCode> PushAsync(string state)
    {
        using var response = await Peers.AuthorizationServer.PushEventAsync(_http, new Uri(Server.EventReceiver!), Mission, "active", state, Server.Resource, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Peers.Dispose();
        _http.Dispose();
    }
}
