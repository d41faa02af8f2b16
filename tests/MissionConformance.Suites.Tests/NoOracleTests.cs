using System.Net;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The no-oracle comparison of MBO-AS-LC-003 and MBO-MS-007: what differs between two answers about unknown ids is
/// per-request noise; anything else that differs for a real Mission tells the caller it exists. The variant
/// ErrorBodiesWithExtraMembers (a per-request x_trace_id) failed both checks while they compared bodies whole.
/// </summary>
public sealed class NoOracleTests
{
    private static WireResponse NotFound(string body, IReadOnlyDictionary<string, string>? headers = null)
        => new(HttpStatusCode.NotFound, "application/json", "no-store", body, headers);

    [Fact]
    public void MembersThatDifferBetweenTwoUnknownIds_AreNoise()
    {
        var differences = NoOracle.Differences(
            NotFound("""{"error":"not_found","nonce":"a","x_trace_id":"1"}"""),
            NotFound("""{"error":"not_found","nonce":"b","x_trace_id":"2"}"""),
            NotFound("""{"error":"not_found","nonce":"c","x_trace_id":"3"}"""));

        Assert.Empty(differences);
    }

    [Fact]
    public void TheNonceTheClientChose_IsNoOracle_WithoutASecondUnknownAnswer_ButAnotherMemberIs()
    {
        var unknown = NotFound("""{"error":"not_found","nonce":"a"}""");

        Assert.Empty(NoOracle.Differences(unknown, null, NotFound("""{"error":"not_found","nonce":"b"}"""), "nonce"));
        Assert.Equal(["member x_trace_id: \"2\" against (absent)"],
            NoOracle.Differences(unknown, null, NotFound("""{"error":"not_found","nonce":"b","x_trace_id":"2"}"""), "nonce"));
    }

    [Fact]
    public void AMemberStableForUnknownIds_ButDifferentForARealMission_IsAnOracle()
    {
        var differences = NoOracle.Differences(
            NotFound("""{"error":"not_found","error_description":"mission not found","x_trace_id":"1"}"""),
            NotFound("""{"error":"not_found","error_description":"mission not found","x_trace_id":"2"}"""),
            NotFound("""{"error":"not_found","error_description":"mission belongs to another client","x_trace_id":"3"}"""));

        Assert.Equal(["member error_description: \"mission belongs to another client\" against \"mission not found\""], differences);
    }

    [Fact]
    public void AStatusOrAStableHeaderThatDiffers_IsAnOracle()
    {
        var unknown = NotFound("""{"error":"not_found"}""", new Dictionary<string, string> { ["X-Request-Id"] = "1", ["Cache-Control"] = "no-store" });
        var again = NotFound("""{"error":"not_found"}""", new Dictionary<string, string> { ["X-Request-Id"] = "2", ["Cache-Control"] = "no-store" });
        var forbidden = new WireResponse(HttpStatusCode.Forbidden, "application/json", "no-store", """{"error":"not_found"}""",
            new Dictionary<string, string> { ["X-Request-Id"] = "3", ["Cache-Control"] = "private" });

        Assert.Equal(["HTTP 403 against 404", "header cache-control: private against no-store"], NoOracle.Differences(unknown, again, forbidden));
    }
}
