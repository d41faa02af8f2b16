using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-TOK-011: until issue 19 any cnf passed, and the harness never proved a key. A DPoP binding now counts only when it
/// is to the key the redemption proved and the response says token_type DPoP; an advertised constraint makes a bearer token fail.
/// </summary>
public sealed class SenderConstraintCheckTests
{
    private static readonly JsonElement Advertising = JsonDocument.Parse("""{"mission_sender_constraints_supported":["dpop"]}""").RootElement;
    private static readonly JsonElement Silent = JsonDocument.Parse("{}").RootElement;

    private static TokenEvidence Evidence(string? jkt, string tokenType, string? proved, JsonElement metadata)
    {
        var jwt = new JsonWebTokenHandler().CreateToken(jkt is null ? "{}" : $$$"""{"cnf":{"jkt":"{{{jkt}}}"}}""");
        var token = Infrastructure.TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store",
            $$"""{"access_token":"{{jwt}}","token_type":"{{tokenType}}"}""")) with { ProvedKey = proved };
        return new TokenEvidence(token, "https://as.example", "agent", null, DateTimeOffset.UtcNow, [], metadata, null);
    }

    [Fact]
    public void BoundToTheProvedKey_AsDpop_Passes()
        => Assert.True(new AccessTokenSenderConstrained().Judge(Evidence("k1", "DPoP", "k1", Advertising)).Holds);

    [Theory]
    [InlineData("k2", "DPoP", "k1", "is not the thumbprint")]
    [InlineData("k1", "Bearer", "k1", "not DPoP")]
    [InlineData("k1", "DPoP", null, "carried no DPoP proof")]
    [InlineData(null, "Bearer", "k1", "carries no cnf")]
    public void AWrongOrMissingBinding_Fails(string? jkt, string tokenType, string? proved, string because)
    {
        var judgement = new AccessTokenSenderConstrained().Judge(Evidence(jkt, tokenType, proved, Advertising));

        Assert.Equal((false, null), (judgement.Holds, judgement.Explicit));
        Assert.Contains(because, judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABearerTokenFromAnAsThatAdvertisesNothing_IsAWarning()
        => Assert.Equal(Verdict.Warning, new AccessTokenSenderConstrained().Judge(Evidence(null, "Bearer", null, Silent)).Explicit);
}
