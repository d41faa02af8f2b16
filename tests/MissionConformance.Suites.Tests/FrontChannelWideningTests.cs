using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-PAR-010 on answers the reference never gives: issue 19 found the check looking only for the front-channel
/// resource, so a scope added on the front channel and granted (in the response or the token's claim) passed.
/// </summary>
public sealed class FrontChannelWideningTests
{
    private const string Extra = "https://front-channel-extra.invalid/api";

    private static Infrastructure.TokenExchange Token(string? responseScope, string? claimScope, string resource = "https://finance.example/mcp")
    {
        var claims = $$"""{"aud":"{{resource}}","authorization_details":[{"type":"mission_resource_access","resource":"{{resource}}","actions":["read"]}]{{(claimScope is null ? "" : $",\"scope\":\"{claimScope}\"")}}}""";
        var jwt = new JsonWebTokenHandler().CreateToken(claims);
        var body = $$"""{"access_token":"{{jwt}}","token_type":"Bearer"{{(responseScope is null ? "" : $",\"scope\":\"{responseScope}\"")}}}""";
        return Infrastructure.TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", body));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("finance:read", "finance:read", null)]
    [InlineData("finance:read payments:write", null, "scope payments:write, added only on the front-channel /authorize request, reached the token; pushed parameters must be authoritative")]
    [InlineData(null, "payments:write", "scope payments:write, added only on the front-channel /authorize request, reached the token; pushed parameters must be authoritative")]
    public void AFrontChannelScope_GrantedInTheResponseOrTheToken_Fails(string? responseScope, string? claimScope, string? failure)
    {
        var judgement = new FrontChannelParametersIgnored().Judge(new FrontChannelWidening(Token(responseScope, claimScope), Extra));

        Assert.Equal(failure is null, judgement.Holds);
        if (failure is not null) Assert.Equal(failure, judgement.Message);
    }

    [Fact]
    public void TheFrontChannelResource_InTheToken_Fails()
    {
        var judgement = new FrontChannelParametersIgnored().Judge(new FrontChannelWidening(Token(null, null, Extra), Extra));

        Assert.False(judgement.Holds);
        Assert.StartsWith($"authority for {Extra}", judgement.Message, StringComparison.Ordinal);
    }
}
