using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MissionConformance.Harness.Crypto;

/// <summary>Why an anchor string cannot be compared (MBO-AS-REC-004, MBO-AS-REC-008).</summary>
public enum AnchorFormat { Sha256, UnknownAlgorithm, Malformed }

/// <summary>
/// The two anchor algorithms of oauth-profile.md §7, recomputed by the harness from what a target
/// recorded: the framework pipeline (primary) and the first core draft's envelope (legacy).
/// </summary>
public static partial class IntegrityAnchors
{
    public const string IntentEnvelope = "mission-intent";
    public const string AuthoritySetEnvelope = "mission-authority-set";
    public const string ActionParametersEnvelope = "mission-action-parameters";

    [GeneratedRegex("^sha-256:[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Anchor();

    [GeneratedRegex("^(sha-384|sha-512):[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OtherKnownAnchor();

    /// <summary>Classifies an anchor. Unknown prefixes are never treated as sha-256 (MBO-AS-REC-008).</summary>
    public static AnchorFormat Classify(string? anchor)
    {
        if (anchor is null) return AnchorFormat.Malformed;
        if (Sha256Anchor().IsMatch(anchor)) return AnchorFormat.Sha256;
        if (OtherKnownAnchor().IsMatch(anchor)) return AnchorFormat.UnknownAlgorithm;  // valid, but this harness verifies sha-256 only
        return anchor.Contains(':', StringComparison.Ordinal) && !anchor.StartsWith("sha-256:", StringComparison.Ordinal)
            ? AnchorFormat.UnknownAlgorithm
            : AnchorFormat.Malformed;
    }

    /// <summary>Framework pipeline: normalise, wrap in the envelope, JCS, SHA-256, "sha-256:" + base64url.</summary>
    public static string Framework(string envelopeType, string schemaVersion, string tenant, string origin, JsonNode value)
    {
        var normalised = envelopeType == IntentEnvelope ? NormaliseIntent(value) : NormaliseStrings(value);
        var envelope = new JsonObject
        {
            ["type"] = envelopeType,
            ["schema_version"] = schemaVersion,
            ["authorization_domain"] = tenant,
            ["state_authority"] = origin,
            ["value"] = normalised,
        };
        return Digest(envelope);
    }

    /// <summary>runtime.md §4 parameter_digest: the same envelope with type "mission-action-parameters" and the parameters as sent, not normalised.</summary>
    public static string ParameterDigest(string schemaVersion, string tenant, string origin, JsonNode parameters)
        => Digest(new JsonObject
        {
            ["type"] = ActionParametersEnvelope,
            ["schema_version"] = schemaVersion,
            ["authorization_domain"] = tenant,
            ["state_authority"] = origin,
            ["value"] = parameters.DeepClone(),
        });

    /// <summary>First core draft: {"typ", "iss", "value"} over the value as recorded, no sorting.</summary>
    public static string Legacy(string envelopeType, string issuer, JsonNode value)
        => Digest(new JsonObject { ["typ"] = envelopeType, ["iss"] = issuer, ["value"] = value.DeepClone() });

    private static string Digest(JsonObject envelope)
    {
        var canonical = Jcs.Canonicalize(JsonSerializer.SerializeToElement(envelope));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return "sha-256:" + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Profile urn:mbo:norm:mission-intent:1: NFC, objects a sorted set, mission_expiry in UTC "Z".</summary>
    private static JsonObject NormaliseIntent(JsonNode intent)
    {
        var copy = NormaliseStrings(intent)!.AsObject();
        if (copy["objects"] is JsonArray objects)
        {
            var sorted = objects.Select(o => o!.GetValue<string>()).Distinct(StringComparer.Ordinal)
                .OrderBy(o => o, Utf8Order.Instance).Select(o => (JsonNode)JsonValue.Create(o)!).ToArray();
            copy["objects"] = new JsonArray(sorted);
        }
        if (copy["mission_expiry"] is JsonValue expiry && expiry.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            copy["mission_expiry"] = parsed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z";
        }
        return copy;
    }

    private static JsonNode? NormaliseStrings(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => new KeyValuePair<string, JsonNode?>(p.Key.Normalize(NormalizationForm.FormC), NormaliseStrings(p.Value)))),
        JsonArray a => new JsonArray(a.Select(NormaliseStrings).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(s.Normalize(NormalizationForm.FormC)),
        _ => node?.DeepClone(),
    };

    /// <summary>Orders strings by their UTF-8 bytes ("sorted by NFC bytes").</summary>
    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y)
            => ((ReadOnlySpan<byte>)Encoding.UTF8.GetBytes(x ?? "")).SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
