using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Pdp;

/// <summary>An evaluation request the PDP refuses to decide on (400 invalid_request): it is not an AuthZEN request with the Mission context.</summary>
public sealed class MalformedEvaluationException(string message) : Exception(message);

/// <summary>
/// A decision: permit, or a denial with its runtime.md §5 reason; a requestable denial (<see cref="Expandable"/>) also carries the
/// evaluation_id and access_request a PEP submits. <see cref="DecisionId"/> links it to its Decision Evidence.
/// </summary>
public sealed record PdpVerdict(bool Permit, string? Reason, string DecisionId, bool Expandable = false, string? EvaluationId = null, JsonObject? AccessRequest = null)
{
    public string Outcome => Permit ? "permit" : Expandable ? "expandable_deny" : "deny";
}

/// <summary>
/// runtime.md §4–5 and §8–9: decides one AuthZEN evaluation with the Mission context. In the order §4 gives: the Mission active (else
/// mission_inactive), the context consistent with Mission Status and fresh within mission_max_stale_seconds (else stale_state), the
/// parameter_digest recomputed byte for byte (else parameter_violation); then the capability (tool_id: capability_drift), the Authority
/// Set (out_of_authority: requestable when the entry for the resource exists and only the action is missing; a constraint the PDP does
/// not know fails closed), and max_invocations, reserved on permit (quota_exceeded).
/// </summary>
public sealed class PdpEvaluator(PdpOptions options, Func<string, MissionStateSource> statusFor, Hooks<IPdpHook> hooks, Uri accessRequests)
{
    /// <summary>The constraint keys this PDP can judge from context.parameters; any other fails closed.</summary>
    private static readonly string[] ParameterConstraints = ["fiscal_period", "max_rows", "folder", "recipient_domain"];

    private const string MaxInvocations = "max_invocations";

    // Reserve-on-permit (runtime.md §8): no PEP reports outcomes here, so a reserved slot stays consumed.
    private readonly Dictionary<(string Mission, string Resource), int> _reserved = [];
    private readonly Lock _quota = new();
    private readonly byte[] _bindingSecret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The requestable denials issued, by evaluation_id: the Mission, the binding_token and its expiry.</summary>
    public ConcurrentDictionary<string, (string MissionId, string BindingToken, string ExpiresAt)> Denials { get; } = new(StringComparer.Ordinal);

    public async Task<PdpVerdict> EvaluateAsync(JsonObject request, CancellationToken ct)
    {
        var mission = Require<JsonObject>(request, "context.mission");
        var missionId = Text(mission, "id") ?? throw new MalformedEvaluationException("context.mission.id is required");
        var origin = Text(mission, "origin") ?? throw new MalformedEvaluationException("context.mission.origin is required");
        var authorityHash = Text(mission, "authority_hash") ?? throw new MalformedEvaluationException("context.mission.authority_hash is required");
        var audience = Text(request["context"], "audience") ?? throw new MalformedEvaluationException("context.audience is required");
        var action = Text(Require<JsonObject>(request, "action"), "name") ?? throw new MalformedEvaluationException("action.name is required");
        var resource = Require<JsonObject>(request, "resource");
        if (Text(Require<JsonObject>(request, "subject"), "id") is null || Text(resource, "id") is null) throw new MalformedEvaluationException("subject.id and resource.id are required");
        var context = request["context"]!.AsObject();
        var decisionId = "dec_" + IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(18));
        PdpVerdict Deny(string reason) => new(false, reason, decisionId);

        // 1. The Mission is active. A Mission whose state cannot be established is not active: an origin this PDP does not trust,
        // or a Mission its state authority does not know.
        MissionStatusView? status = null;
        if (origin == options.TrustedIssuer.AbsoluteUri)
        {
            try
            {
                status = await statusFor(audience).GetAsync(missionId, ct);
            }
            catch (MissionStateUnavailableException)
            {
                // The state cannot be refreshed: stale, not inactive (runtime.md §10 "failed freshness ⇒ stale_state").
                return Deny("stale_state");
            }
        }
        var inactive = new PdpStep(status?.State != "active");
        hooks.Run(h => h.StateChecked(inactive));
        if (inactive.Stops) return Deny("mission_inactive");

        // 2. The context is the view the state authority gives, and fresh enough.
        var stale = new PdpStep(Stale(context, mission, authorityHash, status) is not null);
        hooks.Run(h => h.FreshnessChecked(stale));
        if (stale.Stops) return Deny("stale_state");

        // 3. parameter_digest, recomputed over the parameters as sent (a body with duplicate member names never gets here: ReferencePdp refuses it).
        if (context["parameters"] is { } parameters)
        {
            var digest = Text(context, "parameter_digest");
            var mismatch = new PdpStep(parameters is not JsonObject || digest is null
                || digest != IntegrityAnchor.ParameterDigest(options.ParameterSchemaVersion, options.AuthorizationDomain, origin, parameters));
            hooks.Run(h => h.DigestChecked(mismatch));
            if (mismatch.Stops) return Deny("parameter_violation");
        }

        var entries = Entries(status, audience);
        // 4. Capability Source Binding: a tool_id names an approved capability, resource#action of an entry for this audience.
        if (Text(context, "tool_id") is { } toolId)
        {
            var drift = new PdpStep(!entries.SelectMany(e => Actions(e).Select(a => audience + "#" + a)).Contains(toolId, StringComparer.Ordinal));
            hooks.Run(h => h.CapabilityChecked(drift));
            if (drift.Stops) return Deny("capability_drift");
        }

        // 5. The Authority Set: an entry for this resource, listing the action, whose constraints the parameters respect.
        var covering = entries.FirstOrDefault(e => Text(e, "resource") == Text(resource, "id") || Text(resource, "id")?.StartsWith(Text(e, "resource") + "#", StringComparison.Ordinal) == true);
        var outside = new PdpStep(covering is null);
        hooks.Run(h => h.ScopeChecked(outside));
        if (outside.Stops) return Deny("out_of_authority");
        covering ??= entries.FirstOrDefault() ?? new JsonObject { ["actions"] = new JsonArray(action) };
        var unlisted = new PdpStep(!Actions(covering).Contains(action, StringComparer.Ordinal));
        hooks.Run(h => h.ActionChecked(unlisted));
        if (unlisted.Stops) return Requestable(decisionId, missionId, request);
        var constraints = covering["constraints"] as JsonObject ?? [];
        // max_invocations is judged in step 6; one that is not a decimal string up to 2^64−1 (runtime.md §8) is a limit this PDP cannot
        // count, and fails closed like an unknown constraint rather than leaving the call unmetered.
        var violated = new PdpStep(constraints.Any(c => c.Key == MaxInvocations ? InvocationSlots.Parse(c.Value) is null
            : !ParameterConstraints.Contains(c.Key) || context["parameters"] is JsonObject arguments && ConstraintRules.Violation(c.Key, c.Value, arguments) is not null));
        hooks.Run(h => h.ScopeChecked(violated));
        if (violated.Stops) return Deny("out_of_authority");

        // 6. max_invocations: a permit reserves a slot; none left is quota_exceeded instead of permit.
        if (InvocationSlots.Parse(constraints[MaxInvocations]) is { } limit)
        {
            lock (_quota)
            {
                var key = (missionId, Text(covering, "resource") ?? "");
                var used = _reserved.GetValueOrDefault(key);
                var exhausted = new PdpStep((ulong)used >= limit);
                hooks.Run(h => h.QuotaChecked(exhausted));
                if (exhausted.Stops) return Deny("quota_exceeded");
                _reserved[key] = used + 1;
            }
        }
        return new PdpVerdict(true, null, decisionId);
    }

    /// <summary>
    /// runtime.md §5: out of authority, yet the Mission has an entry for the resource, so expansion is eligible: decision false with the
    /// evaluation_id and the access_request a PEP submits, its binding_token an HMAC over this exact subject, action, resource and request.
    /// </summary>
    private PdpVerdict Requestable(string decisionId, string missionId, JsonObject request)
    {
        var evaluationId = "ev_" + IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(12));
        var expiresAt = DateTimeOffset.UtcNow.AddMinutes(10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var bound = Jcs.Canonicalize(JsonSerializer.SerializeToElement(new JsonObject
        {
            ["evaluation_id"] = evaluationId,
            ["subject"] = request["subject"]?.DeepClone(),
            ["action"] = request["action"]?.DeepClone(),
            ["resource"] = request["resource"]?.DeepClone(),
        }));
        var binding = IntegrityAnchor.Base64Url(HMACSHA256.HashData(_bindingSecret, Encoding.UTF8.GetBytes(bound)));
        Denials[evaluationId] = (missionId, binding, expiresAt);
        var accessRequest = new JsonObject
        {
            ["endpoint"] = accessRequests.AbsoluteUri,
            ["template"] = "mission_expansion",
            ["expires_at"] = expiresAt,
            ["binding_token"] = binding,
        };
        return new PdpVerdict(false, "out_of_authority", decisionId, Expandable: true, evaluationId, accessRequest);
    }

    /// <summary>Why the Mission context is stale, or null: hashes or policy view other than Mission Status gives, or freshness past the bound.</summary>
    private string? Stale(JsonObject context, JsonObject mission, string authorityHash, MissionStatusView? status)
    {
        if (status?.AuthorityHash is { } hash && hash != authorityHash) return "authority_hash is not the state authority's";
        foreach (var (member, value) in new[] { ("policy_version", status?.PolicyVersion), ("policy_view_id", status?.PolicyViewId) })
        {
            if (value is not null && Text(mission, member) != value) return $"{member} is not the loaded view's";
        }
        if (Text(context["freshness"], "freshness_at") is not { } text
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var freshnessAt))
        {
            return "context.freshness.freshness_at is missing";
        }
        return DateTimeOffset.UtcNow - freshnessAt > TimeSpan.FromSeconds(options.MaxStaleSeconds) ? "freshness_at is older than mission_max_stale_seconds" : null;
    }

    /// <summary>The mission_resource_access entries the state authority projected for this audience.</summary>
    private static List<JsonObject> Entries(MissionStatusView? status, string audience)
        => status?.Authority is { ValueKind: JsonValueKind.Array } projection
            ? [.. projection.EnumerateArray().Select(e => JsonNode.Parse(e.GetRawText()) as JsonObject).OfType<JsonObject>()
                .Where(e => Text(e, "type") == "mission_resource_access" && Text(e, "resource") == audience)]
            : [];

    private static IEnumerable<string> Actions(JsonObject entry)
        => (entry["actions"] as JsonArray ?? []).OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>());

    private static T Require<T>(JsonObject request, string path) where T : JsonNode
    {
        JsonNode? node = request;
        foreach (var part in path.Split('.')) node = node is JsonObject o ? o[part] : null;
        return node as T ?? throw new MalformedEvaluationException($"{path} is required and must be a JSON {(typeof(T) == typeof(JsonObject) ? "object" : "value")}");
    }

    private static string? Text(JsonNode? node, string member)
        => node is JsonObject o && o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
