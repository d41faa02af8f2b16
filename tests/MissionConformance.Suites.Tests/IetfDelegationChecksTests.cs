using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// Delegation where the editions disagree (issue 21 item 2), which no reference fault proves as the embedded reference speaks
/// the seed: a delegated token's client_id is the approved agent in the seed and the requesting delegate in ietf-2026-08
/// (RFC 8693 §4.3), and a delegation that narrows to nothing is refused invalid_grant in the seed, invalid_target in ietf.
/// </summary>
public sealed class IetfDelegationChecksTests
{
    private const string Agent = "agent";
    private const string Delegate = "delegate";

    private const string Entry = """{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["read"],"delegation":{"max_depth":1}}""";

    private static TokenExchange Token(string clientId, string? act = null)
    {
        var jwt = new JsonWebTokenHandler().CreateToken(
            $$"""{"sub":"alice","client_id":"{{clientId}}","mission":{"id":"msn_1","issuer":"https://as.example","authority_hash":"sha-256:x"},"authorization_details":[{{Entry}}]{{(act is null ? "" : $",\"act\":{act}")}}}""");
        return TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{jwt}}","token_type":"DPoP"}"""));
    }

    private static TokenExchange Refused(string error)
        => TokenExchange.From(new WireResponse(HttpStatusCode.BadRequest, "application/json", "no-store", $$"""{"error":"{{error}}"}"""));

    private static DelegatedTokenEvidence Evidence(TokenExchange delegated, TokenExchange? redelegated, Edition edition)
        => new(Token(Agent), Delegate, "thumbprint", delegated, Refused("invalid_request"), null, null, redelegated, null, null, null, null) { Edition = edition };

    [Theory]
    [InlineData(Edition.SeedName, Agent, true)]
    [InlineData(Edition.SeedName, Delegate, false)]
    [InlineData(Edition.IetfName, Delegate, true)]
    [InlineData(Edition.IetfName, Agent, false)]
    public void TheDelegatedTokensClientId_IsTheEditions(string edition, string clientId, bool holds)
    {
        var judgement = new DelegatedTokenNamesDelegate().Judge(Evidence(Token(clientId, $$"""{"sub":"{{Delegate}}"}"""), null, Edition.Named(edition)!));

        // A failure names client_id; a pass may still stop later (act is validated at capture, which this token skipped).
        if (holds) Assert.DoesNotContain("client_id is", judgement.Message, StringComparison.Ordinal);
        else
        {
            Assert.False(judgement.Holds);
            Assert.Contains($"client_id is {clientId}", judgement.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Edition.SeedName, "invalid_grant", true)]
    [InlineData(Edition.SeedName, "invalid_target", false)]
    [InlineData(Edition.IetfName, "invalid_target", true)]
    [InlineData(Edition.IetfName, "invalid_grant", false)]
    public void ADelegationThatNarrowsToNothing_IsRefusedWithTheEditionsError(string edition, string error, bool holds)
    {
        var judgement = new EmptyDelegationRefused().Judge(Evidence(Token(Agent, $$"""{"sub":"{{Delegate}}"}"""), Refused(error), Edition.Named(edition)!));

        Assert.Equal(holds, judgement.Holds);
    }
}
