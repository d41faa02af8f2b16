using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-SUB-002 and the subset rule (oauth-profile §4.3). Until issue 19 every number was read as an upper bound and
/// any changed array as loosened, so a narrowed allow-list or a raised minimum failed a conforming AS. Now a change is
/// judged only where the value says which way is narrower; any other change is REVIEW, never PASS or FAIL.
/// </summary>
public sealed class SubsetRuleTests
{
    private const string Resource = "https://rs.example/mcp";

    private static JsonElement Entry(string constraints)
        => JsonDocument.Parse($$$"""{"type":"mission_resource_access","resource":"{{{Resource}}}","actions":["read"],"constraints":{{{constraints}}}}""").RootElement;

    private static Judgement Narrowed(string mission, string token)
    {
        var jwt = new JsonWebTokenHandler().CreateToken($$$"""{"authorization_details":[{{{Entry(token).GetRawText()}}}]}""");
        var exchange = TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{jwt}}","token_type":"Bearer"}"""));
        return new NarrowedEntryKeepsConstraints().Judge(new NarrowedToken(Resource, exchange, JsonSerializer.SerializeToElement(new[] { Entry(mission) })));
    }

    [Theory]
    [InlineData("""{"max_rows":500}""", """{"max_rows":500}""")]
    [InlineData("""{"max_rows":500}""", """{"max_rows":100,"region":"eu"}""")]
    [InlineData("""{"min_confidence":0.5}""", """{"min_confidence":0.9}""")]
    [InlineData("""{"maxAmount":1000}""", """{"maxAmount":10}""")]
    [InlineData("""{"recipients":["a@example.com","b@example.com"]}""", """{"recipients":["a@example.com"]}""")]
    [InlineData("""{"window":{"max_hours":8,"zone":"UTC"}}""", """{"window":{"max_hours":4,"zone":"UTC"}}""")]
    public void AKeptOrProvablyTighterConstraint_Passes(string mission, string token)
        => Assert.Equal(true, Narrowed(mission, token).Holds);

    [Theory]
    [InlineData("""{"max_rows":500}""", """{}""", "max_rows dropped")]
    [InlineData("""{"max_rows":500}""", """{"max_rows":900}""", "looser upper bound")]
    [InlineData("""{"min_confidence":0.5}""", """{"min_confidence":0.1}""", "looser lower bound")]
    [InlineData("""{"window":{"max_hours":8}}""", """{"window":{}}""", "window.max_hours dropped")]
    public void ADroppedOrProvablyLooserConstraint_Fails(string mission, string token, string because)
    {
        var judgement = Narrowed(mission, token);

        Assert.Equal((false, null), (judgement.Holds, judgement.Explicit));
        Assert.Contains(because, judgement.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"minutes_per_day":30}""", """{"minutes_per_day":45}""")]
    [InlineData("""{"recipients":["a@example.com"]}""", """{"recipients":["a@example.com","c@example.com"]}""")]
    [InlineData("""{"region":"eu"}""", """{"region":"eu-west"}""")]
    [InlineData("""{"max_rows":500}""", """{"max_rows":"100"}""")]
    public void AChangeWhoseDirectionTheValueDoesNotShow_IsReview(string mission, string token)
        => Assert.Equal(Verdict.Review, Narrowed(mission, token).Explicit);

    [Fact]
    public void AnUndecidedEntryIsNeverReadAsOutside_NorAsWithin()
    {
        var mission = Entry("""{"region":"eu"}""");
        var changed = Entry("""{"region":"eu-west"}""");
        var other = JsonDocument.Parse("""{"type":"mission_resource_access","resource":"https://other.example","actions":["read"]}""").RootElement;

        Assert.Equal(Containment.Undecided, Subset.Place(changed, [mission]));
        Assert.NotEqual(Containment.Within, Subset.Contains(changed, mission));
        var (outside, undecided) = Subset.Beyond([changed, other], [mission]);
        Assert.Equal(JsonValueKind.Object, outside?.ValueKind);
        Assert.Contains("region changed from \"eu\" to \"eu-west\"", undecided, StringComparison.Ordinal);
    }
}
