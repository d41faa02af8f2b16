using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Schemas;
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

    /// <summary>
    /// A requestable denial (runtime.md §5, seed AuthZEN shape): decision false with context.evaluation_id and an
    /// access_request whose endpoint is this PDP's /access/v1/requests. Approval (<see cref="SimulatedPdp.Decide"/>)
    /// is an input to a fresh decision: the Mission's later evaluations are permitted.
    /// </summary>
    Requestable,
}

/// <summary>An Access Request a PEP submitted for a requestable denial, and what became of it.</summary>
public sealed record AccessRequest(string Id, string MissionId, string EvaluationId, DateTimeOffset SubmittedAt)
{
    public string Status { get; set; } = "pending";

    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>
/// One evaluation request the PDP received, parsed, with when it arrived, how it was answered and the
/// decision_id the answer carried (the Execution Evidence of a permitted call must name it, MBO-RT-PEP-009).
/// </summary>
public sealed record Evaluation(JsonObject? Body, string Raw, DateTimeOffset At, string? MissionId, PdpAnswer Answer, string DecisionId)
{
    /// <summary>The parameter_digest the PEP sent, which the decision is bound to (runtime.md §4, §7).</summary>
    public string? ParameterDigest => Body?["context"]?["parameter_digest"] is JsonValue v && v.TryGetValue<string>(out var digest) ? digest : null;

    /// <summary>The request validated as an AuthZEN evaluation with the Mission context (authzen-evaluation.schema.json) as the PDP took it.</summary>
    public CapturedArtifact Artifact { get; init; } = CapturedArtifact.Validate(ArtifactKind.EvaluationRequest, Raw);

    /// <summary>
    /// Why the PEP was not authenticated as runtime.md §1 asks (a DPoP-bound token of the simulated AS for this PDP, with a proof), or null. The PDP
    /// decides all the same, so that only MBO-RT-PEP-013 reads it, not every check that needs a decision.
    /// </summary>
    public string? CallerProblem { get; init; }
}

/// <summary>
/// An AuthZEN Access Evaluation PDP (runtime.md §4–5) whose decisions a scenario scripts per Mission
/// (scenarios run in parallel, so one Mission's script never disturbs another's), recording every
/// evaluation request for the checks. WireMock on 127.0.0.1.
/// </summary>
public sealed class SimulatedPdp : IDisposable
{
    public const string EvaluationPath = "/access/v1/evaluation";

    public const string AccessRequestPath = "/access/v1/requests";

    private readonly WireMockServer _server;
    private readonly PeerLog _log;
    private readonly ConcurrentDictionary<string, PdpAnswer> _script = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Evaluation> _evaluations = new();

    // evaluation_id → (Mission, binding_token, expires_at) of each requestable denial, and the Access Requests submitted for them.
    private readonly ConcurrentDictionary<string, (string MissionId, string BindingToken, string ExpiresAt)> _denials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessRequest> _requests = new(StringComparer.Ordinal);

    private readonly Func<WireMock.IRequestMessage, string, string, Task<string?>>? _callerProblem;

    private SimulatedPdp(WireMockServer server, PeerLog log, Func<WireMock.IRequestMessage, string, string, Task<string?>>? callerProblem)
    {
        _server = server;
        _log = log;
        _callerProblem = callerProblem;
    }

    /// <summary>The base URL a PEP is configured with; evaluations go to {Url}access/v1/evaluation.</summary>
    public Uri Url => new($"http://127.0.0.1:{_server.Ports[0]}/");

    /// <summary>How long an <see cref="PdpAnswer.Unavailable"/> evaluation is held before the 503.</summary>
    public TimeSpan Hang { get; set; } = TimeSpan.FromSeconds(5);

    /// <param name="callerProblem">Judges how a request authenticated (request, audience, URL): why not as runtime.md §1 asks, or null; by default not judged.</param>
    public static SimulatedPdp Start(int port, PeerLog log, Func<WireMock.IRequestMessage, string, string, Task<string?>>? callerProblem = null)
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
        var pdp = new SimulatedPdp(server, log, callerProblem);
        server.Given(Request.Create().WithPath(EvaluationPath).UsingPost()).RespondWith(Response.Create().WithCallback(pdp.EvaluateAsync));
        server.Given(Request.Create().WithPath(AccessRequestPath).UsingPost()).RespondWith(Response.Create().WithCallback(pdp.Submit));
        server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^" + AccessRequestPath + "/[A-Za-z0-9_-]+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(pdp.RequestStatus));
        return pdp;
    }

    /// <summary>Sets how evaluations for <paramref name="missionId"/> are answered from now on (default: permit).</summary>
    public void Script(string missionId, PdpAnswer answer) => _script[missionId] = answer;

    public IReadOnlyList<Evaluation> EvaluationsFor(string missionId) => [.. _evaluations.Where(e => e.MissionId == missionId)];

    public IReadOnlyList<AccessRequest> AccessRequestsFor(string missionId) => [.. _requests.Values.Where(r => r.MissionId == missionId).OrderBy(r => r.SubmittedAt)];

    /// <summary>
    /// The approver's answer to the Mission's pending Access Requests. An approval is an input to a fresh
    /// decision, never a standing grant: from now on the Mission's evaluations are permitted, and the PEP must ask again.
    /// </summary>
    public void Decide(string missionId, bool approved)
    {
        foreach (var request in AccessRequestsFor(missionId).Where(r => r.Status == "pending"))
        {
            request.DecidedAt = DateTimeOffset.UtcNow;
            request.Status = approved ? "approved" : "denied";
        }
        if (approved) _script[missionId] = PdpAnswer.Permit;
    }

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
        var caller = _callerProblem is null ? null : await _callerProblem(request, Url.AbsoluteUri, Url.AbsoluteUri + EvaluationPath.TrimStart('/'));
        _evaluations.Enqueue(new Evaluation(body, request.Body ?? "", DateTimeOffset.UtcNow, missionId, answer, decisionId) { CallerProblem = caller });
        switch (answer)
        {
            case PdpAnswer.Unavailable:
                await Task.Delay(Hang);  // bounded, and without holding a pool thread: the other peers' answers must not queue behind it
                return _log.Answer("pdp", request, 503, "application/json", "{\"error\":\"temporarily_unavailable\"}", missionId);
            case PdpAnswer.Requestable:
                var evaluationId = "ev_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
                var binding = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
                var expiresAt = DateTimeOffset.UtcNow.AddMinutes(10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                _denials[evaluationId] = (missionId!, binding, expiresAt);
                var denial = new JsonObject
                {
                    ["decision"] = false,
                    ["context"] = new JsonObject
                    {
                        ["evaluation_id"] = evaluationId,
                        ["decision_id"] = decisionId,
                        ["reason"] = "approval_required",
                        ["access_request"] = new JsonObject
                        {
                            ["endpoint"] = Url.AbsoluteUri.TrimEnd('/') + AccessRequestPath,
                            ["template"] = "mission_call_approval",
                            ["expires_at"] = expiresAt,
                            ["binding_token"] = binding,
                        },
                    },
                };
                return _log.Answer("pdp", request, 200, "application/json", denial.ToJsonString(), missionId);
            case PdpAnswer.Deny:
                return _log.Answer("pdp", request, 200, "application/json", $"{{\"decision\":false,\"context\":{{\"reason\":\"resource_policy\",\"decision_id\":\"{decisionId}\"}}}}", missionId);
            default:
                return _log.Answer("pdp", request, 200, "application/json", $"{{\"decision\":true,\"context\":{{\"decision_id\":\"{decisionId}\"}}}}", missionId);
        }
    }

    /// <summary>
    /// POST /access/v1/requests (runtime.md §5): {subject, resource, action, denial: {evaluation_id, binding_token,
    /// expires_at}} → 201 with a pending task and its status_endpoint; a binding_token not issued for that
    /// evaluation_id is refused.
    /// </summary>
    private WireMock.IResponseMessage Submit(WireMock.IRequestMessage request)
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
        var evaluationId = (string?)(body?["denial"]?["evaluation_id"] as JsonValue);
        var presented = (string?)(body?["denial"]?["binding_token"] as JsonValue);
        if (evaluationId is null || !_denials.TryGetValue(evaluationId, out var denial) || presented != denial.BindingToken
            || body?["subject"] is not JsonObject || body["resource"] is not JsonObject || body["action"] is not JsonObject)
        {
            return _log.Answer("pdp", request, 400, "application/json",
                "{\"error\":\"invalid_request\",\"error_description\":\"subject, resource, action and a denial with the evaluation_id and binding_token of a requestable denial are required\"}",
                evaluationId is not null && _denials.TryGetValue(evaluationId, out var known) ? known.MissionId : null);
        }
        var accessRequest = new AccessRequest("ar_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)), denial.MissionId, evaluationId, DateTimeOffset.UtcNow);
        _requests[accessRequest.Id] = accessRequest;
        return _log.Answer("pdp", request, 201, "application/json", StatusOf(accessRequest).ToJsonString(), denial.MissionId);
    }

    /// <summary>GET /access/v1/requests/{id}: the task's status (pending until the scenario decides).</summary>
    private WireMock.IResponseMessage RequestStatus(WireMock.IRequestMessage request)
    {
        var id = request.Path[(AccessRequestPath.Length + 1)..];
        return _requests.TryGetValue(id, out var accessRequest)
            ? _log.Answer("pdp", request, 200, "application/json", StatusOf(accessRequest).ToJsonString(), accessRequest.MissionId)
            : _log.Answer("pdp", request, 404, "application/json", "{\"error\":\"not_found\"}");
    }

    private JsonObject StatusOf(AccessRequest request) => new()
    {
        ["id"] = request.Id,
        ["status"] = request.Status,
        ["status_endpoint"] = Url.AbsoluteUri.TrimEnd('/') + AccessRequestPath + "/" + request.Id,
    };

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
