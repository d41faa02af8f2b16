using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Mcp;

/// <summary>An MCP server's answer to one JSON-RPC call over HTTP, with what the checks ask of it.</summary>
public sealed record McpResponse(WireResponse Http, string? WwwAuthenticate, string? ExchangeId = null)
{
    public HttpStatusCode Status => Http.Status;

    /// <summary>
    /// The JSON-RPC message answered: the JSON body, or, when the server streams (MCP Streamable HTTP,
    /// text/event-stream), the last event carrying a result or an error; null when there is neither.
    /// </summary>
    public JsonObject? Rpc { get; } = Message(Http);

    /// <summary>
    /// Why a 2xx answer is not a JSON-RPC 2.0 response (jsonrpc-response.schema.json), or its result not the MCP result of its
    /// method (mcp-*.schema.json): such an answer is neither a result nor a refusal, so no check may read it as either. Empty for a
    /// proper answer or a non-2xx one.
    /// </summary>
    public IReadOnlyList<string> ProtocolErrors => _protocolErrors ??= (int)Status is < 200 or >= 300 ? []
        : Rpc is null ? [$"the {Http.ContentType ?? "untyped"} body holds no JSON-RPC message"]
        : ArtifactSchemas.Validate(ArtifactKind.JsonRpcResponse, Rpc.ToJsonString()) is { Count: > 0 } envelope ? [.. envelope.Select(e => e.ToString())]
        : Rpc["result"] is JsonObject result && ResultKind(Method) is { } kind
            ? [.. ArtifactSchemas.Validate(kind, result.ToJsonString()).Select(e => $"/result{e.Pointer}: {e.Message} ({ArtifactSchemas.FileName(kind)})")]
            : [];

    /// <summary>The JSON-RPC method this answers; its result is validated as that method's MCP result.</summary>
    public string? Method { get; init; }

    private static ArtifactKind? ResultKind(string? method) => method switch
    {
        "initialize" => ArtifactKind.McpInitializeResult,
        "tools/list" => ArtifactKind.McpListToolsResult,
        "tools/call" => ArtifactKind.McpCallToolResult,
        "tasks/get" => ArtifactKind.McpTask,
        _ => null,
    };

    private IReadOnlyList<string>? _protocolErrors;

    private static JsonObject? Message(WireResponse http)
    {
        try
        {
            if (http.IsJson) return JsonNode.Parse(http.Body) as JsonObject;
            if (!string.Equals(http.ContentType, "text/event-stream", StringComparison.OrdinalIgnoreCase)) return null;
            JsonObject? last = null;
            // SSE (WHATWG HTML §9.2): events end at a blank line; an event's data is its data lines joined by newlines.
            foreach (var block in http.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
            {
                var data = string.Join("\n", block.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal))
                    .Select(l => l.Length > 5 && l[5] == ' ' ? l[6..] : l[5..]));
                if (data.Length > 0 && JsonNode.Parse(data) is JsonObject message && (message.ContainsKey("result") || message.ContainsKey("error"))) last = message;
            }
            return last;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON-RPC result, if the call produced one in a proper JSON-RPC 2.0 response.</summary>
    public JsonObject? Result => (int)Status is >= 200 and < 300 && ProtocolErrors.Count == 0 ? Rpc?["result"] as JsonObject : null;

    /// <summary>A tools/call was carried out: 2xx, a result, and the result is not an error result.</summary>
    public bool Served => Result is { } result && CreatedTask is null && !(result["isError"] is JsonValue flag && flag.TryGetValue<bool>(out var isError) && isError);

    /// <summary>The task of a CreateTaskResult (MCP tasks): the call was not carried out, it waits (runtime.md §11 requestable denial).</summary>
    public JsonObject? CreatedTask => Result?["task"] as JsonObject;

    /// <summary>The status of the task a tasks/get answered (working, input_required, completed, failed, cancelled).</summary>
    public string? TaskStatus => Result?["status"] is JsonValue v && v.TryGetValue<string>(out var status) ? status : null;

    /// <summary>Nothing was done: a non-2xx answer, a JSON-RPC error, or an error result.</summary>
    public bool Refused => !Served;

    public IReadOnlyList<string> ToolNames => Result?["tools"] is JsonArray tools ? [.. tools.Select(t => (string?)t?["name"]).OfType<string>()] : [];

    /// <summary>A parameter of the WWW-Authenticate challenge (RFC 6750 §3 auth-params).</summary>
    public string? Challenge(string name)
    {
        if (WwwAuthenticate is null) return null;
        var match = System.Text.RegularExpressions.Regex.Match(WwwAuthenticate, "(?:^|[\\s,])" + name + "=\"([^\"]*)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>How the answer reads in a verdict: status, error and its description.</summary>
    public string Describe()
    {
        var rpc = Rpc;
        var error = (string?)(rpc?["error"] as JsonValue) ?? (string?)rpc?["error"]?["message"];
        var description = (string?)rpc?["error_description"];
        return $"HTTP {(int)Status}" + (error is null ? "" : $" {error}") + (description is null ? "" : $" ({description})")
            + (Served ? " with a tool result" : "") + (CreatedTask is { } task ? $" with a task, status {(string?)task["status"] ?? "none"}" : "")
            + (TaskStatus is { } status && CreatedTask is null ? $" (task {status})" : "");
    }
}

/// <summary>
/// A minimal MCP client over HTTP (JSON-RPC 2.0 POSTs to the server's endpoint, runtime.md §11), through
/// the harness's capturing HttpClient: every call is an exchange of the wire log.
/// </summary>
/// <remarks>
/// MCP Streamable HTTP (2025-06-18 §2.5): a channel, one credential at one endpoint (a DPoP-bound one proven, or as a bearer), opens with initialize and
/// notifications/initialized; the Mcp-Session-Id the server assigns then goes with every request of that channel, with the
/// negotiated MCP-Protocol-Version, and a 404 for it opens the channel again, once. A server that assigns no session is
/// stateless and gets none. A channel the server will not open (the credential refused) is not opened: the call goes as it is,
/// so that the refusal is the call's, as a check reads it.
/// </remarks>
public sealed class McpClient(HttpClient http)
{
    /// <summary>The MCP revision this client speaks.</summary>
    public const string ProtocolVersion = "2025-06-18";

    public const string SessionHeader = "Mcp-Session-Id";

    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    private readonly ConcurrentDictionary<(string Endpoint, string Token, bool Dpop), Lazy<Task<McpSession?>>> _sessions = new();

    private int _id;

    /// <summary>An open channel: the session the server assigned (null for a stateless server) and the protocol version it answered.</summary>
    public sealed record McpSession(string? Id, string Version);

    /// <summary>The (capturing) HttpClient, for other requests of the same scenario.</summary>
    public HttpClient Http => http;

    /// <summary>How many channels this client opened, by initialize, at any server (each credential at each endpoint once, unless the server ended it).</summary>
    public int OpenedChannels => _opened;

    private int _opened;

    public Task<McpResponse> ListToolsAsync(string endpoint, string? token, CancellationToken ct)
        => SendAsync(endpoint, token, "tools/list", new JsonObject(), ct);

    /// <param name="sessionProof">For a DPoP-bound token: a valid proof for a POST to the endpoint, which opens its channel; the call itself goes with <paramref name="dpopProof"/>.</param>
    public Task<McpResponse> CallToolAsync(string endpoint, string? token, string tool, JsonObject arguments, CancellationToken ct, bool asTask = false, string? dpopProof = null,
        Func<string>? sessionProof = null)
    {
        var parameters = new JsonObject { ["name"] = tool, ["arguments"] = arguments.DeepClone() };
        if (asTask) parameters["task"] = new JsonObject { ["ttl"] = 60_000 };  // MCP task augmentation: the client accepts a task in place of the result
        return SendAsync(endpoint, token, "tools/call", parameters, ct, dpopProof, sessionProof);
    }

    public Task<McpResponse> GetTaskAsync(string endpoint, string? token, string taskId, CancellationToken ct)
        => SendAsync(endpoint, token, "tasks/get", new JsonObject { ["taskId"] = taskId }, ct);

    /// <summary>
    /// A JSON-RPC request on the channel of <paramref name="token"/> at <paramref name="endpoint"/> (opened first when it is not);
    /// with <paramref name="dpopProof"/> the token goes as "Authorization: DPoP" with the proof (RFC 9449 §7.1).
    /// </summary>
    public async Task<McpResponse> SendAsync(string endpoint, string? token, string method, JsonObject parameters, CancellationToken ct, string? dpopProof = null,
        Func<string>? sessionProof = null)
    {
        var session = token is null || dpopProof is not null && sessionProof is null ? null : await SessionAsync(endpoint, token, dpopProof is null ? null : sessionProof, ct);
        var response = await PostAsync(endpoint, token, Request(method, parameters), session, dpopProof, ct);
        // 2025-06-18 §2.5.3: the server ended the session; a new one is opened, and the call made again once. Not a DPoP call: its proof, which
        // may be wrong on purpose, cannot be sent twice (its jti), and a fresh one would not be the call a check meant to judge.
        if (session?.Id is not null && response.Status == HttpStatusCode.NotFound && token is not null && dpopProof is null)
        {
            _sessions.TryRemove((endpoint, token, false), out _);
            session = await SessionAsync(endpoint, token, null, ct);
            response = await PostAsync(endpoint, token, Request(method, parameters), session, null, ct);
        }
        return response;
    }

    private JsonObject Request(string method, JsonObject parameters)
        => new() { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _id), ["method"] = method, ["params"] = parameters.DeepClone() };

    private Task<McpSession?> SessionAsync(string endpoint, string token, Func<string>? proof, CancellationToken ct)
        => _sessions.GetOrAdd((endpoint, token, proof is not null), _ => new Lazy<Task<McpSession?>>(() => OpenAsync(endpoint, token, proof, ct))).Value;

    /// <summary>initialize, then notifications/initialized; null when the server does not open the channel (the calls then go without one).</summary>
    private async Task<McpSession?> OpenAsync(string endpoint, string token, Func<string>? proof, CancellationToken ct)
    {
        var initialize = Request("initialize", new JsonObject
        {
            ["protocolVersion"] = ProtocolVersion,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "mission-conformance", ["version"] = "1" },
        });
        var answer = await PostAsync(endpoint, token, initialize, null, proof?.Invoke(), ct);
        if (answer.Result is not { } result) return null;
        Interlocked.Increment(ref _opened);
        var session = new McpSession(answer.Http.Header(SessionHeader), (string?)(result["protocolVersion"] as JsonValue) ?? ProtocolVersion);
        await PostAsync(endpoint, token, new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" }, session, proof?.Invoke(), ct);
        return session;
    }

    private async Task<McpResponse> PostAsync(string endpoint, string? token, JsonObject body, McpSession? session, string? dpopProof, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue(dpopProof is null ? "Bearer" : "DPoP", token);
        if (dpopProof is not null) request.Headers.Add("DPoP", dpopProof);
        if (session is not null)
        {
            if (session.Id is { } id) request.Headers.Add(SessionHeader, id);
            request.Headers.Add(ProtocolVersionHeader, session.Version);
        }
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var challenge = response.Headers.WwwAuthenticate.Count == 0 ? null : string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        var headers = response.Headers.TryGetValues(SessionHeader, out var ids) ? new Dictionary<string, string> { [SessionHeader] = ids.First() } : null;
        return new McpResponse(new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            response.Headers.CacheControl?.ToString(), text, headers), challenge,
            request.Options.TryGetValue(Wire.CapturingHandler.ExchangeId, out var exchange) ? exchange : null) { Method = (string?)(body["method"] as JsonValue) };
    }

    /// <summary>A GET, with a bearer credential when the resource needs one: the answer as captured, and its exchange.</summary>
    public async Task<(WireResponse Response, string? ExchangeId)> GetAsync(string url, CancellationToken ct, string? bearer = null, ArtifactKind? artifact = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var captured = new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.CacheControl?.ToString(), text);
        // A 2xx answer is the document asked for: validated as the artifact the caller named, as it is captured.
        if (artifact is { } kind && (int)response.StatusCode is >= 200 and < 300) captured = captured with { Artifact = CapturedArtifact.Validate(kind, text) };
        return (captured, request.Options.TryGetValue(Wire.CapturingHandler.ExchangeId, out var id) ? id : null);
    }

    /// <summary>A GET of a JSON document; the document is null unless 2xx and JSON.</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Document, string? ExchangeId)> GetJsonAsync(string url, CancellationToken ct, string? bearer = null)
    {
        var (response, exchange) = await GetAsync(url, ct, bearer);
        try
        {
            return (response.Status, (int)response.Status is >= 200 and < 300 ? JsonDocument.Parse(response.Body).RootElement.Clone() : null, exchange);
        }
        catch (JsonException)
        {
            return (response.Status, null, exchange);
        }
    }
}
