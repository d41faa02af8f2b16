using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// POST /mcp: JSON-RPC 2.0 (initialize, tools/list, tools/call) behind the checks of the server's tier,
/// in order: the token (RS-A), the Mission's state (RS-B), the Authority Set entries for this resource
/// (RS-C), the PDP for consequential calls (RS-D). Every refusal happens before the side effect.
/// </summary>
public sealed class McpEndpoint(ReferenceResourceServer server, IssuerTrust trust, MissionStateSource states, PdpClient pdp, Hooks<IResourceServerHook> hooks)
{
    private readonly McpTasks _tasks = new();

    private readonly McpSessions _sessions = new();

    private readonly DpopVerifier _dpop = new();

    private ResourceServerOptions Options => server.Options;

    private bool AtLeast(RsTierSetting tier) => Options.Tier >= tier;

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        if (await AuthenticateAsync(http, ct) is not var (claims, token)) return;
        if (await ReadRpcAsync(http, ct) is not var (rpc, method)) return;
        if (await CheckMissionAsync(http, claims, token, method, ct) is not var (mission, status)) return;
        if (method != "initialize" && !await _sessions.AcceptAsync(http, rpc["id"])) return;

        switch (method)
        {
            case "initialize":
                http.Response.Headers[McpSessions.SessionHeader] = _sessions.Open();
                await RpcResult(http, rpc["id"], new JsonObject
                {
                    ["protocolVersion"] = McpSessions.ProtocolVersion,
                    ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                    ["serverInfo"] = new JsonObject { ["name"] = Options.Profile.Title, ["version"] = "1" },
                });
                return;
            case "tools/list":
                // MBO-MCP-001: exposure control only; every call is still authorised on its own.
                var listing = new ToolListing(Options.Profile.Tools, AtLeast(RsTierSetting.C)
                    ? [.. Options.Profile.Tools.Where(t => Entries(claims).Any(e => Actions(e).Contains(t.Name)))]
                    : Options.Profile.Tools);
                hooks.Run(h => h.ToolsListed(listing));
                await RpcResult(http, rpc["id"], new JsonObject { ["tools"] = new JsonArray([.. listing.Listed.Select(t => (JsonNode)t.Describe())]) });
                return;
            case "tools/call":
                await CallAsync(http, rpc, claims, mission, status, ct);
                return;
            case "tasks/get":
                await TaskAsync(http, rpc, claims, mission, status, ct);
                return;
            case "tasks/result":
                var done = _tasks.Find((string?)rpc["params"]?["taskId"], Text(mission, "id"));
                if (done?.Result is { } result) await RpcResult(http, rpc["id"], result);
                else await RpcError(http, rpc["id"], -32602, done is null ? "unknown task" : $"the task is {done.Status}");
                return;
            default:
                if (method.StartsWith("notifications/", StringComparison.Ordinal))
                {
                    http.Response.StatusCode = StatusCodes.Status202Accepted;
                    return;
                }
                await RpcError(http, rpc["id"], -32601, $"unknown method {method}");
                return;
        }
    }

    /// <summary>RS-A: a bearer or DPoP access token this server accepts, with its proof of possession; else the challenge is written.</summary>
    private async Task<(JsonElement Claims, string Token)?> AuthenticateAsync(HttpContext http, CancellationToken ct)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : "";
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase))
        {
            await Challenge(http, null, "a bearer or DPoP access token is required");
            return null;
        }
        var token = header[(space + 1)..].Trim();
        JsonElement claims;
        try
        {
            claims = await ValidateAsync(token, ct);
        }
        catch (SecurityTokenException e)
        {
            await Challenge(http, "invalid_token", e.Message);
            return null;
        }
        // MBO-RS-C-007: introspection checks no proof of possession, so an introspecting server verifies cnf itself all the same.
        DpopProofException? failure = null;
        try
        {
            await _dpop.VerifyAsync(http, scheme, token, claims, server.Resource);
        }
        catch (DpopProofException e)
        {
            failure = e;
        }
        var proof = new ProofCheck(Options.Introspection, failure);
        hooks.Run(h => h.ProofChecked(proof));
        if (proof.Failure is { } invalid)
        {
            await Challenge(http, "invalid_dpop_proof", invalid.Message, "DPoP");
            return null;
        }
        return (claims, token);
    }

    /// <summary>The JSON-RPC request and its method; else the JSON-RPC error is written.</summary>
    private static async Task<(JsonObject Rpc, string Method)?> ReadRpcAsync(HttpContext http, CancellationToken ct)
    {
        JsonObject? rpc;
        try
        {
            rpc = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync(ct)) as JsonObject;
        }
        catch (JsonException)
        {
            rpc = null;
        }
        if (rpc?["method"] is not JsonValue methodValue || !methodValue.TryGetValue<string>(out var method))
        {
            await RpcError(http, rpc?["id"], -32600, "not a JSON-RPC request");
            return null;
        }
        return (rpc, method);
    }

    /// <summary>RS-B: the token's Mission and, asked of the state authority, its state, which must be active; else the refusal is written.</summary>
    private async Task<(JsonElement Mission, MissionStatusView? Status)?> CheckMissionAsync(HttpContext http, JsonElement claims, string token, string method, CancellationToken ct)
    {
        if (!AtLeast(RsTierSetting.B)) return (default, null);
        var check = new StateCheck(method);
        hooks.Run(h => h.StateChecking(check));
        // MBO-RS-B-003: a server that governs by Mission refuses a token without one.
        if (!claims.TryGetProperty("mission", out var mission) || mission.ValueKind != JsonValueKind.Object || Text(mission, "id") is null)
        {
            if (check.Checks && Refuses(MissionRefusalReason.NoMissionClaim))
            {
                await Challenge(http, "invalid_token", "the access token carries no mission claim");
                return null;
            }
            return (mission, null);
        }
        if (!check.Checks || !check.AsksState) return (mission, null);
        // MBO-RS-B-002: an unexpired token does not outlive its Mission.
        MissionStatusView status;
        try
        {
            status = Options.Introspection ? await states.IntrospectAsync(token, ct) : await states.GetAsync(Text(mission, "id")!, ct);
        }
        catch (MissionStateUnavailableException e)
        {
            await Refuse(http, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "the Mission's state cannot be established: " + e.Message);
            return null;
        }
        if (status.State != "active" && Refuses(MissionRefusalReason.Inactive))
        {
            await Refuse(http, StatusCodes.Status403Forbidden, "mission_inactive", $"the Mission is {status.State}");
            return null;
        }
        return (mission, status);
    }

    private bool Refuses(MissionRefusalReason reason)
    {
        var refusal = new MissionRefusal(reason);
        hooks.Run(h => h.MissionRefused(refusal));
        return refusal.Refused;
    }

    private async Task CallAsync(HttpContext http, JsonObject rpc, JsonElement claims, JsonElement mission, MissionStatusView? status, CancellationToken ct)
    {
        var name = (string?)rpc["params"]?["name"];
        var arguments = rpc["params"]?["arguments"] as JsonObject ?? [];
        if (name is null || Options.Profile.Tool(name) is not { } tool)
        {
            await RpcError(http, rpc["id"], -32602, $"unknown tool {name}");
            return;
        }

        if (AtLeast(RsTierSetting.C) && Authorize(claims, mission, tool, arguments) is { } refusal)
        {
            await Refuse(http, StatusCodes.Status403Forbidden, refusal.Error, refusal.Description);
            return;
        }

        PdpDecision? decision = null;
        string? parameterDigest = null;
        var missionId = Text(mission, "id");
        var consultation = new PdpConsultation();
        hooks.Run(h => h.PdpConsulting(consultation));
        (JsonObject Result, DateTimeOffset At)? done = consultation.ActsFirst ? Carry(tool, arguments, missionId) : null;
        if (AtLeast(RsTierSetting.D) && tool.Consequential && consultation.Consults)
        {
            var evaluation = Evaluation(claims, mission, status, tool, arguments);
            parameterDigest = (string?)evaluation["context"]?["parameter_digest"];
            decision = await pdp.EvaluateAsync(evaluation, ct);
            var outcome = new PdpOutcome(decision.Decision, offersTask: decision.AccessRequest is not null && missionId is not null);
            hooks.Run(h => h.PdpDecided(outcome));
            if (decision.Decision is null && !outcome.Proceeds)
            {
                await Refuse(http, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "no decision from the PDP, so nothing was done: " + decision.Problem);
                return;
            }
            if (decision.Decision == false && !outcome.Proceeds)
            {
                // runtime.md §11, MBO-MCP-003: a requestable denial becomes an Access Request and an MCP task the client polls; nothing is done yet.
                if (outcome.OffersTask && missionId is not null && await pdp.SubmitAccessRequestAsync(evaluation, decision, ct) is { } statusEndpoint)
                {
                    await RpcResult(http, rpc["id"], new JsonObject { ["task"] = _tasks.Create(missionId, tool, arguments, statusEndpoint).Describe() });
                    return;
                }
                await Refuse(http, StatusCodes.Status403Forbidden, "access_denied", "the PDP denied the call" + (decision.Reason is null ? "" : $" ({decision.Reason})"));
                return;
            }
        }
        var (slot, exceeded) = Reserve(claims, missionId, decision, parameterDigest, tool);
        if (exceeded is not null)
        {
            await Refuse(http, StatusCodes.Status403Forbidden, "quota_exceeded", exceeded);
            return;
        }
        await RpcResult(http, rpc["id"], Execute(tool, arguments, missionId, decision, parameterDigest, slot, done));
    }

    /// <summary>
    /// tasks/get: the task's state; a working task whose Access Request was approved is settled now. The
    /// approval is an input to a fresh decision (runtime.md §5): the call is evaluated again, with the Mission
    /// state this request was just checked against (MBO-RT-PEP-011), and carried out only on a permit.
    /// </summary>
    private async Task TaskAsync(HttpContext http, JsonObject rpc, JsonElement claims, JsonElement mission, MissionStatusView? status, CancellationToken ct)
    {
        if (_tasks.Find((string?)rpc["params"]?["taskId"], Text(mission, "id")) is not { } call)
        {
            await RpcError(http, rpc["id"], -32602, "unknown task");
            return;
        }
        if (call.Status == "working" && call.TryBeginSettling())
        {
            var settlement = new ApprovalSettlement();
            hooks.Run(h => h.ApprovalSettling(settlement));
            switch (await pdp.AccessRequestStatusAsync(call.StatusEndpoint, ct))
            {
                case "approved" when !settlement.Reevaluates:
                    call.Complete(Execute(call.Tool, call.Arguments, call.MissionId, null, null));
                    break;
                case "approved":
                    var evaluation = Evaluation(claims, mission, status, call.Tool, call.Arguments);
                    var fresh = await pdp.EvaluateAsync(evaluation, ct);
                    var digest = (string?)evaluation["context"]?["parameter_digest"];
                    var (slot, exceeded) = fresh.Decision == true ? Reserve(claims, call.MissionId, fresh, digest, call.Tool) : (null, null);
                    if (exceeded is not null)
                    {
                        call.Fail(exceeded);
                    }
                    else if (fresh.Decision == true)
                    {
                        call.Complete(Execute(call.Tool, call.Arguments, call.MissionId, fresh, digest, slot));
                    }
                    else
                    {
                        var why = fresh.Reason ?? fresh.Problem;
                        call.Fail("approved, but the fresh decision was not a permit" + (why is null ? "" : $" ({why})"));
                    }
                    break;
                case "denied":
                    call.Fail("the access request was denied");
                    break;
                default:
                    call.EndSettling();
                    break;
            }
        }
        await RpcResult(http, rpc["id"], call.Describe());
    }

    /// <summary>
    /// Carries out the call (the side effect the reference's own tests see; <paramref name="carried"/> when a fault carried it out before
    /// asking) and, after a permit, records its Execution Evidence and finalises its max_invocations slot. An executor that lost its
    /// outcome (drop-outcome) leaves both to the slot's timeout.
    /// </summary>
    private JsonObject Execute(McpTool tool, JsonObject arguments, string? missionId, PdpDecision? decision, string? parameterDigest, InvocationSlot? slot = null,
        (JsonObject Result, DateTimeOffset At)? carried = null)
    {
        var (result, attemptedAt) = carried ?? Carry(tool, arguments, missionId);
        if (!server.Slots.ReportsOutcome(missionId))
        {
            return new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = $"{tool.Name}: the executor reported no outcome" }),
                ["isError"] = true,
            };
        }
        RecordEvidence(tool, arguments, missionId, decision, parameterDigest, attemptedAt);
        if (slot is not null) server.Slots.Finalise(slot, "completed");
        return result;
    }

    /// <summary>
    /// runtime.md §8: after a permit, a slot of the covering entry's max_invocations, if it has one; when none is left, why the permit
    /// becomes quota_exceeded.
    /// </summary>
    private (InvocationSlot? Slot, string? Exceeded) Reserve(JsonElement claims, string? missionId, PdpDecision? decision, string? parameterDigest, McpTool tool)
    {
        if (decision?.Decision != true || missionId is null) return (null, null);
        var limited = Entries(claims).Where(e => Actions(e).Contains(tool.Name))
            .Select(e => (Entry: e, Limit: e.TryGetProperty("constraints", out var c) && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty(InvocationSlots.Constraint, out var max) ? InvocationSlots.Parse(max) : null))
            .FirstOrDefault(e => e.Limit is not null);
        if (limited.Limit is not { } limit) return (null, null);
        var quota = new InvocationQuota(missionId + "\n" + limited.Entry.GetRawText(), limit);
        return server.Slots.TryReserve(quota, missionId, decision.DecisionId, parameterDigest, tool) is { } slot
            ? (slot, null)
            : (null, $"the entry's max_invocations ({limit}) are used up");
    }

    /// <summary>The side effect itself, which the effects observer shows.</summary>
    private (JsonObject Result, DateTimeOffset At) Carry(McpTool tool, JsonObject arguments, string? missionId)
    {
        var attemptedAt = DateTimeOffset.UtcNow;
        server.Executions.Enqueue(new Execution(tool.Name, arguments.ToJsonString(), missionId, attemptedAt));
        return (new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = $"{tool.Name} done" }),
            ["isError"] = false,
        }, attemptedAt);
    }

    /// <summary>After a permit, the call's Execution Evidence.</summary>
    private void RecordEvidence(McpTool tool, JsonObject arguments, string? missionId, PdpDecision? decision, string? parameterDigest, DateTimeOffset attemptedAt)
    {
        if (decision?.Decision == true && missionId is not null)
        {
            server.Evidence.Record(missionId, decision.DecisionId, parameterDigest, tool, arguments, attemptedAt, DateTimeOffset.UtcNow);
        }
    }

    private sealed record Refusal(string Error, string Description);

    /// <summary>RS-C: the call must be an action of an entry for this resource, within that entry's constraints.</summary>
    private Refusal? Authorize(JsonElement claims, JsonElement mission, McpTool tool, JsonObject arguments)
    {
        var honoured = Entries(claims).ToList();
        var covering = honoured.Where(e => Actions(e).Contains(tool.Name)).ToList();
        if (covering.Count == 0)
        {
            var check = new ActionCheck(claims, mission, tool, honoured, refused: true);
            hooks.Run(h => h.ActionChecked(check));
            return check.Refused ? new Refusal("insufficient_scope", $"{tool.Name} is not an action of any authorization_details entry for {server.Resource}") : null;
        }
        var problems = new List<string>();
        foreach (var entry in covering)
        {
            var violations = new List<string>();
            if (entry.TryGetProperty("constraints", out var constraints) && constraints.ValueKind == JsonValueKind.Object)
            {
                foreach (var constraint in constraints.EnumerateObject())
                {
                    // MBO-RS-C-003: a constraint this server cannot enforce fails closed.
                    // runtime.md §8: max_invocations is counted by the PEP's slots, which only an RS-D server (asking a PDP) keeps.
                    var counted = constraint.Name == InvocationSlots.Constraint && AtLeast(RsTierSetting.D) && tool.Consequential;
                    var enforceable = counted || Options.Profile.ConstraintKeys.Contains(constraint.Name);
                    var check = new ConstraintCheck(constraint.Name, enforceable, !enforceable
                        ? $"constraint {constraint.Name} is not one this server can enforce"
                        : counted ? (InvocationSlots.Parse(constraint.Value) is null ? "max_invocations must be a decimal string no larger than 2^64-1" : null)
                        : ConstraintRules.Violation(constraint.Name, JsonNode.Parse(constraint.Value.GetRawText()), arguments));
                    hooks.Run(h => h.ConstraintChecked(check));
                    if (check.Violation is { } violation) violations.Add(violation);
                }
            }
            if (violations.Count == 0) return null;
            problems.AddRange(violations);
        }
        return new Refusal("insufficient_scope", string.Join("; ", problems.Distinct()));
    }

    /// <summary>The mission_resource_access entries this server honours: those for its own resource (MBO-RS-C-005).</summary>
    private IEnumerable<JsonElement> Entries(JsonElement claims)
    {
        if (!claims.TryGetProperty("authorization_details", out var details)) return [];
        var all = details.ValueKind == JsonValueKind.Array ? details.EnumerateArray().ToList() : details.ValueKind == JsonValueKind.Object ? [details] : [];
        return all.Where(e => e.ValueKind == JsonValueKind.Object && Text(e, "type") == "mission_resource_access" && Honours(e));
    }

    private bool Honours(JsonElement entry)
    {
        var scope = new EntryScope(entry, Text(entry, "resource") == server.Resource);
        hooks.Run(h => h.EntryHonoured(scope));
        return scope.Honoured;
    }

    private static IReadOnlyList<string> Actions(JsonElement entry)
        => entry.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array
            ? [.. actions.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)]
            : [];

    /// <summary>runtime.md §4: the AuthZEN evaluation with the Mission context (MBO-RT-PEP-004, -005, -006, -008).</summary>
    private JsonObject Evaluation(JsonElement claims, JsonElement mission, MissionStatusView? status, McpTool tool, JsonObject arguments)
    {
        var missionContext = new JsonObject
        {
            ["id"] = Text(mission, "id"),
            ["origin"] = Text(mission, "origin"),
            ["authority_hash"] = Text(mission, "authority_hash"),
            ["policy_version"] = status?.PolicyVersion,
            ["policy_view_id"] = status?.PolicyViewId,
            ["policy_view_version"] = status?.PolicyViewVersion,
        };
        var context = new JsonObject
        {
            ["mission"] = missionContext,
            ["actor"] = Actor(claims),
            ["audience"] = server.Resource,
            ["tool_id"] = server.Resource + "#" + tool.Name,
        };
        if (tool.NeedsParameterBinding)
        {
            // MBO-RT-PEP-006: the arguments as they will be executed, and their digest in the mission-action-parameters envelope.
            context["parameters"] = arguments.DeepClone();
            context["parameter_digest"] = IntegrityAnchor.ParameterDigest(Options.ParameterSchemaVersion, Options.AuthorizationDomain, Text(mission, "origin") ?? "", arguments);
        }
        if (status is not null)
        {
            context["freshness"] = new JsonObject
            {
                ["mission_status_issued_at"] = Rfc3339(status.IssuedAt),
                ["mission_status_expires_at"] = Rfc3339(status.ExpiresAt),
                ["mode"] = status.Fresh ? "fresh" : Options.EventDriven ? "event_driven" : "cached",
                ["freshness_at"] = Rfc3339(status.FreshnessAt),
            };
        }
        var evaluation = new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "user", ["id"] = Text(claims, "sub") },
            ["resource"] = new JsonObject { ["type"] = "mcp_tool", ["id"] = server.Resource, ["properties"] = new JsonObject { ["tool"] = tool.Name } },
            ["action"] = new JsonObject { ["name"] = tool.Name },
            ["context"] = context,
        };
        hooks.Run(h => h.EvaluationBuilt(new EvaluationRequest(evaluation, tool)));
        return evaluation;
    }

    /// <summary>
    /// runtime.md §4 context.actor: the client, and on a delegated token the act chain (RFC 8693 §4.1) as the
    /// token carries it: the acting party is the chain's head, not client_id (MBO-RS-C-006); provenance such
    /// as the tool stays out of act (MBO-RT-PEP-007).
    /// </summary>
    private static JsonObject Actor(JsonElement claims)
    {
        var actor = new JsonObject { ["client_id"] = Text(claims, "client_id") };
        if (claims.TryGetProperty("act", out var act) && act.ValueKind == JsonValueKind.Object) actor["act"] = JsonNode.Parse(act.GetRawText());
        return actor;
    }

    /// <summary>RS-A (MBO-RS-A-001): signature, issuer, audience, expiry and (RFC 9068) typ.</summary>
    private async Task<JsonElement> ValidateAsync(string token, CancellationToken ct)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            throw new SecurityTokenMalformedException("the access token is not a JWT");
        }
        IssuerTrust.Snapshot issuer;
        try
        {
            issuer = await trust.GetAsync(jwt.Kid, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            throw new SecurityTokenException($"the trusted issuer's metadata or keys cannot be read: {e.Message}");
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = server.Resource,
            IssuerSigningKeys = issuer.Keys,
            ValidTypes = ["at+jwt", "application/at+jwt"],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(5),
        };
        hooks.Run(h => h.TokenValidating(parameters));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (!result.IsValid) throw result.Exception as SecurityTokenException ?? new SecurityTokenException(result.Exception?.Message ?? "the access token is not valid");
        return JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload)).RootElement.Clone();
    }

    private async Task Challenge(HttpContext http, string? error, string description, string scheme = "Bearer")
    {
        var challenge = scheme + " realm=\"" + Options.Profile.Name + "\"";
        var metadata = new Challenge(server.ResourceMetadataUrl);
        hooks.Run(h => h.Challenging(metadata));
        if (metadata.ResourceMetadata is { } url) challenge += ", resource_metadata=\"" + url + "\"";
        if (error is not null) challenge += $", error=\"{error}\", error_description=\"{Quote(description)}\"";
        http.Response.Headers.WWWAuthenticate = challenge;
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await http.Response.WriteAsJsonAsync(new { error = error ?? "invalid_request", error_description = description });
    }

    private static async Task Refuse(HttpContext http, int status, string error, string description)
    {
        if (status == StatusCodes.Status403Forbidden)
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", error_description=\"{Quote(description)}\"";
        }
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new { error, error_description = description });
    }

    private static Task RpcResult(HttpContext http, JsonNode? id, JsonObject result)
        => http.Response.WriteAsJsonAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result });

    private static Task RpcError(HttpContext http, JsonNode? id, int code, string message)
        => http.Response.WriteAsJsonAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A header-safe auth-param value: printable ASCII, no quotes or backslashes, at most 200 characters.</summary>
    private static string Quote(string value)
    {
        var safe = new string([.. value.Select(c => c is < ' ' or > '~' or '"' or '\\' ? ' ' : c)]);
        return safe.Length <= 200 ? safe : safe[..200];
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
