using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;

namespace MissionConformance.Suites.Checks;

/// <summary>runtime.md §6–7 evidence_envelope: the one format a consumer can verify, jws-compact, a JWS whose payload is the JCS of the record without its envelope.</summary>
public static class EvidenceEnvelopes
{
    /// <summary>Why the record's envelope is not such a JWS, or null (also null without an envelope: the schema says that).</summary>
    public static string? FormProblem(JsonObject record)
    {
        if (record["evidence_envelope"] is not JsonObject envelope) return null;
        var format = envelope["format"] is JsonValue f && f.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null;
        if (format != "jws-compact") return $"format \"{format}\" is not one a consumer can verify (runtime.md §6: unknown formats are rejected)";
        var parts = (envelope["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "").Split('.');
        if (parts.Length != 3) return "value is not a compact JWS";
        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        }
        catch (FormatException)
        {
            return "the JWS payload is not base64url";
        }
        var bare = (JsonObject)record.DeepClone();
        bare.Remove("evidence_envelope");
        return payload == Jcs.Canonicalize(JsonSerializer.SerializeToElement(bare)) ? null : "the JWS payload is not the JCS of the record without its envelope";
    }
}
