using System.Net;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-EXP-005 on answers the reference never gives: opaque tokens are judged by the token response's
/// authorization_details, a tighter constraint after step-up passes, and without a step-up page nothing is judged.
/// The widened entry is proven against the reference (consent.step-up, and the StepUpWidensAuthority self-test).
/// </summary>
public sealed class StepUpCheckTests
{
    private const string Acr = "urn:example:acr:mfa";

    private static TokenExchange Opaque(string details)
        => TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store",
            $$$"""{"access_token":"opaque-value","token_type":"DPoP","authorization_details":[{{{details}}}]}"""));

    private const string Baseline = """{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["read"],"constraints":{"max_rows":500}}""";

    [Theory]
    [InlineData("""{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["read"],"constraints":{"max_rows":100}}""", true)]
    [InlineData("""{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["read","write"],"constraints":{"max_rows":500}}""", false)]
    [InlineData("""{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["read"]}""", false)]
    public void OpaqueTokens_AreJudgedByTheResponsesEntries(string steppedUp, bool holds)
    {
        var judgement = new StepUpNeverExpands().Judge(new StepUpAuthorityEvidence(Acr, SteppedUp: true, Opaque(steppedUp), Opaque(Baseline)));

        Assert.True(judgement.Holds == holds, judgement.Message);
    }

    [Fact]
    public void WithoutAStepUpPage_NothingIsJudged_AndAnUnreadableTokenIsReview()
    {
        var unreadable = TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", """{"access_token":"opaque-value","token_type":"DPoP"}"""));

        Assert.Equal(Verdict.Skipped, new StepUpNeverExpands().Judge(new StepUpAuthorityEvidence(Acr, SteppedUp: false, Opaque(Baseline), Opaque(Baseline))).Explicit);
        Assert.Equal(Verdict.Review, new StepUpNeverExpands().Judge(new StepUpAuthorityEvidence(Acr, SteppedUp: true, unreadable, Opaque(Baseline))).Explicit);
    }
}
