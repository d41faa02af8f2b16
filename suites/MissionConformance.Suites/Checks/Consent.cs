using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>What the consent page showed, as text, against what it had to show.</summary>
/// <summary>The page, the Intent submitted, the Authority Set it had to show, and the recorded mission_expiry if the inventory shows it.</summary>
public sealed partial record ConsentPage(string Html, JsonObject Intent, IReadOnlyList<(string Resource, IReadOnlyList<string> Actions)> Authority, DateTimeOffset? RecordedExpiry)
{
    public string Text => WebUtility.HtmlDecode(Tags().Replace(Html, " "));

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}

public sealed class ConsentShowsIntentAndAuthority : Check<ConsentPage>
{
    public override string RequirementId => "MBO-AS-APR-001";

    public override Judgement Judge(ConsentPage e)
    {
        var text = e.Text;
        // The page shows the validated expiry, which narrowing may have moved: the recorded one when known.
        var expiry = e.RecordedExpiry ?? DateTimeOffset.Parse((string)e.Intent["mission_expiry"]!, System.Globalization.CultureInfo.InvariantCulture);
        var required = new List<(string What, string Value)> { ("goal", (string)e.Intent["goal"]!), ("mission_expiry date", expiry.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) };
        required.AddRange(e.Intent["constraints"]!.AsArray().Select(c => ("constraint", (string)c!)));
        foreach (var (resource, actions) in e.Authority)
        {
            required.Add(("resource", resource));
            required.AddRange(actions.Select(a => ("action", a)));
        }
        var missing = required.Where(r => !text.Contains(r.Value, StringComparison.Ordinal)).ToList();
        return Judgement.That(missing.Count == 0, $"the consent page shows the goal, {e.Intent["constraints"]!.AsArray().Count} constraints, the expiry and {e.Authority.Count} resources with their actions",
            "the consent page does not show: " + string.Join(", ", missing.Select(m => $"{m.What} \"{m.Value}\"")));
    }
}

public sealed record NarrowingDisclosure(string Html, IReadOnlyList<string> NarrowedFields);

public sealed class ConsentDisclosesNarrowing : Check<NarrowingDisclosure>
{
    public override string RequirementId => "MBO-AS-APR-002";

    public override Judgement Judge(NarrowingDisclosure e)
    {
        var text = WebUtility.HtmlDecode(e.Html);
        var silent = e.NarrowedFields.Where(f => !text.Contains(f, StringComparison.Ordinal)).ToList();
        return Judgement.That(silent.Count == 0, $"the consent page discloses the narrowing of {string.Join(", ", e.NarrowedFields)}",
            $"the Intent was narrowed ({string.Join(", ", e.NarrowedFields)}; target file narrowing.fields) but the consent page does not mention {string.Join(", ", silent)}");
    }
}

public sealed record DenialEvidence(ConsentOutcome Outcome, string? StateAfter);

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

/// <summary>The record's state right after the code was issued and before it was redeemed (from the inventory).</summary>
public sealed record ActivationEvidence(string? StateAtCodeIssuance, TokenExchange Token);

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

public sealed record SubjectEvidence(TokenExchange Token, string? ApproverSubject, string OtherAccount, string? OtherSubject);

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

public sealed record ClientMissionIdEvidence(string VictimMissionId, TokenExchange Token);

public sealed class ClientSuppliedMissionIdIgnored : Check<ClientMissionIdEvidence>
{
    public override string RequirementId => "MBO-AS-APR-006";

    public override Judgement Judge(ClientMissionIdEvidence e)
        => Judgement.That(e.Token.MissionId != e.VictimMissionId, "a token request naming another Mission got a token of its own grant's Mission",
            $"mission_id={e.VictimMissionId} on the token request bound the token to that Mission; resolve the Mission from the grant only");
}

public sealed record ReplayEvidence(ConsentOutcome First, string? ReplayCode);

public sealed class ApprovalNotReplayable : Check<ReplayEvidence>
{
    public override string RequirementId => "MBO-AS-APR-008";

    public override Judgement Judge(ReplayEvidence e)
        => Judgement.That(e.ReplayCode is null || e.ReplayCode == e.First.Code, "replaying the approval gave no second code",
            "replaying the consent approval issued a second authorization code for the same proposal");
}

public sealed record ExpiryNarrowingEvidence(DateTimeOffset Submitted, DateTimeOffset? Recorded, TokenExchange Token);

public sealed class NarrowingNeverExtends : Check<ExpiryNarrowingEvidence>
{
    public override string RequirementId => "MBO-AS-PAR-014";

    public override Judgement Judge(ExpiryNarrowingEvidence e)
    {
        if (e.Recorded is { } recorded && recorded > e.Submitted)
        {
            return Judgement.Fail($"the Mission's mission_expiry {recorded:yyyy-MM-ddTHH:mm:ssZ} is later than the submitted {e.Submitted:yyyy-MM-ddTHH:mm:ssZ}");
        }
        var exp = e.Token.Jwt is { } jwt && jwt.Payload.TryGetProperty("exp", out var x) && x.TryGetInt64(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;
        return Judgement.That(exp is null || exp <= e.Submitted, "narrowing kept mission_expiry at or before the submitted value",
            $"token exp {exp:yyyy-MM-ddTHH:mm:ssZ} is later than the submitted mission_expiry {e.Submitted:yyyy-MM-ddTHH:mm:ssZ}");
    }
}
