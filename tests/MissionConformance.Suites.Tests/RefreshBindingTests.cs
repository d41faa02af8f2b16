using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-RT-003 (RFC 9700 §4.14.2): rotated, or bound to its holder. Issue 19 found the check taking the access token's cnf
/// as proof that the refresh token was bound; it now asks whether the predecessor still works and who presented it.
/// </summary>
public sealed class RefreshBindingTests
{
    private static Infrastructure.TokenExchange Served(bool withCnf = false)
    {
        var jwt = new JsonWebTokenHandler().CreateToken(withCnf ? """{"cnf":{"jkt":"abc"}}""" : "{}");
        return Infrastructure.TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{jwt}}","refresh_token":"r2"}"""));
    }

    private static readonly Infrastructure.TokenExchange Refused =
        Infrastructure.TokenExchange.From(new WireResponse(HttpStatusCode.BadRequest, "application/json", "no-store", """{"error":"invalid_grant"}"""));

    [Fact]
    public void AConfidentialClientsTokenThatIsNotRotated_IsBoundByItsAuthentication()
        => Assert.True(new RefreshTokenConstrainedOrRotated().Judge([new("agent", Authenticated: true, Served(), Served())]).Holds);

    [Fact]
    public void APublicClientsTokenThatIsNotRotated_Fails_ThoughTheAccessTokenCarriesCnf()
    {
        var judgement = new RefreshTokenConstrainedOrRotated().Judge([new("agent", true, Served(), Refused), new("public-app", false, Served(withCnf: true), Served())]);

        Assert.False(judgement.Holds);
        Assert.StartsWith("the refresh tokens of public client public-app are neither rotated", judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APublicClientsRotatedToken_Passes()
        => Assert.True(new RefreshTokenConstrainedOrRotated().Judge([new("public-app", false, Served(), Refused)]).Holds);

    [Fact]
    public void APublicClientsTokenThatIsNotRotated_PassesWhenAnotherKeysProofIsRefused_AndFailsWhenItIsServed()
    {
        var bound = new RefreshTokenConstrainedOrRotated().Judge([new("public-app", false, Served(), Served(), OtherKey: Refused)]);
        var unbound = new RefreshTokenConstrainedOrRotated().Judge([new("public-app", false, Served(), Served(), OtherKey: Served())]);

        Assert.True(bound.Holds, bound.Message);
        Assert.Contains("bound to its DPoP key", bound.Message, StringComparison.Ordinal);
        Assert.False(unbound.Holds);
        Assert.Contains("nor to its DPoP key", unbound.Message, StringComparison.Ordinal);
    }
}
