using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// conformance.md §5 L2 item 3: what <see cref="Scenarios.IdJagIssuanceScenario"/> asked for and got.
/// <paramref name="Issued"/> is the ID-JAG from the refresh token; <paramref name="FromAccessToken"/> the
/// same request with the access token as subject; <paramref name="Unrelated"/> one for
/// <paramref name="UnrelatedAudience"/>; <paramref name="Revoked"/> the first request again after revocation.
/// </summary>
public sealed record IdJagEvidence(TokenExchange Subject, ResourceAuthorizationServer Target, string KeyThumbprint, string Issuer, bool SignatureVerifies,
    TokenExchange Issued, TokenExchange FromAccessToken, string UnrelatedAudience, TokenExchange Unrelated,
    ExchangeGating? Revoked, string? WhyNotRevoked, bool PairwiseOffered)
{
    public string Audience => Target.Issuer.AbsoluteUri;

    /// <summary>Why the ID-JAG itself cannot be judged: its issuance failed (MBO-AS-XD-001 says so).</summary>
    public string? NotIssued => Issued.Succeeded ? null
        : $"not judged: no ID-JAG was issued for {Audience} (HTTP {(int)Issued.Response.Status} {Issued.Response.Member("error")}; see MBO-AS-XD-001)";

    public IReadOnlyList<JsonElement> GrantEntries => Issued.Entries;

    public static string Refusal(TokenExchange t) => $"HTTP {(int)t.Response.Status} {t.Response.Member("error") ?? "(no error)"}";
}

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

/// <summary>MBO-AS-XD-002: signed by the origin, aud the Resource AS, exp − iat ≤ 300 s, a jti, cnf of the requester's key, the Mission unchanged.</summary>
public sealed class IdJagAudiencedShortLivedBound : Check<IdJagEvidence>
{
    public const int MaxLifetimeSeconds = 300;

    public override string RequirementId => "MBO-AS-XD-002";

    public override Judgement Judge(IdJagEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        var claims = e.Issued.Jwt!.Payload;
        if (!claims.TryGetProperty("mission", out var after) || after.ValueKind != JsonValueKind.Object) return Judgement.Fail("the ID-JAG carries no mission claim");
        // The mission claim's and the entries' own shapes are MBO-AS-TOK-001/006's, judged on every access token.
        var errors = ArtifactSchemas.Validate(ArtifactKind.IdJagClaims, claims.GetRawText())
            .Where(x => x.Pointer != "/mission" && !x.Pointer.StartsWith("/mission/", StringComparison.Ordinal) && !x.Pointer.StartsWith("/authorization_details/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail($"the ID-JAG's claims break id-jag-claims.schema.json: {string.Join("; ", errors.Take(3))}");
        if (!e.SignatureVerifies) return Judgement.Fail("the ID-JAG's signature does not verify with the AS's jwks_uri keys");
        if (Subset.Text(claims, "iss") != e.Issuer) return Judgement.Fail($"the ID-JAG's iss is {Subset.Text(claims, "iss")}, not the origin AS {e.Issuer}");
        if (e.Issued.Audiences is not [var audience] || audience != e.Audience) return Judgement.Fail($"the ID-JAG's aud is [{string.Join(", ", e.Issued.Audiences)}], not the Resource AS {e.Audience} alone");
        var lifetime = claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64();
        if (lifetime is <= 0 or > MaxLifetimeSeconds) return Judgement.Fail($"the ID-JAG lives {lifetime} s (exp − iat); at most {MaxLifetimeSeconds} s is allowed");
        var cnf = claims.GetProperty("cnf");
        if (Subset.Text(cnf, "jkt") is { } jkt && jkt != e.KeyThumbprint) return Judgement.Fail($"the ID-JAG is bound to cnf.jkt {jkt}, not the key of the request's DPoP proof ({e.KeyThumbprint})");
        if (e.Subject.Mission is not { } before) return Judgement.Skip("not judged: the Mission's access token carries no mission claim to compare with (see MBO-AS-TOK-001)");
        foreach (var member in new[] { "origin", "authority_hash" })
        {
            if (Subset.Text(after, member) != Subset.Text(before, member))
            {
                return Judgement.Fail($"the ID-JAG carries mission.{member} {Subset.Text(after, member) ?? "(none)"}, the Mission's tokens {Subset.Text(before, member) ?? "(none)"}: the mission claim travels unchanged");
            }
        }
        if (Subset.Text(after, "id") is { } id ? id != Subset.Text(before, "id") : !e.PairwiseOffered)
        {
            return Judgement.Fail($"the ID-JAG names Mission {Subset.Text(after, "id") ?? "ref " + Subset.Text(after, "ref")}, the Mission's tokens {Subset.Text(before, "id")}"
                + (e.PairwiseOffered ? "" : " (and the AS advertises no pairwise references)"));
        }
        return Judgement.Pass($"signed by {e.Issuer}, aud {e.Audience}, {lifetime} s, jti, cnf {(Subset.Text(cnf, "jkt") is null ? "present" : "jkt of the requester's key")}, the Mission's id, origin and authority_hash");
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

    public override Judgement Judge(IdJagEvidence e)
    {
        if (!e.Issued.Succeeded)
        {
            return Judgement.Skip($"not judged: the ID-JAG was refused for the declared Resource AS as well ({IdJagEvidence.Refusal(e.Issued)}, see MBO-AS-XD-001), so a refusal shows nothing");
        }
        if (e.Unrelated.Response.Status == HttpStatusCode.OK || e.Unrelated.Response.Member("error") != "invalid_target")
        {
            return Judgement.Fail($"an ID-JAG for {e.UnrelatedAudience}, a Resource AS no policy names, got {IdJagEvidence.Refusal(e.Unrelated)}; expected invalid_target");
        }
        if (e.Revoked is not { } revoked) return Judgement.Skip("not judged: " + e.WhyNotRevoked);
        var gated = RefreshGatedCheck.Gated("ID-JAG issuance", revoked.Operation, revoked.StateAfterOperation, revoked.Exchange.Response, revoked.ExpectedState);
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
        var errors = ArtifactSchemas.Validate(ArtifactKind.IdJagResponse, e.Issued.Response.Body);
        return Judgement.That(errors.Count == 0,
            $"issued_token_type {e.Issued.Response.Member("issued_token_type")}, token_type {e.Issued.Response.Member("token_type")}",
            $"the ID-JAG response breaks id-jag-response.schema.json ({string.Join("; ", errors.Take(3))}); expected issued_token_type {TokenTypes.IdJag} and token_type N_A");
    }
}
