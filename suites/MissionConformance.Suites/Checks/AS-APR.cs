using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// MBO-AS-APR-001. The authority compared is the one the Mission was activated with, so a page that
/// showed less than was activated (authority changed after rendering, oauth-profile.md §5) fails here too.
/// A page is read as a person reads it: case, Unicode width and runs of white space do not matter, and
/// the expiry may be shown as any common rendering of its date in any time zone (UTC−12 to UTC+14). The
/// cost: a page that shows some other date within a day of the expiry, and not the expiry, is read as showing it.
/// </summary>
public sealed class ConsentShowsIntentAndAuthority : Check<ConsentPage>
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "d MMMM yyyy", "d MMM yyyy", "MMMM d, yyyy", "MMM d, yyyy", "MMMM d yyyy", "MMM d yyyy", "dd/MM/yyyy", "MM/dd/yyyy", "d/M/yyyy", "M/d/yyyy", "dd.MM.yyyy", "d.M.yyyy"];

    public override string RequirementId => "MBO-AS-APR-001";

    public override Judgement Judge(ConsentPage e)
    {
        // The page shows the validated expiry, which narrowing may have moved: the recorded one when known.
        var expiry = e.RecordedExpiry ?? e.Edition.Expiry(e.Intent) ?? throw new InvalidOperationException($"harness error: the submitted Intent has no {e.Edition.ExpiryMember}");
        var required = new List<(string What, string[] Renderings)> { ("goal", [(string)e.Intent["goal"]!]), ($"{e.Edition.ExpiryMember} date", ExpiryRenderings(expiry)) };
        required.AddRange((e.Intent["constraints"] as JsonArray ?? []).Select(c => ("constraint", new[] { (string)c! })));
        required.AddRange((e.Intent["success_criteria"] as JsonArray ?? []).Select(c => ("success criterion", new[] { (string)c! })));
        if (e.Edition.MaxDerivations(e.Intent) is { } bound) required.Add(($"{e.Edition.BoundsMember} bound max_derivations", [bound.ToString()]));
        foreach (var entry in e.Authority)
        {
            required.Add(("resource", [entry.Resource]));
            required.AddRange(entry.Actions.Select(a => ($"action of {entry.Resource}", new[] { a })));
            required.AddRange(entry.ConstraintKeys.Select(k => ($"constraint of {entry.Resource}", new[] { k })));
        }
        var page = Normalized(e.Text);
        var missing = required.Where(r => !r.Renderings.Any(v => page.Contains(Normalized(v), StringComparison.Ordinal))).ToList();
        return Judgement.That(missing.Count == 0,
            $"the consent page shows the goal, {(e.Intent["constraints"] as JsonArray ?? []).Count} constraints, the success criteria, the limits, the expiry and {e.Authority.Count} resources with their actions and constraints",
            "the consent page does not show: " + string.Join(", ", missing.Select(m => $"{m.What} \"{m.Renderings[0]}\""))
            + (missing.Any(m => m.What.StartsWith("action", StringComparison.Ordinal)) ? " (the Mission was activated with authority the approver did not see: re-render and ask again, oauth-profile §5)" : ""));
    }

    /// <summary>The expiry's date as the page may show it: the full instant, or its calendar date wherever on Earth the page was rendered for.</summary>
    public static string[] ExpiryRenderings(DateTimeOffset expiry)
    {
        var dates = new[] { TimeSpan.FromHours(0), TimeSpan.FromHours(-12), TimeSpan.FromHours(14) }
            .Select(offset => DateOnly.FromDateTime(expiry.ToOffset(offset).DateTime)).Distinct();
        return [expiry.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            .. dates.SelectMany(d => DateFormats.Select(f => d.ToString(f, System.Globalization.CultureInfo.InvariantCulture))).Distinct()];
    }

    /// <summary>Text as a reader compares it: compatibility-normalised, lower case, white space collapsed.</summary>
    public static string Normalized(string text)
        => System.Text.RegularExpressions.Regex.Replace(text.Normalize(System.Text.NormalizationForm.FormKC).ToLowerInvariant(), @"\s+", " ").Trim();
}

public sealed class ConsentDisclosesNarrowing : Check<NarrowingDisclosure>
{
    public override string RequirementId => "MBO-AS-APR-002";

    public override Judgement Judge(NarrowingDisclosure e)
    {
        var silent = e.NarrowedFields.Where(f => !e.Text.Contains(f, StringComparison.Ordinal)).ToList();
        return Judgement.That(silent.Count == 0, $"the consent page discloses the narrowing of {string.Join(", ", e.NarrowedFields)}",
            $"the Intent was narrowed ({string.Join(", ", e.NarrowedFields)}; target file narrowing.fields) but the consent page does not mention {string.Join(", ", silent)}");
    }
}

public sealed class DenialYieldsAccessDenied : Check<DenialEvidence>
{
    public override string RequirementId => "MBO-AS-APR-003";

    public override Judgement Judge(DenialEvidence e)
    {
        if (e.Outcome.Code is not null) return Judgement.Fail("the user denied, yet the redirect carries an authorization code");
        if (e.Outcome.Error != "access_denied") return Judgement.Fail($"the user denied; the redirect carries error={e.Outcome.Error ?? "(none)"}, expected access_denied");
        return Judgement.That(e.StateAfter is null or "rejected", "denial redirected with error=access_denied and no code" + (e.StateAfter is null ? "" : "; the record is rejected"),
            $"denial redirected correctly but the Mission record is {e.StateAfter}, expected rejected");
    }
}

public sealed class MissionActiveAtCodeIssuance : Check<ActivationEvidence>
{
    public override string RequirementId => "MBO-AS-APR-004";

    public override Judgement Judge(ActivationEvidence e)
    {
        if (e.StateAtCodeIssuance is { } state)
        {
            return Judgement.That(state == "active", "the Mission record was active as soon as the code was issued",
                $"the code was issued while the Mission record was {state}; approval must activate it atomically with code issuance");
        }
        return Judgement.That(e.Token.Succeeded && e.Token.Mission is not null, "the immediately redeemed code gave a Mission-bound token",
            "the immediately redeemed code gave no Mission-bound token");
    }
}

public sealed class SubjectNotFromClientInput : Check<SubjectEvidence>
{
    public override string RequirementId => "MBO-AS-APR-005";

    public override Judgement Judge(SubjectEvidence e)
    {
        var sub = e.Token.Claim("sub");
        if (e.OtherSubject is not null && sub == e.OtherSubject) return Judgement.Fail($"login_hint={e.OtherAccount} made the token's sub {sub}; the subject must be the authenticated approver");
        return Judgement.That(e.ApproverSubject is null || sub == e.ApproverSubject, $"sub {sub} is the authenticated approver despite login_hint={e.OtherAccount}",
            $"sub is {sub}, expected the approver's {e.ApproverSubject}");
    }
}

public sealed class ClientSuppliedMissionIdIgnored : Check<ClientMissionIdEvidence>
{
    public override string RequirementId => "MBO-AS-APR-006";

    public override Judgement Judge(ClientMissionIdEvidence e)
        => Judgement.That(e.Token.MissionId != e.VictimMissionId, "a token request naming another Mission got a token of its own grant's Mission",
            $"mission_id={e.VictimMissionId} on the token request bound the token to that Mission; resolve the Mission from the grant only");
}

public sealed class ApprovalNotReplayable : Check<ReplayEvidence>
{
    public override string RequirementId => "MBO-AS-APR-008";

    public override Judgement Judge(ReplayEvidence e)
        => Judgement.That(e.ReplayCode is null || e.ReplayCode == e.First.Code, "replaying the approval gave no second code",
            "replaying the consent approval issued a second authorization code for the same proposal");
}

/// <summary>MC-AS-APR-101: with context.acr asking for more than a password, a step-up page comes before consent.</summary>
public sealed class StepUpBeforeConsent : Check<StepUpEvidence>
{
    public override string RequirementId => "MC-AS-APR-101";

    public override Judgement Judge(StepUpEvidence e)
    {
        var path = string.Join(" → ", e.Pages.Select(p => p.Name));
        return Judgement.That(e.SteppedUp,
            $"context.acr {e.Acr} brought the step-up page before consent ({path})",
            $"the Intent asked for context.acr {e.Acr}, yet consent was shown without stronger authentication ({path}); authenticate the approver at the requested acr first (target file consent.stepUp names the acr, consent.pages the stepUp page)");
    }
}

/// <summary>MC-AS-APR-102: an approval without the page's own per-session values issues no code.</summary>
public sealed class ApprovalNotForgeable : Check<ForgeryEvidence>
{
    public override string RequirementId => "MC-AS-APR-102";

    public override Judgement Judge(ForgeryEvidence e)
        => Judgement.That(e.Outcome.Code is null,
            $"an approval carrying only the client's own values was refused ({e.Outcome.Error ?? e.Outcome.ErrorDescription ?? "no code"})",
            "an approval carrying only the values the client put in the authorization URL (no anti-forgery value from the page) issued an authorization code: "
            + "a cross-site page can approve a Mission for a signed-in user; bind the consent POST to the rendered page (anti-forgery token, RFC 6749 §10.12)");
}

/// <summary>MC-AS-APR-104: when the approver is not the subject, the consent page shows the subject.</summary>
public sealed class ConsentNamesSubject : Check<SubjectShown>
{
    public override string RequirementId => "MC-AS-APR-104";

    public override Judgement Judge(SubjectShown e)
        => Judgement.That(e.Text.Contains(e.SubjectName, StringComparison.Ordinal),
            $"{e.Approver} approved on behalf of another person, and the consent page names them (\"{e.SubjectName}\")",
            $"{e.Approver} approved on behalf of another person, but the consent page does not name them (\"{e.SubjectName}\", the represented account's displayName, else subject): "
            + "an approver must see whom the Mission acts for (oauth-profile §5 step 2)");
}

/// <summary>MC-AS-APR-103: every page of the approval flow refuses to be framed.</summary>
public sealed class ConsentNotFramable : Check<FramingEvidence>
{
    public override string RequirementId => "MC-AS-APR-103";

    public override Judgement Judge(FramingEvidence e)
    {
        var framable = e.Pages.Where(p => !RefusesFraming(p)).Select(p => $"{p.Name} ({p.Url})").ToList();
        return Judgement.That(framable.Count == 0, $"{string.Join(", ", e.Pages.Select(p => p.Name))} refuse framing",
            $"these pages can be framed by another site: {string.Join(", ", framable)}; send X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none' (RFC 9700 §4.16)");
    }

    private static bool RefusesFraming(ConsentPageCapture page)
    {
        if (page.Header("X-Frame-Options") is { } xfo && (xfo.Trim().Equals("DENY", StringComparison.OrdinalIgnoreCase) || xfo.Trim().Equals("SAMEORIGIN", StringComparison.OrdinalIgnoreCase))) return true;
        var ancestors = (page.Header("Content-Security-Policy") ?? "").Split(';', StringSplitOptions.TrimEntries)
            .FirstOrDefault(d => d.StartsWith("frame-ancestors", StringComparison.OrdinalIgnoreCase));
        return ancestors is not null && !ancestors.Contains('*', StringComparison.Ordinal);
    }
}

/// <summary>MC-AS-APR-105 (RFC 9207 §2): advertised, the iss parameter is in every authorization response, and is the issuer.</summary>
public sealed class AuthorizationResponseCarriesIssuer : Check<AuthorizationResponseEvidence>
{
    public override string RequirementId => "MC-AS-APR-105";

    public override Judgement Judge(AuthorizationResponseEvidence e)
    {
        if (!e.Advertised) return Judgement.Skip("the AS does not advertise authorization_response_iss_parameter_supported (RFC 9207 §3)");
        return Judgement.That(e.ResponseIssuer == e.Issuer, $"the authorization response carries iss {e.Issuer}",
            e.ResponseIssuer is null
                ? "metadata advertises authorization_response_iss_parameter_supported, but the authorization response carries no iss (RFC 9207 §2)"
                : $"the authorization response carries iss {e.ResponseIssuer}, not the issuer {e.Issuer} (RFC 9207 §2)");
    }
}
