using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// A scenario about Resource Servers: it runs once per server of the target file, the servers side by
/// side, with the harness playing the AS and PDP the server trusts. A server that cannot be reached,
/// or refuses the allowed probe it must serve, has the scenario's unjudged requirements INTERRUPTED with
/// the reason; the other servers go on.
/// </summary>
public abstract class ResourceServerScenario : Scenario
{
    public override IReadOnlyList<string> Subjects(Target target) => [.. target.ResourceServers.Select(r => r.Id)];

    public sealed override async Task RunAsync(ScenarioContext context)
    {
        await Task.WhenAll(context.Target.ResourceServers.Select(server => RunAtAsync(context, server)));
    }

    private async Task RunAtAsync(ScenarioContext context, ResourceServerTarget server)
    {
        if (context.Peers is not { } peers)
        {
            foreach (var id in Requirements) context.InterruptAt(server.Id, id, "harness error: no simulated peers were started for the Resource Servers of the target file");
            return;
        }
        using var http = context.CreateHttpClient();
        var probe = new ResourceServerProbe(context, peers, server, new McpClient(http));
        await SubjectRuns.GuardAsync(context, Requirements, server.Id, "resource server", server.Resource, () => RunAsync(probe), () => probe.RecentExchanges());
    }

    protected abstract Task RunAsync(ResourceServerProbe rs);
}

/// <summary>
/// An RS-D scenario (runtime.md §1): the RS-D contract covers consequential actions, so a server that
/// declares none ("consequential": false) has the scenario's requirements SKIPPED with that reason.
/// </summary>
public abstract class RuntimeEnforcementScenario : ResourceServerScenario
{
    protected sealed override Task RunAsync(ResourceServerProbe rs)
    {
        if (rs.Server.Consequential) return RunConsequentialAsync(rs);
        foreach (var id in Requirements) rs.Skip(id, "the server declares no consequential actions (resourceServers[].consequential is false)");
        return Task.CompletedTask;
    }

    protected abstract Task RunConsequentialAsync(ResourceServerProbe rs);
}

/// <summary>What a Resource Server scenario works with: the server, the simulated peers, an MCP client, and verdicts about the server.</summary>
public sealed class ResourceServerProbe(ScenarioContext context, PeerSet peers, ResourceServerTarget server, McpClient mcp)
{
    private readonly List<string> _exchanges = [];

    public ResourceServerTarget Server => server;

    public PeerSet Peers => peers;

    public McpClient Mcp => mcp;

    public ScenarioContext Context => context;

    public CancellationToken Cancellation => context.Cancellation;

    /// <summary>A Mission at the simulated AS whose Authority Set is this server's entry, active until told otherwise.</summary>
    public SimulatedMission Mission()
        => peers.AuthorizationServer.CreateMission("user-conformance", "agent-conformance", new JsonArray(server.Entry()), TimeSpan.FromHours(1), context.Wire);

    /// <summary>A Mission at the simulated AS whose Authority Set is <paramref name="entry"/>, active until told otherwise.</summary>
    public SimulatedMission Mission(JsonObject entry)
        => peers.AuthorizationServer.CreateMission("user-conformance", "agent-conformance", new JsonArray(entry), TimeSpan.FromHours(1), context.Wire);

    public string Token(SimulatedMission mission, Func<AccessTokenSpec, AccessTokenSpec>? edit = null)
    {
        var spec = new AccessTokenSpec(server.Resource, mission);
        return peers.AuthorizationServer.Mint(edit is null ? spec : edit(spec));
    }

    /// <param name="sessionProof">For a DPoP-bound token: a valid proof that opens its MCP channel, whatever proof the call itself carries.</param>
    public async Task<McpResponse> CallAsync(string? token, ToolProbe call, bool asTask = false, string? dpopProof = null, Func<string>? sessionProof = null)
        => Remember(await mcp.CallToolAsync(server.Resource, token, call.Tool, call.Arguments, context.Cancellation, asTask, dpopProof, sessionProof));

    public async Task<McpResponse> GetTaskAsync(string token, string taskId) => Remember(await mcp.GetTaskAsync(server.Resource, token, taskId, context.Cancellation));

    public async Task<McpResponse> ListAsync(string? token) => Remember(await mcp.ListToolsAsync(server.Resource, token, context.Cancellation));

    /// <summary>For a server with an event receiver: pushes the Mission's new state as a lifecycle SET; the receiver's HTTP status, or null when it has none.</summary>
    public async Task<int?> PushEventAsync(SimulatedMission mission, string state)
    {
        if (server.EventReceiver is not { } receiver) return null;
        using var response = await peers.AuthorizationServer.PushEventAsync(mcp.Http, receiver, mission, "active", state, server.Resource, context.Cancellation);
        return (int)response.StatusCode;
    }

    public async Task<(System.Net.HttpStatusCode Status, JsonElement? Document)> GetJsonAsync(string url)
    {
        var (status, document, exchange) = await mcp.GetJsonAsync(url, context.Cancellation);
        Remember(exchange);
        return (status, document);
    }

    /// <summary>A GET of a document the server publishes, as captured: a 2xx validated as <paramref name="artifact"/>.</summary>
    public async Task<WireResponse> GetAsync(string url, ArtifactKind artifact)
    {
        var (response, exchange) = await mcp.GetAsync(url, context.Cancellation, artifact: artifact);
        Remember(exchange);
        return response;
    }

    /// <summary>A POST with a bearer credential and no body (a declared change): the HTTP status.</summary>
    public async Task<int> PostAsync(string url, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await mcp.Http.SendAsync(request, context.Cancellation);
        Remember(request.Options.TryGetValue(Harness.Wire.CapturingHandler.ExchangeId, out var id) ? id : null);
        return (int)response.StatusCode;
    }

    /// <summary>The manifest URL the server's RFC 9728 metadata advertises (mission_enforcement_scope_manifest_uri), found through its 401 challenge.</summary>
    public async Task<string?> AdvertisedManifestAsync()
    {
        if ((await ListAsync(null)).Challenge("resource_metadata") is not { } metadataUrl || !Uri.IsWellFormedUriString(metadataUrl, UriKind.Absolute)) return null;
        var (_, document) = await GetJsonAsync(metadataUrl);
        return document is { ValueKind: JsonValueKind.Object } prm && prm.TryGetProperty("mission_enforcement_scope_manifest_uri", out var uri) && uri.ValueKind == JsonValueKind.String
            ? uri.GetString()
            : null;
    }

    /// <summary>
    /// What the server's effects observer shows carried out under <paramref name="missionId"/> (target file resourceServers[].effects);
    /// unobserved, with why, when the file names none or the observer gives no readable answer.
    /// </summary>
    public async Task<ObservedEffects> ObserveAsync(string missionId)
    {
        if (server.Effects is not { } effects) return ObservedEffects.None("the target file names no effects observer (resourceServers[].effects), so only the answer is judged");
        var url = effects.Observer.AbsoluteUri + (effects.Observer.Query.Length > 0 ? "&" : "?") + "mission_id=" + Uri.EscapeDataString(missionId);
        var (response, exchange) = await mcp.GetAsync(url, context.Cancellation, effects.Token, ArtifactKind.EffectsObservation);
        Remember(exchange);
        if ((int)response.Status is < 200 or >= 300 || response.Artifact is not { Errors.Count: 0 } || Json(response.Body) is not { } json)
        {
            return ObservedEffects.None($"the effects observer {effects.Observer} answered HTTP {(int)response.Status}"
                + (response.Artifact is { Errors.Count: > 0 } broken ? $", breaking effects-observation.schema.json ({string.Join("; ", broken.Errors.Take(2))})" : ""));
        }
        return new ObservedEffects(json.GetProperty("executions").GetArrayLength(), null);
    }

    /// <summary>
    /// The server's Execution Evidence for a Mission, from its export (resourceServers[].evidence). An export
    /// that refuses the credential or answers no JSON interrupts the scenario: that is the file's or the
    /// export's problem, not evidence of what the PEP recorded.
    /// </summary>
    public async Task<ExecutionEvidenceExport> ReadEvidenceAsync(string missionId, IReadOnlyList<Evaluation> permits)
    {
        var export = server.Evidence!;
        var url = export.Export.AbsoluteUri + (export.Export.Query.Length > 0 ? "&" : "?") + "mission_id=" + Uri.EscapeDataString(missionId);
        var (response, exchange) = await mcp.GetAsync(url, context.Cancellation, export.Token, ArtifactKind.EvidenceExport);
        Remember(exchange);
        var status = (int)response.Status;
        if (status is < 200 or >= 300 || response.Artifact is null || Json(response.Body) is not { } json)
        {
            throw new ScenarioInterruptedException($"the evidence export {export.Export} answered HTTP {status}" + (status is 401 or 403
                ? ": check resourceServers[].evidence.token" : status is >= 200 and < 300 ? " with a body that is not JSON" : ""));
        }
        var records = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("execution_evidence", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(r => JsonNode.Parse(r.GetRawText()) as JsonObject).OfType<JsonObject>().ToList()
            : [];
        return new ExecutionEvidenceExport(export.Export.AbsoluteUri, response.Artifact, records, permits, server.Allowed);
    }

    /// <summary>The export for the permits, read again every half second for up to <paramref name="settle"/> while a permit has no record.</summary>
    public async Task<ExecutionEvidenceExport> ReadSettledEvidenceAsync(string missionId, IReadOnlyList<Evaluation> permits, TimeSpan settle)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var export = await ReadEvidenceAsync(missionId, permits);
        while (export.Linked.Any(l => l.Record is null) && clock.Elapsed < settle)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), context.Cancellation);
            export = await ReadEvidenceAsync(missionId, permits);
        }
        return export;
    }

    private static JsonElement? Json(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private McpResponse Remember(McpResponse response)
    {
        Remember(response.ExchangeId);
        if (response.ProtocolErrors is { Count: > 0 } errors)
        {
            // Neither a result nor a refusal: judging it either way would be a guess.
            throw new ScenarioInterruptedException($"{server.Id} answered HTTP {(int)response.Status} with something that is not a JSON-RPC 2.0 response "
                + $"(jsonrpc-response.schema.json): {string.Join("; ", errors)}");
        }
        return response;
    }

    private void Remember(string? exchangeId)
    {
        if (exchangeId is not null) lock (_exchanges) _exchanges.Add(exchangeId);
    }

    /// <summary>This server's last exchanges: the evidence of a verdict (the servers of a scenario run side by side).</summary>
    public string[] RecentExchanges(int count = 3)
    {
        lock (_exchanges) return [.. _exchanges.TakeLast(count)];
    }

    /// <summary>
    /// The allowed probe with a valid token for an active Mission; a server that refuses it cannot be
    /// judged on what it refuses, so the scenario is interrupted with what it answered.
    /// </summary>
    public async Task<McpResponse> RequireServedAsync(string token, string why)
    {
        var response = await CallAsync(token, server.Allowed);
        if (!Control(response))
        {
            throw new ScenarioInterruptedException($"{server.Id} refused the allowed probe ({server.Allowed.Tool}) with a valid token for an active Mission ({why}): "
                + $"{response.Describe()}. Check resourceServers[].probes.allowed, and that the server trusts the simulated peers (run --print-peer-config).");
        }
        return response;
    }

    /// <summary>Records whether the allowed probe was served (<see cref="Checks.Controls.AllowedCallServed"/>), the control of this server's refusals.</summary>
    public bool Control(McpResponse allowed)
        => context.ControlAt(server.Id, Checks.Controls.AllowedCallServed, allowed.Served, $"{server.Allowed.Tool} was answered {allowed.Describe()}");

    /// <summary>
    /// Records whether the forbidden probe was served under a Mission whose entry lists it (<see cref="Checks.Controls.ForbiddenProbeServedWhenAuthorised"/>),
    /// the control of this server's refusals of that tool.
    /// </summary>
    public bool ControlForbidden(McpResponse authorised)
        => context.ControlAt(server.Id, Checks.Controls.ForbiddenProbeServedWhenAuthorised, authorised.Served,
            $"{server.ForbiddenAction.Tool}, under a Mission whose entry lists it, was answered {authorised.Describe()}");

    public Verdict Judge<TEvidence>(Check<TEvidence> check, TEvidence evidence) => context.JudgeAt(server.Id, check, evidence, RecentExchanges());

    public void Skip(string requirementId, string reason) => context.SkipAt(server.Id, requirementId, reason, RecentExchanges());

    /// <summary>SKIPPED for want of the target-file <paramref name="field"/>: a tier that needs the requirement is claimed, not demonstrated.</summary>
    public void SkipForWant(string requirementId, string field, string reason) => context.SkipForWant(requirementId, field, reason, server.Id);
}
