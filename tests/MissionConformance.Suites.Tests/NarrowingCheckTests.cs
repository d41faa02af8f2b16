using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-PAR-014 beyond expiry. Until issue 19 only the expiry was compared, so a validated Intent that dropped a client
/// constraint or gained an object passed. The expiry is now compared on every surface that shows it, Mission Status included.
/// </summary>
public sealed class NarrowingCheckTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Intent(string[] objects, string[] constraints, DateTimeOffset expiry) => new()
    {
        ["goal"] = "g", ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o)]),
        ["constraints"] = new JsonArray([.. constraints.Select(c => (JsonNode)c)]), ["mission_expiry"] = expiry.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };

    private static readonly JsonObject Submitted = Intent(["https://docs.example/mcp", "https://spend.example/api"], ["read-only", "May only"], Expiry);

    private static readonly TokenExchange Opaque = TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", """{"access_token":"opaque","token_type":"Bearer"}"""));

    private static Judgement Judge(JsonObject? validated, MissionWitness? witness = null)
        => new NarrowingNeverExtends().Judge(new NarrowingEvidence(Submitted, validated is null ? null : new JsonObject { ["mission_intent"] = validated }, witness, Opaque,
            Harness.Editions.Edition.Seed));

    [Fact]
    public void ObjectsThatShrinkOrNarrowToASubPath_AndConstraintsAdded_Pass()
    {
        var judgement = Judge(Intent(["https://docs.example/mcp/board"], ["read-only", "May only", "audit-committee-only"], Expiry.AddHours(-1)));

        Assert.True(judgement.Holds, judgement.Message);
    }

    [Theory]
    [InlineData("https://other.example/api", "read-only,May only", 0, "include https://other.example/api")]
    [InlineData("https://docs.example/mcp", "read-only", 0, "drops the client's constraint(s) \"May only\"")]
    [InlineData("https://docs.example/mcp", "read-only,May only", 2, "later than the submitted")]
    public void AnEnlargedObject_ADroppedConstraint_OrALaterExpiry_Fails(string objects, string constraints, int hoursLater, string because)
    {
        var judgement = Judge(Intent(objects.Split(','), constraints.Split(','), Expiry.AddHours(hoursLater)));

        Assert.False(judgement.Holds);
        Assert.Contains(because, judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutARecord_MissionStatusShowsTheExpiry_AndTheRestIsSaidToBeNotVerifiable()
    {
        var later = new MissionWitness("Mission Status asked by rs", "https://docs.example/mcp", null, null, Expiry.AddDays(1));
        var same = later with { MissionExpiry = Expiry };

        Assert.Contains("mission_expiry as Mission Status", Judge(null, later).Message, StringComparison.Ordinal);
        Assert.False(Judge(null, later).Holds);
        Assert.Contains("not verifiable black-box", Judge(null, same).Message, StringComparison.Ordinal);
    }
}
