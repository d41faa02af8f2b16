using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-RAS-001: an ID-JAG from an origin the Resource AS does not trust by policy is refused, whatever mission.origin names.</summary>
public sealed class ResourceAsTrustsConfiguredOriginOnly : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-001";

    public override PositiveControl Control => Controls.IdJagRedeemed;

    public override Judgement Judge(ResourceAsEvidence e)
        => e.UntrustedOrigin.RefusedWith()
            ? Judgement.Pass($"a validly signed ID-JAG from an origin it was not configured to trust, naming {e.Origin} as mission.origin, was refused ({e.UntrustedOrigin.Describe()})")
            : Judgement.Fail($"a validly signed ID-JAG from an origin it was not configured to trust was answered {e.UntrustedOrigin.Describe()}: "
                + "its mission.origin named the trusted origin, which is no reason to trust the signer (oauth-profile.md §14)");
}

/// <summary>MBO-RAS-002: an ID-JAG for another AS, with a signature that fails, or expired, is invalid_grant.</summary>
public sealed class ResourceAsValidatesGrant : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-002";

    public override PositiveControl Control => Controls.IdJagRedeemed;

    public override Judgement Judge(ResourceAsEvidence e)
        => AllInvalidGrant(e.Defective, "aud, signature and exp");

    internal static Judgement AllInvalidGrant(IReadOnlyList<Redemption> cases, string what, params string[] alsoAccepted)
    {
        var wrong = cases.Where(c => !c.RefusedWith(["invalid_grant", .. alsoAccepted])).ToList();
        return wrong.Count == 0
            ? Judgement.Pass($"each was refused with invalid_grant: {string.Join("; ", cases.Select(c => c.Case))}")
            : Judgement.Fail($"{string.Join("; ", wrong.Select(c => $"{c.Case} was answered {c.Describe()}"))} (expected invalid_grant: the Resource AS verifies {what})");
    }
}

/// <summary>MBO-RAS-003: a bearer ID-JAG (no cnf) and one whose proof of possession fails are invalid_grant.</summary>
public sealed class ResourceAsRequiresProofOfPossession : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-003";

    public override PositiveControl Control => Controls.IdJagRedeemed;

    public override Judgement Judge(ResourceAsEvidence e)
    {
        var bound = ResourceAsValidatesGrant.AllInvalidGrant(e.Unbound, "that the grant is sender-constrained and that the request proves its key");
        if (bound.Holds != true) return bound;
        // RFC 9449 §5: a request without a proof may also be refused as invalid_dpop_proof.
        if (e.WithoutProof is { } bare && !bare.RefusedWith("invalid_grant", "invalid_dpop_proof"))
        {
            return Judgement.Fail($"{bare.Case} was answered {bare.Describe()} (expected invalid_grant or invalid_dpop_proof)");
        }
        return Judgement.Pass(bound.Message + (e.WithoutProof is { } none ? $"; {none.Case}: {none.Describe()}" : ""));
    }
}

/// <summary>MBO-RAS-004: the second redemption of one ID-JAG (its jti) within its lifetime is invalid_grant.</summary>
public sealed class ResourceAsRejectsReplay : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-004";

    public override PositiveControl Control => Controls.IdJagRedeemed;

    public override Judgement Judge(ResourceAsEvidence e)
        => e.Replayed.RefusedWith("invalid_grant")
            ? Judgement.Pass($"the ID-JAG redeemed a moment before was refused the second time ({e.Replayed.Describe()})")
            : Judgement.Fail($"the ID-JAG (jti {Subset.Text(e.Replayed.GrantClaims, "jti")}) redeemed a moment before was answered {e.Replayed.Describe()} the second time, within its lifetime; expected invalid_grant");
}

/// <summary>
/// MBO-RAS-005: a valid ID-JAG gives a local token with iss the Resource AS, the mission claim's id, origin and
/// authority_hash unchanged, sender-constrained (cnf; with DPoP, the key the request proved), expiring no later than the grant.
/// </summary>
public sealed class LocalTokenKeepsMissionBoundAndCapped : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-005";

    public override Judgement Judge(ResourceAsEvidence e)
    {
        foreach (var redemption in new[] { e.Valid, e.ShortLived })
        {
            var responseErrors = redemption.Response.SchemaErrors
                .Where(x => x.Pointer != "/authorization_details" && !x.Pointer.StartsWith("/authorization_details/", StringComparison.Ordinal)).ToList();
            if (!redemption.Issued) return Judgement.Fail($"{redemption.Case} was answered {redemption.Describe()}, not a local token");
            if (responseErrors.Count > 0) return Judgement.Fail($"the answer to {redemption.Case} breaks token-response.schema.json: {string.Join("; ", responseErrors.Take(3))}");
            if (redemption.LocalToken is not { } local)
            {
                return Judgement.Review($"the local token is not a JWT this suite can read ({redemption.LocalTokenUnreadable}): review by hand that it keeps the mission claim, is bound by cnf and expires by the grant's exp");
            }
            var claims = local.Payload;
            // A local token that says it is an RFC 9068 access token has that profile's claims.
            if (Subset.Text(local.Header, "typ") is "at+jwt" && local.PayloadArtifact!.Errors is { Count: > 0 } claimErrors)
            {
                return Judgement.Fail($"{redemption.Case}: the local token is typ at+jwt, but its claims break access-token-claims.schema.json (RFC 9068): {string.Join("; ", claimErrors.Take(3))}");
            }
            if (Subset.Text(claims, "iss") != e.ResourceAs) return Judgement.Fail($"the local token's iss is {Subset.Text(claims, "iss") ?? "(none)"}, not the Resource AS {e.ResourceAs}");
            var granted = redemption.GrantClaims.GetProperty("mission");
            if (!claims.TryGetProperty("mission", out var mission) || mission.ValueKind != JsonValueKind.Object) return Judgement.Fail("the local token carries no mission claim");
            foreach (var member in new[] { "id", "origin", "authority_hash" })
            {
                if (Subset.Text(mission, member) != Subset.Text(granted, member))
                {
                    return Judgement.Fail($"the local token carries mission.{member} {Subset.Text(mission, member) ?? "(none)"}, the ID-JAG {Subset.Text(granted, member)}: the mission claim travels unchanged");
                }
            }
            if (!claims.TryGetProperty("cnf", out var cnf) || cnf.ValueKind != JsonValueKind.Object || !cnf.EnumerateObject().Any())
            {
                return Judgement.Fail("the local token has no cnf: it is a bearer token, not sender-constrained");
            }
            if (Subset.Text(cnf, "jkt") is { } jkt && jkt != e.KeyThumbprint) return Judgement.Fail($"the local token is bound to cnf.jkt {jkt}, not the key the request proved ({e.KeyThumbprint})");
            if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number) return Judgement.Fail("the local token has no exp");
            var grantExp = redemption.GrantClaims.GetProperty("exp").GetInt64();
            if (exp.GetInt64() > grantExp) return Judgement.Fail($"{redemption.Case}: the local token expires {exp.GetInt64() - grantExp} s after the ID-JAG it was minted from (exp {exp.GetInt64()} > {grantExp})");
        }
        return Judgement.Pass($"both local tokens name the Resource AS as iss, keep the mission claim, are bound to the proven key and expire no later than their grants ({e.ShortLived.Case} included)");
    }
}

/// <summary>MBO-RAS-006: local authorization_details never exceed what the ID-JAG conveyed; asking for more is refused or not granted.</summary>
public sealed class LocalAuthorityBoundedByGrant : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-006";

    public override Judgement Judge(ResourceAsEvidence e)
    {
        if (!e.Valid.Issued) return Judgement.Skip($"not judged: the valid ID-JAG was answered {e.Valid.Describe()} (see MBO-RAS-005)");
        if (e.BeyondGrant.Issued && LocalEntries(e.BeyondGrant).Count == 0)
        {
            return Judgement.Review($"asking for {e.BeyondAction} as well gave a local token, and neither the token nor the response says what it carries: review by hand that it does not convey {e.BeyondAction}");
        }
        foreach (var (redemption, label) in new[] { (e.Valid, "without authorization_details"), (e.BeyondGrant, $"asking for {e.BeyondAction} as well") })
        {
            if (!redemption.Issued) continue;
            foreach (var entry in LocalEntries(redemption))
            {
                var place = Subset.Contains(entry, e.GrantedEntry);
                if (place == Containment.Undecided) return Judgement.Review(Subset.UndecidedReview($"the local token {label}: {Subset.ConstraintChange(entry, e.GrantedEntry)!.Why}"));
                if (place == Containment.Outside)
                {
                    return Judgement.Fail($"the local token {label} carries {entry.GetRawText()}, which is not within what the ID-JAG conveyed ({e.GrantedEntry.GetRawText()})");
                }
            }
        }
        return e.BeyondGrant.Issued
            ? Judgement.Pass($"asking for {e.BeyondAction}, which the ID-JAG does not convey, gave a local token without it; every local entry is within the grant")
            : Judgement.Pass($"asking for {e.BeyondAction}, which the ID-JAG does not convey, was refused ({e.BeyondGrant.Describe()}); the local token of the valid grant stays within it");
    }

    /// <summary>The local token's entries (its authorization_details claim), else those of the token response.</summary>
    private static IReadOnlyList<JsonElement> LocalEntries(Redemption redemption)
    {
        if (redemption.LocalToken?.Payload is { ValueKind: JsonValueKind.Object } claims
            && claims.TryGetProperty("authorization_details", out var inToken) && inToken.ValueKind == JsonValueKind.Array)
        {
            return [.. inToken.EnumerateArray()];
        }
        // An opaque token: the response says what it carries.
        return redemption.Response.ObjectBody() is { } body && body.TryGetProperty("authorization_details", out var answered) && answered.ValueKind == JsonValueKind.Array
            ? [.. answered.EnumerateArray()]
            : [];
    }
}

/// <summary>
/// MBO-RAS-007 (not black-box testable in general; the requirement's own test): no Mission Status or lifecycle surface
/// the Resource AS advertises reports a state for, or acts on, the foreign Mission of the grants it redeemed.
/// </summary>
public sealed class ResourceAsReportsNoMission : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-RAS-007";

    public override Judgement Judge(ResourceAsEvidence e)
    {
        if (e.MissionSurfaces.Count == 0) return Judgement.Pass("the Resource AS advertises no Mission Status or lifecycle surface: it holds no Mission");
        var answering = e.MissionSurfaces.Where(s => (int)s.Answer.Status is >= 200 and < 300).ToList();
        return answering.Count == 0
            ? Judgement.Pass($"asked about the origin's Mission, {string.Join("; ", e.MissionSurfaces.Select(s => $"its {s.Surface} answered HTTP {(int)s.Answer.Status}"))}")
            : Judgement.Fail($"asked about a Mission only the origin {e.Origin} holds, its {string.Join(" and ", answering.Select(s => $"{s.Surface} answered HTTP {(int)s.Answer.Status}"))}: "
                + "a Resource AS never reports, creates or alters a Mission (oauth-profile.md §14)");
    }
}
