using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace MissionConformance.Harness.Peers;

/// <summary>How the simulated PDP answers evaluations for one Mission.</summary>
public enum PdpAnswer
{
    /// <summary>{"decision": true, "context": {"decision_id": …}}</summary>
    Permit,

    /// <summary>{"decision": false, "context": {"reason": "resource_policy", "decision_id": …}}</summary>
    Deny,

    /// <summary>Holds the request for <see cref="SimulatedPdp.Hang"/>, then answers 503: a PDP that is down or too slow.</summary>
    Unavailable,
}

/// <summary>
/// One evaluation request the PDP received, parsed, with when it arrived, how it was answered and the
/// decision_id the answer carried (the Execution Evidence of a permitted call must name it, MBO-RT-PEP-009).
/// </summary>
public sealed record Evaluation(JsonObject? Body, string Raw, DateTimeOffset At, string? MissionId, PdpAnswer Answer, string DecisionId)
{
    /// <summary>The parameter_digest the PEP sent, which the decision is bound to (runtime.md §4, §7).</summary>
    public string? ParameterDigest => Body?["context"]?["parameter_digest"] is JsonValue v && v.TryGetValue<string>(out var digest) ? digest : null;
}

/// <summary>
/// An AuthZEN Access Evaluation PDP (runtime.md §4–5) whose decisions a scenario scripts per Mission
/// (scenarios run in parallel, so one Mission's script never disturbs another's), recording every
/// evaluation request for the checks. WireMock on 127.0.0.1.
/// </summary>
public sealed class SimulatedPdp : IDisposable
{
    public const string EvaluationPath = "/access/v1/evaluation";

    private readonly WireMockServer _server;
    private readonly PeerLog _log;
    private readonly ConcurrentDictionary<string, PdpAnswer> _script = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Evaluation> _evaluations = new();

    private SimulatedPdp(WireMockServer server, PeerLog log)
    {
        _server = server;
        _log = log;
    }

    /// <summary>The base URL a PEP is configured with; evaluations go to {Url}access/v1/evaluation.</summary>
    public Uri Url => new($"http://127.0.0.1:{_server.Ports[0]}/");

    /// <summary>How long an <see cref="PdpAnswer.Unavailable"/> evaluation is held before the 503.</summary>
    public TimeSpan Hang { get; set; } = TimeSpan.FromSeconds(5);

    public static SimulatedPdp Start(int port, PeerLog log)
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
        var pdp = new SimulatedPdp(server, log);
        server.Given(Request.Create().WithPath(EvaluationPath).UsingPost()).RespondWith(Response.Create().WithCallback(pdp.EvaluateAsync));
        return pdp;
    }

    /// <summary>Sets how evaluations for <paramref name="missionId"/> are answered from now on (default: permit).</summary>
    public void Script(string missionId, PdpAnswer answer) => _script[missionId] = answer;

    public IReadOnlyList<Evaluation> EvaluationsFor(string missionId) => [.. _evaluations.Where(e => e.MissionId == missionId)];

    private async Task<WireMock.IResponseMessage> EvaluateAsync(WireMock.IRequestMessage request)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(request.Body ?? "") as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }
        var missionId = (string?)(body?["context"]?["mission"]?["id"] as JsonValue);
        var answer = missionId is not null && _script.TryGetValue(missionId, out var scripted) ? scripted : PdpAnswer.Permit;
        // runtime.md §6 decision_id: [A-Za-z0-9_-], at least 128 bits. Handed to the PEP in the response context.
        var decisionId = "dec_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
        _evaluations.Enqueue(new Evaluation(body, request.Body ?? "", DateTimeOffset.UtcNow, missionId, answer, decisionId));
        switch (answer)
        {
            case PdpAnswer.Unavailable:
                await Task.Delay(Hang);  // bounded, and without holding a pool thread: the other peers' answers must not queue behind it
                return _log.Answer("pdp", request, 503, "application/json", "{\"error\":\"temporarily_unavailable\"}", missionId);
            case PdpAnswer.Deny:
                return _log.Answer("pdp", request, 200, "application/json", $"{{\"decision\":false,\"context\":{{\"reason\":\"resource_policy\",\"decision_id\":\"{decisionId}\"}}}}", missionId);
            default:
                return _log.Answer("pdp", request, 200, "application/json", $"{{\"decision\":true,\"context\":{{\"decision_id\":\"{decisionId}\"}}}}", missionId);
        }
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
