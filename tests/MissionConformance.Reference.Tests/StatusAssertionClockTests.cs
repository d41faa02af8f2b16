using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// A projection issuer's Mission Status client assertion is timed by the stack's clock, the one the MAS checks it by. Signed by the
/// real clock, it expired at a MAS whose embedded clock the expiry scenarios had advanced past a minute, and MBO-MAS-001/002 were
/// INTERRUPTED on a loaded CI machine (the MAS answered 401, the issuer failed closed).
/// </summary>
public sealed class StatusAssertionClockTests
{
    private sealed class Ahead(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    [Fact]
    public void TheAssertion_IsTimedByTheClockItIsGiven()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var http = new HttpClient();
        var ahead = TimeSpan.FromMinutes(10);
        using var authentication = new StatusClientAuthentication(http, "rs-client", new ECDsaSecurityKey(ecdsa), new Ahead(ahead));

        var token = new JsonWebToken(authentication.Assertion(new Uri("https://mas.example/status")));

        var expected = DateTime.UtcNow + ahead;
        Assert.InRange(token.IssuedAt, expected.AddSeconds(-30), expected.AddSeconds(30));
        Assert.InRange(token.ValidTo, expected.AddSeconds(30), expected.AddSeconds(90));
    }
}
