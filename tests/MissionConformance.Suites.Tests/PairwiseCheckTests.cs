using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-PW-003 on answers the reference never gives: an AS that re-projects an ID-JAG under the second sector's own ref
/// passes, one that issues an opaque token is REVIEW, one without a second sector is skipped with the reason. The refusal and
/// the copied ref are proven against the reference (projection.pairwise, and the ExchangeCopiesPairwiseRef self-test).
/// </summary>
public sealed class PairwiseCheckTests
{
    private const string First = "https://as.first.example/";
    private const string Second = "https://as.second.example/";

    private static TokenExchange Grant(string audience, string reference)
        => TokenExchange.From(Ok(new JsonWebTokenHandler().CreateToken($$$"""{"aud":"{{{audience}}}","mission":{"ref":"{{{reference}}}","origin":"https://as.example/"}}""")));

    private static WireResponse Ok(string token) => new(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{token}}","issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","token_type":"N_A"}""");

    private static PairwiseEvidence Evidence(params (string Type, TokenExchange Exchange)[] reprojections)
        => new("resource_as", "msn_1", [(First, Grant(First, "ref_first")), (Second, Grant(Second, "ref_second"))], null, "not asked")
        {
            Reprojections = reprojections, ReprojectedTo = Second, WhyNoReprojection = reprojections.Length == 0 ? "the target file declares one Resource AS" : null,
        };

    [Fact]
    public void AReprojectionUnderTheSecondSectorsOwnRef_Passes_AndTheFirstSectorsRef_Fails()
    {
        var own = new PairwiseRefNotCopiedAcrossSectors().Judge(Evidence((TokenTypes.IdJag, Grant(Second, "ref_second"))));
        var copied = new PairwiseRefNotCopiedAcrossSectors().Judge(Evidence(
            (TokenTypes.IdJag, TokenExchange.From(new WireResponse(HttpStatusCode.BadRequest, "application/json", "no-store", """{"error":"invalid_request"}"""))),
            ("urn:ietf:params:oauth:token-type:jwt", Grant(Second, "ref_first"))));

        Assert.True(own.Holds, own.Message);
        Assert.Contains("naming the Mission by ref ref_second", own.Message, StringComparison.Ordinal);
        Assert.False(copied.Holds);
        Assert.Contains("(urn:ietf:params:oauth:token-type:jwt)", copied.Message, StringComparison.Ordinal);
        Assert.Contains("ref_first", copied.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tenant", 2, 3, Verdict.Review)]
    [InlineData("trust_domain", 0, 3, Verdict.Review)]
    [InlineData("resource_as", 0, 3, Verdict.Skipped)]
    [InlineData("resource_server", 0, 1, Verdict.Skipped)]
    [InlineData(null, 2, 3, Verdict.Skipped)]
    public void ASectorTheSuiteDoesNotDrive_IsLeftToReview_WhileOneThatDoesNotApply_IsSkipped(string? sector, int resourceAses, int objects, Verdict expected)
    {
        Assert.Equal(expected, PairwiseReferenceScenario.NotJudged(sector, resourceAses, objects)!.Value.Verdict);
        Assert.Null(PairwiseReferenceScenario.NotJudged("resource_as", 2, 3));
        Assert.Null(PairwiseReferenceScenario.NotJudged("resource_server", 0, 2));
    }

    [Fact]
    public void APairwiseRequirementLeftToReview_KeepsAd2FromBeingDemonstrated_WhereASkipWouldNot()
    {
        const string As = "https://as.example/";
        var catalogue = RequirementCatalogue.Default;
        var ad2 = catalogue.All.Where(r => r.Tier == "AD-2" && r.Role is "AS" or "MAS" && r.IsMandatory && r.Excluded is null).ToList();
        Dictionary<(string, string), Verdict> With(Verdict pw001) => ad2.ToDictionary(r => (r.Id, As), r => r.Id == "MBO-AS-PW-001" ? pw001 : Verdict.Passed);
        bool Demonstrated(Verdict pw001) => new CoordinateCalculator(catalogue).Evaluate(With(pw001), As, r => r.Tier == "AD-2" && r.Role is "AS" or "MAS").Demonstrated;

        Assert.True(Demonstrated(Verdict.Skipped));
        Assert.False(Demonstrated(Verdict.Review));
    }

    [Fact]
    public void RefsOfOneSectorOnly_AreReview_NotAPass_WhileTwoSectorsWithTheirOwnRefsPass()
    {
        // Issue 19: with one Resource AS, PW-001 passed though "refs differ across sectors" was never compared.
        var one = new PairwiseEvidence("resource_as", "msn_1", [(First, Grant(First, "ref_first")), (First, Grant(First, "ref_first"))], null, "not asked");

        var alone = new PairwiseRefPerSector().Judge(one);
        var both = new PairwiseRefPerSector().Judge(Evidence());

        Assert.Equal(Verdict.Review, alone.Explicit);
        Assert.Contains("name a second one in the target file", alone.Message, StringComparison.Ordinal);
        Assert.True(both.Holds);
    }

    [Fact]
    public void AnOpaqueReprojection_IsReview_AndNoSecondSector_IsSkippedWithTheReason()
    {
        var opaque = new PairwiseRefNotCopiedAcrossSectors().Judge(Evidence((TokenTypes.IdJag, TokenExchange.From(Ok("opaque-grant-value")))));
        var alone = new PairwiseRefNotCopiedAcrossSectors().Judge(Evidence());

        Assert.Equal(Verdict.Review, opaque.Explicit);
        Assert.Equal(Verdict.Skipped, alone.Explicit);
        Assert.Equal("not judged: the target file declares one Resource AS", alone.Message);
    }
}
