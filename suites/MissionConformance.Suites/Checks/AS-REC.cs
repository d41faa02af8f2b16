using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

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

public sealed partial class MissionIdOpaqueAndRandom : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-REC-001";

    public override Judgement Judge(TokenEvidence e)
    {
        var id = e.Token.MissionId!;
        if (!IdPattern().IsMatch(id)) return Judgement.Fail($"mission.id \"{id}\" is not 1–256 characters of [A-Za-z0-9_-]");
        // 128 bits need at least 22 base64url characters of randomness; a prefix does not count.
        var body = id.Contains('_', StringComparison.Ordinal) ? id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..] : id;
        return Judgement.That(body.Length >= 22 && !body.All(char.IsAsciiDigit), $"mission.id \"{id}\" is opaque and long enough for 128 bits",
            $"mission.id \"{id}\" is too short or too regular to carry 128 bits of entropy");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex IdPattern();
}

public sealed class MissionIdCarriesNoMeaning : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-REC-002";

    public override Judgement Judge(TokenEvidence e)
    {
        var id = e.Token.MissionId!;
        var meaningful = new[] { e.Token.Claim("sub"), e.ClientId, (string?)e.Record?["tenant"] }.Concat(e.Token.Audiences.Select(a => new Uri(a, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(a).Host : a))
            .OfType<string>().Where(s => s.Length >= 3).FirstOrDefault(s => id.Contains(s, StringComparison.OrdinalIgnoreCase));
        return Judgement.That(meaningful is null, "mission.id contains no subject, client, tenant or audience",
            $"mission.id \"{id}\" contains \"{meaningful}\"; the id must carry no principal, tenant or audience information");
    }
}

public sealed class MissionOriginIsIssuer : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-REC-003";

    public override Judgement Judge(TokenEvidence e)
    {
        var member = $"mission.{e.Token.Edition.MissionAuthorityMember}";
        var origin = e.Token.MissionAuthority;
        if (origin is null || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return Judgement.Fail($"{member} \"{origin}\" is not an absolute URL");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return Judgement.Fail($"{member} \"{origin}\" carries a query or fragment");
        return Judgement.That(origin == e.Issuer, $"{member} is the issuer {e.Issuer}",
            $"{member} \"{origin}\" is not the AS issuer \"{e.Issuer}\" (no MAS is declared)");
    }
}

public sealed class AnchorsWellFormed : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-REC-004";

    public override Judgement Judge(TokenEvidence e)
    {
        var anchors = new List<(string Where, string? Value)> { ("mission.authority_hash", Subset.Text(e.Token.Mission!.Value, "authority_hash")) };
        if (e.Record?["integrity"] is JsonObject integrity) anchors.AddRange(integrity.Select(p => ("record " + p.Key, (string?)p.Value)));
        var bad = anchors.Where(a => a.Value is not null && IntegrityAnchors.Classify(a.Value) != AnchorFormat.Sha256).ToList();
        return Judgement.That(bad.Count == 0, $"{anchors.Count} anchor(s) are sha-256: + 43 base64url characters",
            string.Join("; ", bad.Select(b => $"{b.Where} \"{b.Value}\" is not sha-256:<43 base64url characters, no padding>")));
    }
}

public sealed class MissionIdsNeverReused : Check<DistinctMissions>
{
    public override string RequirementId => "MBO-AS-REC-010";

    public override Judgement Judge(DistinctMissions e)
        => Judgement.That(e.Ids.Distinct().Count() == e.Ids.Count, $"{e.Ids.Count} Missions, {e.Ids.Count} distinct ids",
            $"a mission.id was used for two Missions: {string.Join(", ", e.Ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
}
