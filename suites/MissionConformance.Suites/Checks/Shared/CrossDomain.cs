using System.Net;
using System.Text.Json;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// An ID-JAG the AS under test issued, presented with a DPoP proof of the requester's key at the Resource AS the harness
/// plays for its audience (<see cref="Harness.Peers.SimulatedResourceAs"/>), and that Resource AS's answer.
/// </summary>
public sealed record IdJagRedemption(TokenExchange Grant, WireResponse Answer)
{
    public bool Redeemed => Answer.Status == HttpStatusCode.OK && Answer.Member("access_token") is not null;

    /// <summary>Why the Resource AS refused it, in its own words.</summary>
    public string Refusal => Answer.Member("error_description") ?? IdJagEvidence.Refusal(TokenExchange.From(Answer));
}

/// <summary>
/// conformance.md §5 L2 item 3: what <see cref="Scenarios.IdJagIssuanceScenario"/> asked for and got.
/// <paramref name="Issued"/> is the ID-JAG from the refresh token and <paramref name="Redeemed"/> its redemption at the Resource
/// AS the harness plays; <paramref name="Again"/> a second ID-JAG from the same refresh token, redeemed there too (null, with
/// <paramref name="WhyNotAgain"/>, when the first was not redeemed or the second not issued); <paramref name="FromAccessToken"/>
/// the first request with the access token as subject; <paramref name="Unrelated"/> one for <paramref name="UnrelatedAudience"/>;
/// <paramref name="Revoked"/> the first request again after revocation.
/// </summary>
public sealed record IdJagEvidence(TokenExchange Subject, ResourceAuthorizationServer Target, string Issuer,
    TokenExchange Issued, IdJagRedemption? Redeemed, IdJagRedemption? Again, string? WhyNotAgain,
    TokenExchange FromAccessToken, string UnrelatedAudience, TokenExchange Unrelated,
    ExchangeGating? Revoked, string? WhyNotRevoked, bool PairwiseOffered)
{
    public string Audience => Target.Issuer.AbsoluteUri;

    /// <summary>Why the ID-JAG itself cannot be judged: its issuance failed (MBO-AS-XD-001 says so).</summary>
    public string? NotIssued => Issued.Succeeded ? null
        : $"not judged: no ID-JAG was issued for {Audience} (HTTP {(int)Issued.Response.Status} {Issued.Response.Member("error")}; see MBO-AS-XD-001)";

    public IReadOnlyList<JsonElement> GrantEntries => Issued.Entries;

    public static string Refusal(TokenExchange t) => $"HTTP {(int)t.Response.Status} {t.Response.Member("error") ?? "(no error)"}";
}
