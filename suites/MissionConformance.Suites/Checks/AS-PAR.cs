using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// MBO-AS-PAR-014: narrowing never extends mission_expiry, enlarges objects, or removes client constraints. The expiry is judged on
/// every surface that shows it (the record, Mission Status, the token's exp). Objects and constraints of the validated Intent are on
/// no surface the spec defines but the record; without one, the verdict says so. An object may be replaced by a strict-subset URI
/// (oauth-profile §3.2): a path below a submitted one.
/// </summary>
public sealed class NarrowingNeverExtends : Check<NarrowingEvidence>
{
    public override string RequirementId => "MBO-AS-PAR-014";

    public override Judgement Judge(NarrowingEvidence e)
    {
        var expiry = e.Edition.ExpiryMember;
        var submitted = e.Edition.Expiry(e.Submitted) ?? throw new InvalidOperationException($"harness error: the submitted Intent has no {expiry}");
        var exp = e.Token.Claims is { } claims && claims.TryGetProperty("exp", out var x) && x.TryGetInt64(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;
        var validated = e.Record?["mission_intent"] as JsonObject;
        var shown = new (string Surface, DateTimeOffset? Expiry)[]
        {
            ($"the Mission record's {expiry}", Instant((string?)e.Record?[expiry]) ?? (validated is null ? null : e.Edition.Expiry(validated))),
            ($"{expiry} as {e.Witness?.Source}", e.Witness?.MissionExpiry),
            ("the token's exp", exp),
        };
        // A second of slack: the Intent's expiry is written to the second, the recorded one may be normalised from it.
        if (shown.FirstOrDefault(v => v.Expiry > submitted.AddSeconds(1)) is { Expiry: { } later } extended)
        {
            return Judgement.Fail($"{extended.Surface} {later:yyyy-MM-ddTHH:mm:ssZ} is later than the submitted {expiry} {submitted:yyyy-MM-ddTHH:mm:ssZ}");
        }
        var surfaces = string.Join(", ", shown.Where(v => v.Expiry is not null).Select(v => v.Surface));
        if (validated is null)
        {
            return Judgement.Pass($"{expiry} is not extended ({surfaces}); whether {e.Edition.ResourcesMember} were enlarged or constraints removed is not verifiable black-box: "
                + "the validated Intent is on no surface the spec defines but the Mission record, which this target does not expose");
        }
        var submittedObjects = e.Edition.Resources(e.Submitted);
        var added = e.Edition.Resources(validated).Where(o => !submittedObjects.Any(s => o == s || o.StartsWith(s.TrimEnd('/') + "/", StringComparison.Ordinal))).ToList();
        if (added.Count > 0)
        {
            return Judgement.Fail($"the validated Intent's {e.Edition.ResourcesMember} include {string.Join(", ", added)}, which the submitted Intent does not (narrowing never enlarges them)");
        }
        var kept = (validated["constraints"] as JsonArray ?? []).Select(c => (string?)c).ToHashSet(StringComparer.Ordinal);
        var removed = (e.Submitted["constraints"] as JsonArray ?? []).Select(c => (string?)c).Where(c => !kept.Contains(c)).ToList();
        return Judgement.That(removed.Count == 0, $"{expiry} is not extended ({surfaces}), {e.Edition.ResourcesMember} only shrank, and every submitted constraint is kept",
            $"the validated Intent drops the client's constraint(s) {string.Join(", ", removed.Select(r => $"\"{r}\""))}: the AS may add constraints, never remove them");
    }

    private static DateTimeOffset? Instant(string? text)
        => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

public sealed class ParAcceptsMissionIntent : Check<ParAcceptance>
{
    public override string RequirementId => "MBO-AS-PAR-001";

    public override Judgement Judge(ParAcceptance e)
    {
        if (e.Response.Status != HttpStatusCode.Created)
        {
            return Judgement.Fail($"PAR with a valid mission_intent answered HTTP {(int)e.Response.Status}, expected 201: {Excerpt(e.Response.Body)}");
        }
        return Judgement.That(e.SchemaErrors.Count == 0, "PAR answered 201 with request_uri and expires_in",
            "the PAR response is not RFC 9126: " + string.Join("; ", e.SchemaErrors));
    }

    internal static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

public sealed class FrontChannelIntentRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-002"; }

public sealed class UnparseableIntentRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-003"; }

public sealed class DuplicateMembersRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-004"; }

public sealed class IncompleteIntentRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-005"; }

public sealed class UnknownMembersRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-006"; }

public sealed class OversizeIntentRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-007"; }

public sealed class IntentWithAuthorizationDetailsRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-008"; }

public sealed class ZeroDerivationBudgetRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-009"; }

public sealed class UnderivableIntentRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-011"; }

public sealed class UncoveredResourceRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-012"; }

public sealed class UnregisteredPurposeRefused : RefusalCheck { public override string RequirementId => "MBO-AS-PAR-015"; }

/// <summary>Compared with a code of the same client redeemed with its own code_verifier.</summary>
public sealed class WrongCodeVerifierRefused : RefusalCheck
{
    public override string RequirementId => "MBO-AS-PAR-016";

    public override PositiveControl Control => Controls.CodeRedeemed;
}

/// <summary>MC-AS-PAR-101 (RFC 9126 §5): require_pushed_authorization_requests means what it says.</summary>
public sealed class PushedRequestRequired : Check<PushedRequestEvidence>
{
    public override string RequirementId => "MC-AS-PAR-101";

    public override PositiveControl Control => Controls.IntentAccepted;

    public override Judgement Judge(PushedRequestEvidence e)
    {
        if (!e.Required) return Judgement.Skip("the AS does not advertise require_pushed_authorization_requests, so a front-channel request may be served");
        if (e.RedirectError is { } error) return Judgement.Pass($"a front-channel authorization request without request_uri was refused with {error}");
        return Judgement.That(e.Status == HttpStatusCode.BadRequest, $"a front-channel authorization request without request_uri was refused with HTTP {(int)e.Status}",
            $"metadata advertises require_pushed_authorization_requests, but a front-channel authorization request without request_uri got HTTP {(int)e.Status} "
            + "with no error: it must be refused (RFC 9126 §5), or every Mission could skip PAR admission");
    }
}

public sealed class FrontChannelParametersIgnored : Check<FrontChannelWidening>
{
    public override string RequirementId => "MBO-AS-PAR-010";

    public override Judgement Judge(FrontChannelWidening e)
    {
        var problems = new List<string>();
        if (e.Token.Audiences.Contains(e.ExtraResource) || e.Token.Entries.Any(entry => Subset.Text(entry, "resource") == e.ExtraResource)
            || e.Token.ResponseDetails?.GetRawText().Contains(e.ExtraResource, StringComparison.Ordinal) == true)
        {
            problems.Add($"authority for {e.ExtraResource}");
        }
        // The scope an AS grants is in the token response (RFC 6749 §5.1) or the access token's scope claim (RFC 9068 §2.2.3).
        var scopes = $"{e.Token.Response.Member("scope")} {e.Token.Claim("scope")}".Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Contains(FrontChannelWidening.ExtraScope, StringComparer.Ordinal)) problems.Add($"scope {FrontChannelWidening.ExtraScope}");
        return Judgement.That(problems.Count == 0, "authorization_details, scope and resource added on the front channel were ignored",
            $"{string.Join(" and ", problems)}, added only on the front-channel /authorize request, reached the token; pushed parameters must be authoritative");
    }
}

public sealed class IdenticalIntentsGiveDistinctMissions : Check<DistinctMissions>
{
    public override string RequirementId => "MBO-AS-PAR-013";

    public override Judgement Judge(DistinctMissions e)
        => Judgement.That(e.Ids.Distinct().Count() == e.Ids.Count, "two identical Intents gave two Missions: " + string.Join(", ", e.Ids),
            $"two identical Intents were approved into the same Mission {e.Ids[0]}; each submission is a new proposal");
}
