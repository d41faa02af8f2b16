using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MissionConformance.Harness.Schemas;

/// <summary>Every wire artifact the harness validates at capture, and the target file itself.</summary>
public enum ArtifactKind
{
    TargetFile,
    AsMetadata,
    ParResponse,
    OAuthError,
    TokenResponse,
    AuthorizationDetails,
    AccessTokenHeader,
    AccessTokenClaims,
    MissionClaim,
    MissionIntent,
    MissionRecord,
    MissionStatus,
    MissionStatusIetf,
    ConcurrentModification,
    StatusError,
    Report,
    Bench,
    EvaluationRequest,
    ExecutionEvidence,
    EvidenceExport,
    EnforcementManifest,
    ProtectedResourceMetadata,
    JsonRpcResponse,
    MissionAuthority,
    IntrospectionResponse,
    TokenExchangeResponse,
    Act,
    IdJagClaims,
    IdJagResponse,
    LifecycleEventSet,
    MissionStatusRequest,
    TokenExchangeRequest,
    Baseline,
    AuthorizationDetailsTypesMetadata,
    EffectsObservation,
    PdpMetadata,
    EvaluationResponse,
    EvaluationsResponse,
    DecisionEvidence,
    DecisionEvidenceExport,
    McpInitializeResult,
    McpListToolsResult,
    McpCallToolResult,
    McpTask,
}

/// <summary>A schema violation: where (RFC 6901 JSON Pointer), what, and the keyword that caught it.</summary>
public sealed record SchemaError(string Pointer, string Message, string? Keyword = null)
{
    public override string ToString() => $"{(Pointer.Length == 0 ? "/" : Pointer)}: {Message}";
}

/// <summary>
/// Validates artifacts against fixtures/schemas (draft-07, declared by each schema's $schema) with JsonSchema.Net 7.4.0, the
/// version that runs beside WireMock's Humanizer 2.14.1. Schemas referenced by URN are inlined first, so no resolver reaches out.
/// </summary>
public static class ArtifactSchemas
{
    private static readonly ConcurrentDictionary<ArtifactKind, (JsonSchema Schema, JsonNode Text)> Compiled = new();

    public static string FileName(ArtifactKind kind) => kind switch
    {
        ArtifactKind.TargetFile => "target.schema.json",
        ArtifactKind.AsMetadata => "as-metadata.schema.json",
        ArtifactKind.ParResponse => "par-response.schema.json",
        ArtifactKind.OAuthError => "oauth-error.schema.json",
        ArtifactKind.TokenResponse => "token-response.schema.json",
        ArtifactKind.AuthorizationDetails => "authorization-details.schema.json",
        ArtifactKind.AccessTokenHeader => "access-token-header.schema.json",
        ArtifactKind.AccessTokenClaims => "access-token-claims.schema.json",
        ArtifactKind.MissionClaim => "mission-claim.schema.json",
        ArtifactKind.MissionIntent => "mission-intent.schema.json",
        ArtifactKind.MissionRecord => "mission-record.schema.json",
        ArtifactKind.MissionStatus => "mission-status.schema.json",
        ArtifactKind.MissionStatusIetf => "mission-status.ietf-2026-08.schema.json",
        ArtifactKind.ConcurrentModification => "concurrent-modification.schema.json",
        ArtifactKind.StatusError => "status-error.schema.json",
        ArtifactKind.Report => "report.schema.json",
        ArtifactKind.Bench => "bench.schema.json",
        ArtifactKind.EvaluationRequest => "authzen-evaluation.schema.json",
        ArtifactKind.ExecutionEvidence => "execution-evidence.schema.json",
        ArtifactKind.EvidenceExport => "evidence-export.schema.json",
        ArtifactKind.EnforcementManifest => "enforcement-manifest.schema.json",
        ArtifactKind.ProtectedResourceMetadata => "protected-resource-metadata.schema.json",
        ArtifactKind.JsonRpcResponse => "jsonrpc-response.schema.json",
        ArtifactKind.MissionAuthority => "mission-authority.schema.json",
        ArtifactKind.IntrospectionResponse => "introspection-response.schema.json",
        ArtifactKind.TokenExchangeResponse => "token-exchange-response.schema.json",
        ArtifactKind.Act => "act.schema.json",
        ArtifactKind.IdJagClaims => "id-jag-claims.schema.json",
        ArtifactKind.IdJagResponse => "id-jag-response.schema.json",
        ArtifactKind.LifecycleEventSet => "lifecycle-event-set.schema.json",
        ArtifactKind.MissionStatusRequest => "mission-status-request.schema.json",
        ArtifactKind.TokenExchangeRequest => "token-exchange-request.schema.json",
        ArtifactKind.Baseline => "baseline.schema.json",
        ArtifactKind.AuthorizationDetailsTypesMetadata => "authorization-details-types-metadata.schema.json",
        ArtifactKind.EffectsObservation => "effects-observation.schema.json",
        ArtifactKind.PdpMetadata => "pdp-metadata.schema.json",
        ArtifactKind.EvaluationResponse => "authzen-decision.schema.json",
        ArtifactKind.EvaluationsResponse => "authzen-decisions.schema.json",
        ArtifactKind.DecisionEvidence => "decision-evidence.schema.json",
        ArtifactKind.DecisionEvidenceExport => "decision-evidence-export.schema.json",
        ArtifactKind.McpInitializeResult => "mcp-initialize-result.schema.json",
        ArtifactKind.McpListToolsResult => "mcp-list-tools-result.schema.json",
        ArtifactKind.McpCallToolResult => "mcp-call-tool-result.schema.json",
        ArtifactKind.McpTask => "mcp-task.schema.json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no schema"),
    };

    /// <summary>Form parameters (application/x-www-form-urlencoded) as the JSON object their request schema describes: one string member each, the last of a repeated name.</summary>
    public static string FormAsJson(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var form = new JsonObject();
        foreach (var (name, value) in parameters) form[name] = value;
        return form.ToJsonString();
    }

    /// <summary>
    /// JsonSchema.Net evaluates every keyword of draft-07 (and 2020-12): NJsonSchema, before it, silently ignored if/then and
    /// dependencies. Format is asserted, as the schemas mean it. The hierarchical output keeps anyOf's alternatives apart.
    /// </summary>
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    static ArtifactSchemas()
    {
        // The missing members as a JSON array, so each becomes its own error with its own pointer.
        ErrorMessages.Required = "[[missing]]";
    }

    private static long _validations;
    private static long _validationTicks;

    /// <summary>
    /// How many artifacts this process validated and the time spent on them, summed over threads (issue 23: `bench` reports it as
    /// a share of the suite's time).
    /// </summary>
    public static (long Artifacts, TimeSpan Spent) Spent => (Interlocked.Read(ref _validations), System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _validationTicks)));

    public static IReadOnlyList<SchemaError> Validate(ArtifactKind kind, string json)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return Evaluate(kind, json);
        }
        finally
        {
            Interlocked.Increment(ref _validations);
            Interlocked.Add(ref _validationTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    private static List<SchemaError> Evaluate(ArtifactKind kind, string json)
    {
        var (schema, text) = Compiled.GetOrAdd(kind, k => Inline(Text(FileName(k))) is var inlined ? (JsonSchema.FromText(inlined.ToJsonString()), inlined) : default);
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            return [new SchemaError("", "not JSON: " + e.Message)];
        }
        var errors = new List<SchemaError>();
        Collect(schema.Evaluate(instance, Options), instance, text, errors);
        return errors.DistinctBy(e => e.ToString()).ToList();
    }

    /// <summary>The errors of a failed evaluation node and its failed children; of a failed anyOf, only the alternative that came closest.</summary>
    private static void Collect(EvaluationResults node, JsonNode? instance, JsonNode schema, List<SchemaError> into)
    {
        if (node.IsValid) return;
        var failed = node.HasDetails ? node.Details.Where(d => !d.IsValid).ToList() : [];
        var errors = node.HasErrors ? node.Errors! : new Dictionary<string, string>();
        var pointer = node.InstanceLocation.ToString();
        var value = Value(instance, node.InstanceLocation);
        // anyOf and oneOf are read from their alternatives (the keyword itself may carry no message): which held, and which came closest.
        var children = node.HasDetails ? node.Details : [];
        var oneOf = children.Where(d => Segment(d, 1) == "oneOf").ToList();
        if (oneOf.Count > 0 && oneOf.Count(d => d.IsValid) != 1)
        {
            // When none held, the keywords that failed the alternatives are named with it (the error itself stays one: which alternative was meant is unknown).
            var inner = new List<SchemaError>();
            if (oneOf.All(d => !d.IsValid)) foreach (var alternative in oneOf) Collect(alternative, instance, schema, inner);
            var keywords = string.Join("/", inner.Select(e => e.Keyword).OfType<string>().Distinct(StringComparer.Ordinal).Prepend("oneOf"));
            into.Add(new SchemaError(pointer, $"must match exactly one of the alternatives (for the mission claim: exactly one of id and ref); got {Truncate(value ?? "")}", keywords));
        }
        var anyOf = children.Where(d => Segment(d, 1) == "anyOf").ToList();
        if (anyOf.Count > 0 && anyOf.All(d => !d.IsValid))
        {
            // For anyOf, the alternative that came closest says what is wrong (e.g. a seed entry's actions).
            var before = into.Count;
            Collect(anyOf.OrderBy(Count).First(), instance, schema, into);
            // The closest alternative's errors say what is wrong; that an anyOf caught them is recorded too.
            for (var i = before; i < into.Count; i++) into[i] = into[i] with { Keyword = "anyOf/" + into[i].Keyword };
        }
        failed = [.. failed.Where(d => Segment(d, 1) is not ("oneOf" or "anyOf"))];
        foreach (var (keyword, message) in errors)
        {
            switch (keyword)
            {
                case "oneOf" or "anyOf":
                    break;
                case "required":
                    var missing = System.Text.Json.JsonSerializer.Deserialize<string[]>(message) ?? [];
                    var under = Segment(node, 1) == "dependencies" ? "dependencies" : "required";
                    into.AddRange(missing.Select(name => new SchemaError(pointer + "/" + Escape(name), $"required member \"{name}\" is missing", under)));
                    break;
                default:
                    into.Add(new SchemaError(pointer, Describe(keyword, message, value, node, schema),
                        keyword is "" or "false" && Segment(node, 0) == "additionalProperties" ? "additionalProperties" : keyword));
                    break;
            }
        }
        // A failed "not" carries no message of its own: its subschema held, which is the failure.
        if (errors.Count == 0 && failed.Count == 0 && node.HasDetails && node.Details.Any(d => d.IsValid && Segment(d, 0) == "not"))
        {
            into.Add(new SchemaError(pointer, instance is null || node.InstanceLocation.TryEvaluate(instance, out var here) && here is JsonValue
                ? $"value {value} is not allowed here"
                : "this combination of members is not allowed here", "not"));
        }
        foreach (var child in failed) Collect(child, instance, schema, into);
    }

    private static string Describe(string keyword, string message, string? value, EvaluationResults node, JsonNode schema) => keyword switch
    {
        // additionalProperties: false fails the member itself against the false schema.
        "" or "false" when Segment(node, 0) == "additionalProperties" => $"unknown member \"{Unescape(node.InstanceLocation.ToString().Split('/')[^1])}\"",
        "enum" => $"unknown value {value}; allowed: {string.Join(", ", (Keyword(node, schema, "enum") as JsonArray ?? []).Select(v => v?.ToJsonString()))}",
        "pattern" => $"{value} does not match {(string?)Keyword(node, schema, "pattern")}",
        _ => $"{keyword}: {message}{(value is null ? "" : ": " + Truncate(value))}",
    };

    /// <summary>The value of <paramref name="keyword"/> in the (inlined) schema at the node's evaluation path.</summary>
    private static JsonNode? Keyword(EvaluationResults node, JsonNode schema, string keyword)
        => Json.Pointer.JsonPointer.Parse(node.EvaluationPath + "/" + keyword).TryEvaluate(schema, out var found) ? found : null;

    /// <summary>
    /// How many errors a node and its failed children hold, a failure without a message (a "not") counting as one: the closest anyOf
    /// alternative has the fewest, and of equals the first.
    /// </summary>
    private static int Count(EvaluationResults node)
        => Math.Max(node.IsValid ? 0 : 1, (node.HasErrors ? node.Errors!.Count : 0) + (node.HasDetails ? node.Details.Where(d => !d.IsValid).Sum(Count) : 0));

    /// <summary>The evaluation path's segment <paramref name="fromEnd"/> places before its last (0: the last).</summary>
    private static string? Segment(EvaluationResults node, int fromEnd)
    {
        var segments = node.EvaluationPath.ToString().Split('/');
        return segments.Length > fromEnd + 1 ? segments[^(fromEnd + 1)] : null;
    }

    private static string? Value(JsonNode? instance, Json.Pointer.JsonPointer location)
        => location.TryEvaluate(instance, out var found) ? found?.ToJsonString() ?? "null" : null;

    private static string Truncate(string value) => value.Length <= 120 ? value : value[..120] + "…";

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Text(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("fixtures.schemas." + fileName)
            ?? throw new InvalidOperationException($"fixtures/schemas/{fileName} is not embedded in the harness");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Replaces {"$ref": "urn:…"} with the schema whose $id it is.</summary>
    private static JsonNode Inline(string schemaText)
    {
        var root = JsonNode.Parse(schemaText)!;
        Replace(root);
        return root;

        static void Replace(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is JsonObject child && (string?)child["$ref"] is { } target && target.StartsWith("urn:", StringComparison.Ordinal))
                    {
                        var inlined = Inline(Text(ById(target)));
                        inlined.AsObject().Remove("$schema");
                        inlined.AsObject().Remove("$id");
                        obj[name] = inlined;
                    }
                    else
                    {
                        Replace(obj[name]);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array) Replace(item);
            }
        }
    }

    private static string ById(string id) => id switch
    {
        "urn:mission-conformance:schema:authorization-details:seed-2026-06" => "authorization-details.schema.json",
        "urn:mission-conformance:schema:mission-claim:seed-2026-06" => "mission-claim.schema.json",
        "urn:mission-conformance:schema:execution-evidence:seed-2026-06" => "execution-evidence.schema.json",
        "urn:mission-conformance:schema:act:seed-2026-06" => "act.schema.json",
        "urn:mission-conformance:schema:authzen-decision:seed-2026-06" => "authzen-decision.schema.json",
        "urn:mission-conformance:schema:mcp-task:seed-2026-06" => "mcp-task.schema.json",
        _ => throw new InvalidOperationException($"no schema with $id {id}"),
    };
}
