using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Checks;

/// <summary>A Mission record from the inventory, and the Intent the harness submitted for it.</summary>
public sealed record RecordEvidence(JsonObject Record, JsonObject SubmittedIntent, string Issuer)
{
    public const string DefaultIntentSchema = "urn:mbo:schema:mission-intent:1";
    public const string DefaultAuthoritySetSchema = "urn:mbo:schema:mission-authority-set:1";

    public string Tenant => (string?)Record["tenant"] ?? "";
    public string Origin => (string?)Record["mission"]?["origin"] ?? Issuer;
    public string? Anchor(string name) => (string?)Record["integrity"]?[name];
    public string Schema(string envelope, string fallback) => (string?)Record["anchor_profile"]?[envelope] ?? fallback;

    /// <summary>Open point 5: framework pipeline first; a legacy-envelope match is named in the failure.</summary>
    public Judgement Recompute(string anchorName, string envelope, string schemaFallback, JsonNode value)
    {
        if (Anchor(anchorName) is not { } recorded) return Judgement.Fail($"the Mission record has no integrity.{anchorName}");
        if (IntegrityAnchors.Classify(recorded) != AnchorFormat.Sha256) return Judgement.Skip($"not judged: {anchorName} \"{recorded}\" is not a sha-256 anchor (MBO-AS-REC-004)");
        var framework = IntegrityAnchors.Framework(envelope, Schema(envelope, schemaFallback), Tenant, Origin, value);
        if (framework == recorded) return Judgement.Pass($"{anchorName} {recorded} recomputes from the record (JCS + SHA-256, framework envelope)");
        var legacy = IntegrityAnchors.Legacy(envelope, Issuer, value);
        return Judgement.Fail(legacy == recorded
            ? $"{anchorName} matches only the first core draft's legacy envelope ({{typ, iss, value}}); the framework pipeline gives {framework}"
            : $"{anchorName} {recorded} does not recompute: the framework pipeline over the recorded value gives {framework}");
    }
}

/// <summary>The anchors seen over a Mission's life: every token's authority_hash and the record before and after.</summary>
public sealed record AnchorHistory(IReadOnlyList<string?> TokenAuthorityHashes, JsonObject? RecordBefore, JsonObject? RecordAfter);

/// <summary>Two Missions' consent_rendering_hash, as <paramref name="Source"/> shows them, and what their consent pages showed.</summary>
public sealed record RenderingHashEvidence(string? First, string FirstPage, string? Second, string SecondPage, string Source);
