using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Pdp;

namespace MissionConformance.Reference.Tests.Infrastructure;

/// <summary>
/// The reference PDP trusting fresh simulated peers, a Mission with the docs entry (create_doc in board-packets/2026-Q3), and a PEP's
/// DPoP-bound credential for it; requests are written by hand, so each probe shows the wire as any PEP would see it.
/// </summary>
public sealed class ProbedPdp : IAsyncDisposable
{
    public const string Resource = "https://docs.board-packet.example/mcp";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private ProbedPdp(PeerSet peers, ReferencePdp pdp)
    {
        Peers = peers;
        Pdp = pdp;
        Mission = NewMission();
        Token = peers.AuthorizationServer.Mint(new AccessTokenSpec(pdp.BaseUrl.AbsoluteUri, null) { DpopThumbprint = Key.Thumbprint });
    }

    public PeerSet Peers { get; }

    public ReferencePdp Pdp { get; }

    public SimulatedMission Mission { get; }

    public DpopKey Key { get; } = new();

    /// <summary>A DPoP-bound access token of the trusted issuer for the PDP.</summary>
    public string Token { get; }

    public static async Task<ProbedPdp> StartAsync(FaultSet faults)
    {
        var peers = PeerSet.Start(PeerSettings.Any);
        try
        {
            return new ProbedPdp(peers, await ReferencePdp.StartAsync(new PdpOptions { TrustedIssuer = peers.AuthorizationServer.Issuer, Faults = faults }, TestContext.Current.CancellationToken));
        }
        catch
        {
            peers.Dispose();
            throw;
        }
    }

    public static JsonObject Entry(JsonObject? constraints = null) => new()
    {
        ["type"] = "mission_resource_access", ["resource"] = Resource, ["actions"] = new JsonArray("create_doc"),
        ["constraints"] = constraints ?? new JsonObject { ["folder"] = "board-packets/2026-Q3" },
    };

    public SimulatedMission NewMission(JsonObject? entry = null)
        => Peers.AuthorizationServer.CreateMission("user-alice", "agent-confidential", new JsonArray(entry ?? Entry()), TimeSpan.FromHours(1));

    /// <summary>create_doc (or <paramref name="action"/>) for <paramref name="mission"/>, as a conforming PEP asks it.</summary>
    public JsonObject Evaluation(SimulatedMission? mission = null, string action = "create_doc", JsonObject? parameters = null, string resource = Resource)
    {
        mission ??= Mission;
        parameters ??= new JsonObject { ["folder"] = "board-packets/2026-Q3", ["title"] = "Q3 board packet" };
        var now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "user", ["id"] = mission.Subject },
            ["resource"] = new JsonObject { ["type"] = "mcp_tool", ["id"] = resource },
            ["action"] = new JsonObject { ["name"] = action },
            ["context"] = new JsonObject
            {
                ["mission"] = new JsonObject
                {
                    ["id"] = mission.Id, ["origin"] = mission.Origin, ["authority_hash"] = mission.AuthorityHash, ["policy_version"] = SimulatedMission.PolicyVersion,
                    ["policy_view_id"] = mission.PolicyViewId, ["policy_view_version"] = SimulatedMission.PolicyViewVersion,
                },
                ["audience"] = resource,
                ["freshness"] = new JsonObject { ["mission_status_issued_at"] = now, ["mission_status_expires_at"] = now, ["mode"] = "fresh", ["freshness_at"] = now },
                ["parameters"] = parameters.DeepClone(),
                ["parameter_digest"] = IntegrityAnchor.ParameterDigest(Pdp.Options.ParameterSchemaVersion, Pdp.Options.AuthorizationDomain, mission.Origin, parameters),
            },
        };
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> with the PEP's credential (or the one given; null: none).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, JsonNode body, bool authenticated = true, string? token = null, DpopKey? key = null)
    {
        var url = new Uri(Pdp.BaseUrl, path.TrimStart('/'));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (authenticated)
        {
            var presented = token ?? Token;
            request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", presented);
            request.Headers.Add("DPoP", (key ?? Key).Proof("POST", url.AbsoluteUri, presented));
        }
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonObject> DecideAsync(JsonObject evaluation)
    {
        var (status, body) = await PostAsync(ReferencePdp.EvaluationPath, evaluation);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!.AsObject();
    }

    /// <summary>Whether the PDP permitted.</summary>
    public async Task<bool> PermitsAsync(JsonObject evaluation) => (bool)(await DecideAsync(evaluation))["decision"]!;

    public async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string url, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>The Mission's Decision Evidence records.</summary>
    public async Task<JsonArray> EvidenceAsync(SimulatedMission? mission = null)
    {
        var (status, body) = await GetAsync(Pdp.EvidenceExport + "?mission_id=" + (mission ?? Mission).Id, Pdp.Options.EvidenceToken);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!["decision_evidence"]!.AsArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Pdp.DisposeAsync();
        Peers.Dispose();
        Key.Dispose();
        _http.Dispose();
    }
}
