using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The Mission Status checks in edition ietf-2026-08 (issue 21), which no reference fault can prove: the embedded reference speaks
/// the seed only. Each rule the edition reads otherwise is shown both ways here, on answers shaped as its status draft's
/// §Response example, and on the operation as a target file declares it (missionStatus). The wire half is the interop run
/// against the spec author's implementation (docs/interop/ts-reference.md).
/// </summary>
public sealed class IetfStatusChecksTests : IDisposable
{
    private const string Issuer = "https://as.example";
    private const string Audience = "https://erp.example.com";
    private const string Caller = "rs-erp";
    private const string Nonce = "nonce_K9pV4nT2sR7mB1xQ";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_793_606_400);

    private static readonly DeclaredEndpoint ServiceToken = new("https://as.example/missions/{mission}/status", DeclaredBody.Query,
        new DeclaredAuthentication("x-service-token", "t"));

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public void TheDraftsExample_PassesTypPayloadFreshnessAndMissionMember()
    {
        var evidence = Evidence(Payload());

        foreach (var check in new Harness.Engine.Check<MissionStatusEvidence>[] { new StatusJwsVerifies(), new StatusPayloadComplete(), new StatusTimestampsOrdered(), new StatusMissionMemberExclusive(), new StatusBindsRequest() })
        {
            var judgement = check.Judge(evidence);
            Assert.True(judgement.Holds, $"{check.RequirementId}: {judgement.Message}");
        }
    }

    [Fact]
    public void TheSeedsTyp_FailsInIetf_AndTheIetfTyp_FailsInTheSeed()
    {
        var seedTyped = Evidence(Payload(), typ: Edition.Seed.StatusJoseType);
        var ietfInSeed = Evidence(Payload()) with { Edition = Edition.Seed };

        Assert.False(new StatusJwsVerifies().Judge(seedTyped).Holds);
        Assert.False(new StatusJwsVerifies().Judge(ietfInSeed).Holds);
    }

    [Theory]
    [InlineData("fresh_until", "/mission/fresh_until")]
    [InlineData("version", "/mission/version")]
    [InlineData("state", "/mission/state")]
    public void AMissionWithoutAStatusMember_FailsThePayloadCheck_NamingIt(string member, string pointer)
    {
        var payload = Payload();
        payload["mission"]!.AsObject().Remove(member);

        var judgement = new StatusPayloadComplete().Judge(Evidence(payload));

        Assert.False(judgement.Holds);
        Assert.Contains(pointer, judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FreshUntilBeyondTheAdvertisedCap_Fails_AndWithinIt_Passes()
    {
        var payload = Payload();
        payload["mission"]!["fresh_until"] = Now.AddSeconds(90).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(new StatusTimestampsOrdered().Judge(Evidence(payload) with { MaxStaleSeconds = 60 }).Holds);
        Assert.True(new StatusTimestampsOrdered().Judge(Evidence(payload) with { MaxStaleSeconds = 120 }).Holds);
    }

    [Fact]
    public void TheStateAuthority_IsTheIssuerMember()
    {
        var payload = Payload();
        payload["mission"]!.AsObject().Remove("issuer");
        payload["mission"]!["origin"] = Issuer;

        Assert.False(new StatusMissionMemberExclusive().Judge(Evidence(payload)).Holds);
    }

    [Fact]
    public void AbsentNonce_MustBeRefusedInvalidRequest_InIetf()
    {
        var served = Evidence(Payload()) with { MalformedNonce = Ok(Sign(Payload())) };
        var refused = Evidence(Payload()) with { MalformedNonce = new WireResponse(HttpStatusCode.BadRequest, "application/json", "no-store", """{"error":"invalid_request","error_description":"nonce"}""") };

        Assert.False(new StatusNonceFormatEnforced().Judge(served).Holds);
        Assert.True(new StatusNonceFormatEnforced().Judge(refused).Holds);
        Assert.Contains("without a nonce", new StatusNonceFormatEnforced().Judge(served).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeclaredServiceCredential_ThatIsServed_FailsTheAuthenticationCheck()
    {
        var judgement = new StatusRequiresAuthentication().Judge(Evidence(Payload()) with { Declared = ServiceToken });

        Assert.False(judgement.Holds);
        Assert.Contains("x-service-token", judgement.Message, StringComparison.Ordinal);
        Assert.True(new StatusRequiresAuthentication().Judge(Evidence(Payload())).Holds);  // the same answers, asked by private_key_jwt
    }

    [Fact]
    public void ADeclaredShape_TheEditionsOwnRequestIsNotServedIn_FailsTheRequestCheck_AndPassesWhenItIs()
    {
        var notFound = new StatusAnswer(new WireResponse(HttpStatusCode.NotFound, "text/plain", null, "Not Found"), Nonce, Audience, Caller, "msn_1", Now);
        var served = Answer(Sign(Payload()));

        var failed = new StatusAnswersSigned().Judge(Evidence(Payload()) with { Declared = ServiceToken, Method = StatusCaller.DeclaredMethod, AsEditionSays = notFound });
        var passed = new StatusAnswersSigned().Judge(Evidence(Payload()) with { Declared = ServiceToken, Method = StatusCaller.DeclaredMethod, AsEditionSays = served });

        Assert.False(failed.Holds);
        Assert.Contains("GET https://as.example/missions/{mission}/status with audience and nonce in the query", failed.Message, StringComparison.Ordinal);
        Assert.True(passed.Holds, passed.Message);
    }

    [Fact]
    public void WithADeclaredCredential_SubIsNotCompared_AndTheOracleIsNotJudged()
    {
        var payload = Payload();
        payload["sub"] = "the-missions-own-client";
        var evidence = Evidence(payload) with { Declared = ServiceToken };

        var bound = new StatusBindsRequest().Judge(evidence);
        Assert.True(bound.Holds, bound.Message);
        Assert.Contains("sub (the-missions-own-client) not compared", bound.Message, StringComparison.Ordinal);
        Assert.False(new StatusBindsRequest().Judge(evidence with { Declared = null }).Holds);
        Assert.Null(new StatusNoOracle().Judge(evidence).Holds);
    }

    [Fact]
    public void ARateLimitMet_WithOneDeclaredCredential_IsNotJudgedPerConsumer()
    {
        var limited = new WireResponse(HttpStatusCode.TooManyRequests, "application/json", "no-store", """{"error":"rate_limited","error_description":"slow down","retry_after":1}""");
        var neighbour = new RateLimitNeighbour("rs-other", Ok(Sign(Payload())), limited);
        var evidence = Evidence(Payload()) with { Burst = [limited], Neighbour = neighbour };

        Assert.False(new StatusRateLimitedPerConsumer().Judge(evidence).Holds);  // two clients, one limit: not per consumer
        var declared = new StatusRateLimitedPerConsumer().Judge(evidence with { Declared = ServiceToken });
        Assert.Null(declared.Holds);
        Assert.Contains("x-service-token", declared.Message, StringComparison.Ordinal);
    }

    public void Dispose() => key.Dispose();

    /// <summary>The status draft's §Response example, for this test's caller and moment.</summary>
    private static JsonObject Payload() => new()
    {
        ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = Caller, ["nonce"] = Nonce,
        ["iat"] = Now.ToUnixTimeSeconds(), ["exp"] = Now.ToUnixTimeSeconds() + 60,
        ["mission"] = new JsonObject
        {
            ["id"] = "msn_1", ["issuer"] = Issuer, ["authority_hash"] = "sha-256:l3KvZ4mP5x0wQrR6tY2nD9bM7sX1cF8gH2vJ4kE5pNQ", ["state"] = "active", ["version"] = 4,
            ["expires_at"] = "2026-12-31T23:59:59Z", ["fresh_until"] = Now.AddSeconds(45).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        },
        ["authorization_details"] = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = Audience, ["actions"] = new JsonArray("invoices.read") }),
    };

    private string Sign(JsonObject payload, string? typ = null)
        => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = typ ?? Edition.Ietf202608.StatusJoseType });

    private static WireResponse Ok(string jws)
        => new WireResponse(HttpStatusCode.OK, StatusAnswer.MediaType, "no-store", jws) { Artifact = CapturedArtifact.Validate(ArtifactKind.MissionStatusIetf, jws) };

    private static StatusAnswer Answer(string jws) => new(Ok(jws), Nonce, Audience, Caller, "msn_1", Now);

    private MissionStatusEvidence Evidence(JsonObject payload, string? typ = null)
    {
        var refused = new WireResponse(HttpStatusCode.Unauthorized, "application/json", "no-store", $$"""{"error":"unauthorized","error_description":"none","nonce":"{{Nonce}}"}""");
        var unknown = new StatusAnswer(new WireResponse(HttpStatusCode.NotFound, "application/json", "no-store", """{"error":"not_found"}"""), Nonce, Audience, Caller, "msn_unknown", Now);
        return new MissionStatusEvidence(Issuer, null, Harness.Crypto.PublicJwks.Of(key, "k1").ToJsonString(), Answer(Sign(payload, typ)), refused, refused, Nonce, unknown, null, refused, null, null, [])
        {
            Edition = Edition.Ietf202608,
        };
    }
}
