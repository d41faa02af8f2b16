using System.Net;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed record ParAcceptance(WireResponse Response, IReadOnlyList<SchemaError> SchemaErrors);

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

/// <summary>A front-channel authorization request without request_uri, where metadata says whether PAR is required.</summary>
public sealed record PushedRequestEvidence(bool Required, HttpStatusCode Status, string? RedirectError);

/// <summary>Whether front-channel parameters on the request_uri redemption widened the issued token.</summary>
public sealed record FrontChannelWidening(TokenExchange Token, string ExtraResource)
{
    /// <summary>The scope added on the front channel, which no pushed parameter asked for.</summary>
    public const string ExtraScope = "payments:write";
}

/// <summary>The Mission ids PAR gave identical Intents.</summary>
public sealed record DistinctMissions(IReadOnlyList<string> Ids);
