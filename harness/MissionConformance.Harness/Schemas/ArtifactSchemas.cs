using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

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
    ConcurrentModification,
    StatusError,
    Report,
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
}

/// <summary>A schema violation: where (RFC 6901 JSON Pointer) and what.</summary>
public sealed record SchemaError(string Pointer, string Message)
{
    public override string ToString() => $"{(Pointer.Length == 0 ? "/" : Pointer)}: {Message}";
}

/// <summary>
/// Validates artifacts against fixtures/schemas (draft-07, NJsonSchema: see the README for why not
/// 2020-12). Schemas referenced by URN are inlined before compilation, so no resolver reaches out.
/// </summary>
public static partial class ArtifactSchemas
{
    private static readonly ConcurrentDictionary<ArtifactKind, JsonSchema> Compiled = new();

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
        ArtifactKind.ConcurrentModification => "concurrent-modification.schema.json",
        ArtifactKind.StatusError => "status-error.schema.json",
        ArtifactKind.Report => "report.schema.json",
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
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no schema"),
    };

    /// <summary>Form parameters (application/x-www-form-urlencoded) as the JSON object their request schema describes: one string member each, the last of a repeated name.</summary>
    public static string FormAsJson(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var form = new JsonObject();
        foreach (var (name, value) in parameters) form[name] = value;
        return form.ToJsonString();
    }

    public static IReadOnlyList<SchemaError> Validate(ArtifactKind kind, string json)
    {
        var schema = Compiled.GetOrAdd(kind, k => JsonSchema.FromJsonAsync(Inline(Text(FileName(k))).ToJsonString()).GetAwaiter().GetResult());
        var errors = new List<SchemaError>();
        Collect(schema.Validate(json), errors);
        return errors.DistinctBy(e => e.ToString()).ToList();
    }

    private static void Collect(IEnumerable<ValidationError> errors, List<SchemaError> into)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0 && error.Kind != ValidationErrorKind.NotOneOf)
            {
                // For anyOf, the alternative that came closest says what is wrong (e.g. a seed entry's actions).
                var alternatives = error.Kind == ValidationErrorKind.NotAnyOf
                    ? [child.Errors.Values.Where(e => e.Count > 0).OrderBy(e => e.Count).First()]
                    : child.Errors.Values;
                foreach (var nested in alternatives) Collect(nested, into);
                continue;
            }
            into.Add(new SchemaError(Pointer(error), Describe(error)));
        }
    }

    private static string Describe(ValidationError e)
    {
        var value = e.Token?.ToString(Newtonsoft.Json.Formatting.None);
        return e.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"required member \"{e.Property}\" is missing",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown member \"{e.Property}\"",
            ValidationErrorKind.NotInEnumeration => $"unknown value {value}; allowed: {string.Join(", ", e.Schema?.Enumeration.Select(v => v?.ToString()) ?? [])}",
            ValidationErrorKind.PatternMismatch => $"{value} does not match {e.Schema?.Pattern}",
            ValidationErrorKind.NotOneOf => $"must match exactly one of the alternatives (for the mission claim: exactly one of id and ref); got {value}",
            ValidationErrorKind.NotAnyOf => $"matches none of the allowed forms: {value}",
            ValidationErrorKind.ExcludedSchemaValidates => $"value {value} is not allowed here",
            _ => $"{Regex.Replace(e.Kind.ToString(), "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant()}{(value is null ? "" : ": " + Truncate(value))}",
        };
    }

    private static string Truncate(string value) => value.Length <= 120 ? value : value[..120] + "…";

    /// <summary>NJsonSchema's "#/a[0].b" as an RFC 6901 pointer "/a/0/b", with the missing member appended.</summary>
    private static string Pointer(ValidationError e)
    {
        var path = (e.Path ?? "#").TrimStart('#');
        var pointer = string.Concat(PathToken().Matches(path).Select(m => "/" + (m.Groups["index"].Success ? m.Groups["index"].Value
            : m.Groups["quoted"].Success ? Escape(Regex.Replace(m.Groups["quoted"].Value, @"\\(.)", "$1")) : Escape(m.Groups["name"].Value))));
        if (e.Kind is ValidationErrorKind.PropertyRequired or ValidationErrorKind.NoAdditionalPropertiesAllowed && e.Property is { } property
            && !pointer.EndsWith("/" + Escape(property), StringComparison.Ordinal))
        {
            pointer += "/" + Escape(property);
        }
        return pointer;
    }

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
        _ => throw new InvalidOperationException($"no schema with $id {id}"),
    };

    // Json.NET writes a member whose name has '.', '/', '[' or a space as ['name'] (with \' and \\ escaped): a lifecycle SET's event URI.
    [GeneratedRegex("\\['(?<quoted>(?:[^'\\\\]|\\\\.)*)'\\]|(?:^|[./])(?:(?<name>[^.\\[\\]/]+)|\\[(?<index>[0-9]+)\\])|\\[(?<index>[0-9]+)\\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathToken();
}
