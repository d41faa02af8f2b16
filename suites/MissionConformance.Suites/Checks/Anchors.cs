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

public sealed class AuthorityHashRecomputes : Check<RecordEvidence>
{
    public override string RequirementId => "MBO-AS-REC-005";

    public override Judgement Judge(RecordEvidence e)
        => e.Recompute("authority_hash", IntegrityAnchors.AuthoritySetEnvelope, RecordEvidence.DefaultAuthoritySetSchema, e.Record["authority_set"]!);
}

public sealed class ProposalHashRecomputes : Check<RecordEvidence>
{
    public override string RequirementId => "MBO-AS-REC-006";

    public override Judgement Judge(RecordEvidence e)
        => e.Recompute("proposal_hash", IntegrityAnchors.IntentEnvelope, RecordEvidence.DefaultIntentSchema, e.Record["mission_intent"]!);
}

public sealed class ProposalHashOverValidatedIntent : Check<RecordEvidence>
{
    public override string RequirementId => "MBO-AS-REC-009";

    public override Judgement Judge(RecordEvidence e)
    {
        var validated = e.Record["mission_intent"]!;
        if (JsonNode.DeepEquals(validated, e.SubmittedIntent)) return Judgement.Skip("the AS did not narrow the probe Intent, so validated and submitted forms coincide");
        var schema = e.Schema(IntegrityAnchors.IntentEnvelope, RecordEvidence.DefaultIntentSchema);
        var overSubmitted = IntegrityAnchors.Framework(IntegrityAnchors.IntentEnvelope, schema, e.Tenant, e.Origin, e.SubmittedIntent);
        var overValidated = IntegrityAnchors.Framework(IntegrityAnchors.IntentEnvelope, schema, e.Tenant, e.Origin, validated);
        var recorded = e.Anchor("proposal_hash");
        if (IntegrityAnchors.Classify(recorded) != AnchorFormat.Sha256) return Judgement.Skip($"not judged: proposal_hash \"{recorded}\" is not a sha-256 anchor (MBO-AS-REC-004)");
        if (recorded == overSubmitted) return Judgement.Fail("proposal_hash covers the Intent as submitted, not the validated (narrowed) Intent the user approved");
        return Judgement.That(recorded == overValidated, "proposal_hash covers the validated, narrowed Intent",
            $"proposal_hash {recorded} covers neither the validated Intent ({overValidated}) nor the submitted one");
    }
}

/// <summary>The anchors seen over a Mission's life: every token's authority_hash and the record before and after.</summary>
public sealed record AnchorHistory(IReadOnlyList<string?> TokenAuthorityHashes, JsonObject? RecordBefore, JsonObject? RecordAfter);

public sealed class AnchorsStableForMissionLife : Check<AnchorHistory>
{
    public override string RequirementId => "MBO-AS-REC-007";

    public override Judgement Judge(AnchorHistory e)
    {
        // Token-versus-record equality is MBO-AS-TOK-002's; this judges stability over the Mission's life.
        var distinct = e.TokenAuthorityHashes.Distinct().ToList();
        if (distinct.Count != 1) return Judgement.Fail($"authority_hash changed across derived tokens: {string.Join(" → ", e.TokenAuthorityHashes)}");
        var before = e.RecordBefore?["integrity"]?.ToJsonString();
        var after = e.RecordAfter?["integrity"]?.ToJsonString();
        return Judgement.That(before == after, $"authority_hash {distinct[0]} is the same on {e.TokenAuthorityHashes.Count} tokens, and the record's anchors did not change",
            $"the record's anchors changed from {before} to {after}");
    }
}

public sealed class MissionNeverWidenedInPlace : Check<AnchorHistory>
{
    public override string RequirementId => "MBO-AS-EXP-004";

    public override Judgement Judge(AnchorHistory e)
    {
        if (e.TokenAuthorityHashes.Distinct().Count() != 1) return Judgement.Fail($"the authority bound to the Mission changed in place: {string.Join(" → ", e.TokenAuthorityHashes)}");
        if (e.RecordBefore is null || e.RecordAfter is null) return Judgement.Pass("authority_hash is constant across the Mission's tokens (no record to compare)");
        var before = e.RecordBefore["integrity"]?.ToJsonString();
        var after = e.RecordAfter["integrity"]?.ToJsonString();
        return Judgement.That(before == after, "proposal_hash and authority_hash are unchanged over the Mission's life",
            $"the record's integrity anchors changed from {before} to {after}");
    }
}

/// <summary>Two Missions' consent_rendering_hash, as <paramref name="Source"/> shows them, and what their consent pages showed.</summary>
public sealed record RenderingHashEvidence(string? First, string FirstPage, string? Second, string SecondPage, string Source);

/// <summary>
/// MC-AS-REC-101: consent_rendering_hash covers the disclosure shown at approval (oauth-profile.md §7). It
/// cannot be recomputed black-box (open point 5), but two different disclosures must not share it.
/// </summary>
public sealed class RenderingHashCoversDisclosure : Check<RenderingHashEvidence>
{
    public override string RequirementId => "MC-AS-REC-101";

    public override Judgement Judge(RenderingHashEvidence e)
    {
        if (e.First is not { } first || e.Second is not { } second)
        {
            return Judgement.Unverifiable($"{e.Source} did not show both Missions' consent_rendering_hash");
        }
        if (e.FirstPage == e.SecondPage) return Judgement.Skip("not judged: the two consent pages showed the same text, so their hashes may agree");
        return Judgement.That(first != second, $"two Missions whose consent pages differed have different consent_rendering_hash values, as {e.Source} shows them ({first}, {second})",
            $"two Missions whose consent pages showed different goals and decisions share consent_rendering_hash {first} ({e.Source}): it must be computed over the disclosure the approver saw (goal, constraints, expiry, authority, narrowing decisions), not over a template or constant");
    }
}
