using System.Net;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// What counts as the refusal a requirement asks for (RFC 9126 §2.3, RFC 6749 §5.2): HTTP 400 with the spec's code, read
/// whatever the content type says; issue 19 found a 500 with the right code passing, and text bodies read as no reason.
/// </summary>
public sealed class RefusalTests
{
    private static WireResponse Answer(int status, string contentType, string body) => new((HttpStatusCode)status, contentType, "no-store", body);

    [Fact]
    public void ServerError_WithTheRightCode_IsNoRefusal()
    {
        var refusal = Refusal.From("malformed", Answer(500, "application/json", """{"error":"invalid_request"}"""), "invalid_request", null, null);

        Assert.Equal("malformed: refused with invalid_request but HTTP 500; RFC 9126 §2.3 and RFC 6749 §5.2 answer this error with 400", refusal.Problem());
    }

    [Fact]
    public void JsonErrorServedAsHtml_IsJudgedByItsCode_AndTheContentTypeIsNamed()
    {
        var refusal = Refusal.From("malformed", Answer(400, "text/html", """{"error":"invalid_request"}"""), "invalid_request", null, null);

        Assert.Null(refusal.Problem());
        var judgement = new UnparseableIntentRefused().Judge([refusal]);
        Assert.True(judgement.Holds);
        Assert.Contains("served as text/html, not application/json", judgement.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid_target", null)]
    [InlineData("invalid_request", null)]
    [InlineData("invalid_scope", "PAR resource: refused with invalid_scope, expected invalid_target or invalid_request")]
    public void UncoveredResource_MayBeRefusedWithEitherCodeTheCatalogueAllows(string error, string? problem)
    {
        var refusal = Refusal.From("PAR resource", Answer(400, "application/json", $$"""{"error":"{{error}}"}"""), "invalid_target", null, null, alsoAllowed: "invalid_request");

        Assert.Equal(problem, refusal.Problem());
    }

    [Fact]
    public void RefusalWithoutACode_SaysWhatCameBack()
    {
        var refusal = Refusal.From("malformed", Answer(400, "text/html", "<h1>Bad Request</h1>"), "invalid_request", null, null);

        Assert.Equal("malformed: must be refused with invalid_request, got HTTP 400", refusal.Problem());
    }
}
