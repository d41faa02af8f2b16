using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Anchors;

/// <summary>runtime.md §6–7 evidence_envelope jws-compact: ES256 over the JCS of the record without its envelope.</summary>
public static class EvidenceEnvelope
{
    /// <summary>The compact JWS of <paramref name="record"/> (which must not hold its envelope yet), with <paramref name="typ"/> and, when given, <paramref name="kid"/>.</summary>
    public static string JwsCompact(JsonObject record, ECDsa key, string typ, string? kid = null)
    {
        var header = IntegrityAnchor.Base64Url(Encoding.UTF8.GetBytes(kid is null
            ? $"{{\"alg\":\"ES256\",\"typ\":\"{typ}\"}}"
            : $"{{\"alg\":\"ES256\",\"kid\":\"{kid}\",\"typ\":\"{typ}\"}}"));
        var payload = IntegrityAnchor.Base64Url(Encoding.UTF8.GetBytes(Jcs.Canonicalize(JsonSerializer.SerializeToElement(record))));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256);
        return header + "." + payload + "." + IntegrityAnchor.Base64Url(signature);
    }
}
