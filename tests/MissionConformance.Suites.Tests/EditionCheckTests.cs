using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>Checks read the wire in the target's edition (issue 21 item 2): the mission claim's state authority and the gating diagnostic.</summary>
public sealed class EditionCheckTests
{
    private const string As = "https://as.example";

    private static TokenExchange Token(string mission, Edition edition)
    {
        var jwt = $"{Base64UrlEncoder.Encode("""{"alg":"ES256","typ":"at+jwt"}""")}.{Base64UrlEncoder.Encode($$"""{"iss":"{{As}}","mission":{{mission}}}""")}.c2ln";
        return TokenExchange.From(new WireResponse(HttpStatusCode.OK, "application/json", "no-store", $$"""{"access_token":"{{jwt}}","token_type":"Bearer"}""")) with { Edition = edition };
    }

    private static Judgement Carried(string mission, Edition edition)
        => new MissionClaimCarried().Judge(new TokenEvidence(Token(mission, edition), As, "agent", null, DateTimeOffset.UnixEpoch, [], JsonDocument.Parse("{}").RootElement, null));

    [Fact]
    public void TheMissionClaimNamesItsStateAuthority_AsTheEditionCallsIt()
    {
        const string ietfClaim = """{"id":"msn_1","issuer":"https://as.example","authority_hash":"sha-256:x"}""";

        Assert.True(Carried(ietfClaim, Edition.Ietf202608).Holds);
        var seed = Carried(ietfClaim, Edition.Seed);
        Assert.False(seed.Holds);
        Assert.Contains("origin", seed.Message, StringComparison.Ordinal);
        Assert.Equal("https://as.example", Token(ietfClaim, Edition.Ietf202608).MissionAuthority);
        Assert.Null(Token(ietfClaim, Edition.Seed).MissionAuthority);
    }

    private static WireResponse Refused(string body) => new(HttpStatusCode.BadRequest, "application/json", "no-store", body);

    [Theory]
    [InlineData("""{"error":"invalid_grant","mission_state":"revoked"}""", "seed-2026-06", "passed")]
    [InlineData("""{"error":"invalid_grant"}""", "seed-2026-06", "failed")]  // the seed requires mission_state
    [InlineData("""{"error":"invalid_grant","mission_error":"mission_revoked"}""", "ietf-2026-08", "passed")]
    [InlineData("""{"error":"invalid_grant"}""", "ietf-2026-08", "warning")]  // mission_error is a SHOULD there
    [InlineData("""{"error":"invalid_request"}""", "ietf-2026-08", "failed")]
    public void AGatedRefresh_IsJudgedByTheEditionsErrorMembers(string body, string edition, string verdict)
    {
        var refresh = TokenExchange.From(Refused(body)) with { Edition = Edition.Named(edition)! };
        var judgement = new RefreshGatedWhenExpired().Judge(new GatingEvidence("revoke", Refused("{}"), "revoked", refresh, "revoked"));

        var actual = judgement.Explicit == Verdict.Warning ? "warning" : judgement.Holds == true ? "passed" : "failed";
        Assert.True(verdict == actual, $"{verdict} expected, {actual}: {judgement.Message}");
    }

    [Fact]
    public void AnIntrospectionProjection_NamesItsStateAuthority_AsTheEditionCallsIt()
    {
        const string body = """{"active":true,"mission":{"id":"msn_1","issuer":"https://as.example","authority_hash":"sha-256:x","state":"active"}}""";
        var active = new WireResponse(HttpStatusCode.OK, "application/json", "no-store", body)
        {
            Artifact = Harness.Schemas.CapturedArtifact.Validate(Harness.Schemas.ArtifactKind.IntrospectionResponse, body),
        };
        IntrospectionEvidence Evidence(Edition edition)
            => new("https://rs.example", "msn_1", null, active, active, active, null, null, active, "{}", null, null) { Edition = edition };

        Assert.True(new IntrospectionShowsActiveMission().Judge(Evidence(Edition.Ietf202608)).Holds);
        var seed = new IntrospectionShowsActiveMission().Judge(Evidence(Edition.Seed));
        Assert.False(seed.Holds);
        Assert.Contains("/mission/origin", seed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"error":"invalid_grant","mission_error":"mission_revoked"}""", true)]
    [InlineData("""{"error":"invalid_grant"}""", true)]
    [InlineData("""{"error":"invalid_grant","mission_error":"revoked"}""", false)]
    public void GatingErrorValues_InIetf_AreItsFourMissionErrorValues(string body, bool holds)
    {
        var refusal = new WireResponse(HttpStatusCode.BadRequest, "application/json", "no-store", body);

        var judgement = new GatingMissionStateEnumerated().Judge(new GatingErrors([refusal]) { Edition = Edition.Ietf202608 });

        Assert.Equal(holds, judgement.Holds);
    }

    [Fact]
    public void ALifecycleServiceCredential_ThatIsServed_FailsTheLifecycleAuthenticationCheck()
    {
        var refused = new WireResponse(HttpStatusCode.Unauthorized, "application/json", "no-store", """{"error":"unauthorized"}""");
        var evidence = new LifecycleAuthEvidence(refused, refused) { Edition = Edition.Ietf202608 };

        Assert.True(new LifecycleRequiresAdvertisedAuth().Judge(evidence).Holds);
        var declared = new LifecycleRequiresAdvertisedAuth().Judge(evidence with { DeclaredCredential = "x-service-token", DeclaredCredentialServed = true });
        Assert.False(declared.Holds);
        Assert.Contains("x-service-token", declared.Message, StringComparison.Ordinal);
    }
}
