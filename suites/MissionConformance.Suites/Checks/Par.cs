using System.Net;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

public sealed record ParAcceptance(WireResponse Response, IReadOnlyList<SchemaError> SchemaErrors);

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

/// <summary>
/// One attempt the AS must refuse: the case, what came back, the error code expected (null: must be
/// accepted), and the inventory count before and after (null without an inventory).
/// </summary>
public sealed record Refusal(string Case, HttpStatusCode Status, string? Error, string? ExpectedError, int? MissionsBefore, int? MissionsAfter,
    string? ContentTypeProblem = null, string? AlsoAllowed = null)
{
    /// <summary>The error code is read even from a JSON body served as text; the wrong content type is then named in the verdict.</summary>
    public static Refusal From(string @case, WireResponse response, string? expectedError, int? before, int? after, string? alsoAllowed = null)
        => new(@case, response.Status, response.ErrorCode, expectedError, before, after, response.ContentTypeProblem, alsoAllowed);

    private string Expected => AlsoAllowed is null ? ExpectedError! : $"{ExpectedError} or {AlsoAllowed}";

    public string? Problem()
    {
        var got = $"HTTP {(int)Status}{(Error is null ? "" : " " + Error)}{(ContentTypeProblem is null ? "" : $" ({ContentTypeProblem})")}";
        if (ExpectedError is null)
        {
            return Status is HttpStatusCode.Created or HttpStatusCode.OK ? null : $"{Case}: must be accepted, got {got}";
        }
        if (Status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Redirect || Error is null)
        {
            return $"{Case}: must be refused with {Expected}, got {got}";
        }
        if (Error != ExpectedError && Error != AlsoAllowed)
        {
            return $"{Case}: refused with {Error}, expected {Expected}";
        }
        // RFC 9126 §2.3 answers a PAR error as RFC 6749 §5.2 does a token error: HTTP 400 (401 only for invalid_client).
        if (Status != HttpStatusCode.BadRequest)
        {
            return $"{Case}: refused with {Error} but HTTP {(int)Status}; RFC 9126 §2.3 and RFC 6749 §5.2 answer this error with 400";
        }
        return MissionsBefore is { } b && MissionsAfter is { } a && a != b
            ? $"{Case}: refused, but the inventory went from {b} to {a} Mission records; a refused request must create nothing"
            : null;
    }
}

/// <summary>
/// A requirement judged by a set of requests the AS must refuse (and create nothing for), compared with
/// the same client's valid Intent being accepted (<see cref="Controls.IntentAccepted"/>).
/// </summary>
public abstract class RefusalCheck : Check<IReadOnlyList<Refusal>>
{
    public override PositiveControl Control => Controls.IntentAccepted;

    public override Judgement Judge(IReadOnlyList<Refusal> cases)
    {
        var problems = cases.Select(c => c.Problem()).OfType<string>().ToList();
        var contentTypes = cases.Where(c => c.ContentTypeProblem is not null).Select(c => $"{c.Case}: {c.ContentTypeProblem}").ToList();
        return Judgement.That(problems.Count == 0,
            $"{cases.Count} case(s) answered as required: {string.Join(", ", cases.Select(c => c.Case))}"
                + (contentTypes.Count == 0 ? "" : "; but " + string.Join("; ", contentTypes)),
            string.Join("; ", problems));
    }
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

/// <summary>MC-AS-TOK-101 (RFC 6749 §4.1.2): a code already redeemed is refused, compared with its own first redemption.</summary>
public sealed class CodeRedeemedOnce : RefusalCheck
{
    public override string RequirementId => "MC-AS-TOK-101";

    public override PositiveControl Control => Controls.CodeRedeemed;
}

/// <summary>A front-channel authorization request without request_uri, where metadata says whether PAR is required.</summary>
public sealed record PushedRequestEvidence(bool Required, HttpStatusCode Status, string? RedirectError);

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
