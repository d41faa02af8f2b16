using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Anchors;

/// <summary>
/// Integrity anchors per oauth-profile.md §7, framework pipeline (the primary algorithm):
/// JCS over {type, schema_version, authorization_domain, state_authority, value}, SHA-256,
/// base64url without padding, prefixed "sha-256:" (MBO-AS-REC-004..006).
/// </summary>
public static class IntegrityAnchor
{
    public const string IntentEnvelope = "mission-intent";
    public const string AuthoritySetEnvelope = "mission-authority-set";
    public const string ConsentDisclosureEnvelope = "mission-consent-disclosure";
    public const string ActionParametersEnvelope = "mission-action-parameters";

    public const string IntentSchema = "urn:mbo:schema:mission-intent:1";
    public const string IntentNormalizationProfile = "urn:mbo:norm:mission-intent:1";
    public const string AuthoritySetSchema = "urn:mbo:schema:mission-authority-set:1";
    public const string ConsentDisclosureSchema = "urn:mbo:schema:mission-consent-disclosure:1";

    public static string Compute(string envelopeType, string schemaVersion, string tenant, string origin, JsonNode value)
    {
        var envelope = new JsonObject
        {
            ["type"] = envelopeType,
            ["schema_version"] = schemaVersion,
            ["authorization_domain"] = tenant,
            ["state_authority"] = origin,
            ["value"] = envelopeType == IntentEnvelope ? ApplyIntentProfile(Normalize(value)!) : Normalize(value),
        };
        return Digest(Jcs.Canonicalize(JsonSerializer.SerializeToElement(envelope)));
    }

    /// <summary>
    /// runtime.md §4: parameter_digest, JCS over {type "mission-action-parameters", schema_version,
    /// authorization_domain, state_authority, value} with the parameters exactly as sent (the runtime
    /// profile gives them no normalisation step).
    /// </summary>
    public static string ParameterDigest(string schemaVersion, string tenant, string origin, JsonNode parameters)
        => Digest(Jcs.Canonicalize(JsonSerializer.SerializeToElement(new JsonObject
        {
            ["type"] = ActionParametersEnvelope,
            ["schema_version"] = schemaVersion,
            ["authorization_domain"] = tenant,
            ["state_authority"] = origin,
            ["value"] = parameters.DeepClone(),
        })));

    public static string Digest(string canonical)
        => "sha-256:" + Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    public static string Base64Url(byte[] bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// urn:mbo:norm:mission-intent:1: objects are an order-insensitive set (sorted by UTF-8 bytes,
    /// duplicates dropped); the validator already wrote mission_expiry in UTC "Z".
    /// </summary>
    private static JsonNode ApplyIntentProfile(JsonNode intent)
    {
        if (intent is JsonObject obj && obj["objects"] is JsonArray objects)
        {
            var set = new SortedSet<string>(objects.Select(o => o!.GetValue<string>()), Comparer<string>.Create(
                static (a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b))));
            obj["objects"] = new JsonArray(set.Select(o => JsonValue.Create(o)).ToArray<JsonNode?>());
        }
        return intent;
    }

    /// <summary>Semantic normalisation step 1: NFC on every string, names included.</summary>
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key.Normalize(NormalizationForm.FormC), Normalize(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => Normalize(item?.DeepClone())).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(v.GetValue<string>().Normalize(NormalizationForm.FormC)),
        _ => node,
    };
}
