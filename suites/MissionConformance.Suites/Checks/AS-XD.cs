using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-AS-XD-001: the Mission's refresh token is exchanged for an ID-JAG; an access token as subject is refused.</summary>
public sealed class IdJagFromRefreshTokenOnly : Check<IdJagEvidence>
{
    public override string RequirementId => "MBO-AS-XD-001";

    public override Judgement Judge(IdJagEvidence e)
    {
        if (!e.Issued.Succeeded)
        {
            return Judgement.Fail($"exchanging the Mission's refresh token for an ID-JAG for {e.Audience} was refused: {IdJagEvidence.Refusal(e.Issued)} {e.Issued.Response.Member("error_description")}".TrimEnd());
        }
        if (e.FromAccessToken.Response.Status == HttpStatusCode.OK)
        {
            return Judgement.Fail($"an ID-JAG for {e.Audience} was issued from a Mission-bound access token; only the Mission's refresh token may be its subject (oauth-profile.md §14)");
        }
        return Judgement.Pass($"the refresh token was exchanged for an ID-JAG; the access token as subject was refused ({IdJagEvidence.Refusal(e.FromAccessToken)})");
    }
}

/// <summary>
/// MBO-AS-XD-002: the ID-JAG is redeemable at the Resource AS it is audienced to, which the harness plays and which
/// validates it as oauth-profile.md §14 has a Resource AS do (the origin's signature and iss, aud itself alone, exp − iat at
/// most 300 s, a jti it has not seen, cnf.jkt proven by a DPoP proof of the requester's key); a second ID-JAG from the same
/// refresh token is redeemable too, so its jti was not the first's; and the mission claim is the Mission's, unchanged.
/// </summary>
public sealed class IdJagAudiencedShortLivedBound : Check<IdJagEvidence>
{
    public override string RequirementId => "MBO-AS-XD-002";

    public override Judgement Judge(IdJagEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        var claims = e.Issued.Jwt!.Payload;
        if (!claims.TryGetProperty("mission", out var after) || after.ValueKind != JsonValueKind.Object) return Judgement.Fail("the ID-JAG carries no mission claim");
        // The mission claim's and the entries' own shapes are MBO-AS-TOK-001/006's, judged on every access token.
        if (e.Issued.Jwt!.PayloadArtifact is not { Kind: ArtifactKind.IdJagClaims } validated) return Judgement.NotValidatedAtCapture("the ID-JAG's claims");
        var errors = validated.Errors
            .Where(x => x.Pointer != "/mission" && !x.Pointer.StartsWith("/mission/", StringComparison.Ordinal) && !x.Pointer.StartsWith("/authorization_details/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail($"the ID-JAG's claims break id-jag-claims.schema.json: {string.Join("; ", errors.Take(3))}");
        if (e.Redeemed is not { } redeemed) return Judgement.Skip($"not judged: the ID-JAG for {e.Audience} was not presented at a Resource AS");
        if (!redeemed.Redeemed) return Judgement.Fail($"the Resource AS the harness plays for {e.Audience} refused the ID-JAG: {redeemed.Refusal}");
        if (e.Again is { Redeemed: false } again)
        {
            return Judgement.Fail($"a second ID-JAG for {e.Audience}, from the same refresh token, was refused by the Resource AS the harness plays: {again.Refusal}");
        }
        if (e.Subject.Mission is not { } before) return Judgement.Skip("not judged: the Mission's access token carries no mission claim to compare with (see MBO-AS-TOK-001)");
        foreach (var member in e.Subject.BindingMembers.Skip(1))
        {
            if (Subset.Text(after, member) != Subset.Text(before, member))
            {
                return Judgement.Fail($"the ID-JAG carries mission.{member} {Subset.Text(after, member) ?? "(none)"}, the Mission's tokens {Subset.Text(before, member) ?? "(none)"}: the mission claim travels unchanged");
            }
        }
        // An id is compared with an id; a token in a pairwise sector names the Mission by its ref, which is meant not to match anything.
        var beforeId = Subset.Text(before, "id");
        if (Subset.Text(after, "id") is { } id ? beforeId is not null && id != beforeId : !e.PairwiseOffered)
        {
            return Judgement.Fail($"the ID-JAG names Mission {Subset.Text(after, "id") ?? "ref " + Subset.Text(after, "ref")}, the Mission's tokens {Subset.Text(before, "id")}"
                + (e.PairwiseOffered ? "" : " (and the AS advertises no pairwise references)"));
        }
        var lifetime = claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64();
        var second = e.Again is null ? $"; no second ID-JAG was redeemed ({e.WhyNotAgain})" : "; so was a second, with another jti";
        return Judgement.Pass($"the Resource AS the harness plays for {e.Audience} redeemed it with a DPoP proof of the requester's key: signed by {e.Issuer}, "
            + $"aud that Resource AS alone, {lifetime} s, a jti, cnf {(Subset.Text(claims.GetProperty("cnf"), "jkt") is null ? "present" : "jkt of the requester's key")}{second}; "
            + (beforeId is null ? "the Mission's origin and authority_hash (the access token names it by a pairwise ref, so the ids are not compared)" : "the Mission's id, origin and authority_hash"));
    }
}

/// <summary>MBO-AS-XD-003: the ID-JAG discloses no entry for a resource the target Resource AS is not authoritative for.</summary>
public sealed class IdJagScopedToItsDomain : Check<IdJagEvidence>
{
    public override string RequirementId => "MBO-AS-XD-003";

    public override Judgement Judge(IdJagEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        var others = e.Subject.Entries.Select(x => Subset.Text(x, "resource")).OfType<string>()
            .Where(r => !e.Target.Resources.Contains(r)).Distinct(StringComparer.Ordinal).ToList();
        if (others.Count == 0)
        {
            return Judgement.Skip($"not judged: the Mission's token carries entries for {e.Audience}'s resources only, so there is nothing another domain's ID-JAG must withhold (the target file's Intent names one domain)");
        }
        var disclosed = e.GrantEntries.Select(x => Subset.Text(x, "resource") ?? "(no resource)").Where(r => !e.Target.Resources.Contains(r)).Distinct(StringComparer.Ordinal).ToList();
        return disclosed.Count > 0
            ? Judgement.Fail($"the ID-JAG for {e.Audience} discloses entries for {string.Join(", ", disclosed)}, which that Resource AS is not authoritative for")
            : Judgement.Pass($"the ID-JAG for {e.Audience} carries {e.GrantEntries.Count} entr{(e.GrantEntries.Count == 1 ? "y" : "ies")} for its resources only; the Mission's entries for {string.Join(", ", others)} are withheld");
    }
}

/// <summary>MBO-AS-XD-004: invalid_target for a Resource AS the policy does not authorise; invalid_grant once the Mission is not active.</summary>
public sealed class IdJagIssuanceRefusals : Check<IdJagEvidence>
{
    public override string RequirementId => "MBO-AS-XD-004";

    public override PositiveControl Control => Controls.IdJagServed;

    public override Judgement Judge(IdJagEvidence e)
    {
        if (e.Unrelated.Response.Status == HttpStatusCode.OK || e.Unrelated.Response.ErrorCode != "invalid_target")
        {
            return Judgement.Fail($"an ID-JAG for {e.UnrelatedAudience}, a Resource AS no policy names, got {IdJagEvidence.Refusal(e.Unrelated)}; expected invalid_target");
        }
        if (e.Revoked is not { } revoked) return Judgement.Skip("not judged: " + e.WhyNotRevoked);
        var gated = RefreshGatedCheck.Gated("ID-JAG issuance", revoked.Operation, revoked.StateAfterOperation, revoked.Exchange.Response, revoked.ExpectedState, revoked.Exchange.Edition);
        return gated.Holds == true ? Judgement.Pass($"an unknown Resource AS got invalid_target; {gated.Message}") : gated;
    }
}

/// <summary>
/// MBO-AS-XD-005: the response says what it issued, an ID-JAG, with token_type N_A (RFC 8693 §2.2.1;
/// id-jag-response.schema.json, where token_type is matched case-insensitively as RFC 6749 §7.1 has it).
/// </summary>
public sealed class IdJagResponseLabelled : Check<IdJagEvidence>
{
    public override string RequirementId => "MBO-AS-XD-005";

    public override Judgement Judge(IdJagEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        var errors = e.Issued.Response.SchemaErrors;
        return Judgement.That(errors.Count == 0,
            $"issued_token_type {e.Issued.Response.Member("issued_token_type")}, token_type {e.Issued.Response.Member("token_type")}",
            $"the ID-JAG response breaks id-jag-response.schema.json ({string.Join("; ", errors.Take(3))}); expected issued_token_type {TokenTypes.IdJag} and token_type N_A");
    }
}
