using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-CL-002, a harness self-check: the harness, as a Mission Status consumer, verifies what
/// mission-status.md says every consumer must (signature against the origin's jwks_uri, iss, aud = self,
/// sub = own client id, the nonce it sent, iat not in the future, exp not past, 30 s skew). Each forged
/// answer below breaks one of them and must be rejected by MBO-MS-003 or MBO-MS-004's check; the genuine
/// answer must pass both. The wire-level half is FaultSelfTests: StatusSignedByUnknownKey, StatusWrongAudience, StatusIgnoresNonce.
/// </summary>
public sealed class StatusConsumerTests : IDisposable
{
    private const string Origin = "https://as.example/";
    private const string Audience = "https://finance.example/mcp";
    private const string Caller = "rs-finance";
    private const string Nonce = "n0nce-8d1f2a9c77e4b6aa";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_100);

    private readonly ECDsa origin = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa stray = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static TheoryData<string, string, string> Forgeries => new()
    {
        { "iss", "\"https://attacker.example/\"", "iss is https://attacker.example/, expected https://as.example/" },
        { "aud", "\"https://other.example/mcp\"", "aud is https://other.example/mcp, expected https://finance.example/mcp" },
        { "sub", "\"rs-other\"", "sub is rs-other, expected rs-finance" },
        { "nonce", "\"n0nce-replayed-0000000000\"", "nonce is n0nce-replayed-0000000000, expected n0nce-8d1f2a9c77e4b6aa" },
        { "iat", "1780000200", "iat is 100 s in the future" },
        { "exp", "1780000040", "exp passed 60 s before the answer arrived" },
        { "nonce", "null", "nonce is (absent), expected n0nce-8d1f2a9c77e4b6aa" },
    };

    [Fact]
    public void TheGenuineAnswer_PassesSignatureAndBinding()
    {
        var evidence = Evidence(Sign(Payload(), origin));

        Assert.True(new StatusJwsVerifies().Judge(evidence).Holds, new StatusJwsVerifies().Judge(evidence).Message);
        Assert.True(new StatusBindsRequest().Judge(evidence).Holds, new StatusBindsRequest().Judge(evidence).Message);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void AnAnswerBreakingOneBinding_IsRejected_NamingIt(string member, string forged, string named)
    {
        var payload = Payload();
        payload[member] = JsonNode.Parse(forged);
        var judgement = new StatusBindsRequest().Judge(Evidence(Sign(payload, origin)));

        Assert.False(judgement.Holds);
        Assert.Equal("the private_key_jwt answer's " + named, judgement.Message);
    }

    [Fact]
    public void ADpopBearerAnswerCarryingAnotherRequestsNonce_IsRejected_ThoughThePrivateKeyJwtAnswerIsGenuine()
    {
        // Issue 19: only the private_key_jwt answer was bound, so a replayed dpop_bearer (or mtls) answer passed.
        var replayed = Payload();
        replayed["nonce"] = "n0nce-of-another-request-00";
        var evidence = Evidence(Sign(Payload(), origin)) with
        {
            DpopBearer = new DpopBearerAttempt(null, Answer(Sign(replayed, origin), "n0nce-dpop-000000000000"), null, null, null),
        };

        var judgement = new StatusBindsRequest().Judge(evidence);

        Assert.False(judgement.Holds);
        Assert.Equal("the dpop_bearer answer's nonce is n0nce-of-another-request-00, expected n0nce-dpop-000000000000", judgement.Message);
    }

    [Fact]
    public void AnExpiryWithinTheSkew_IsAccepted_ButNotBeyondIt()
    {
        var within = Payload();
        within["exp"] = Now.ToUnixTimeSeconds() - 30;
        var beyond = Payload();
        beyond["exp"] = Now.ToUnixTimeSeconds() - 31;

        Assert.True(new StatusBindsRequest().Judge(Evidence(Sign(within, origin))).Holds);
        Assert.False(new StatusBindsRequest().Judge(Evidence(Sign(beyond, origin))).Holds);
    }

    [Fact]
    public void AnAnswerSignedByAKeyTheOriginDoesNotPublish_IsRejected()
    {
        var judgement = new StatusJwsVerifies().Judge(Evidence(Sign(Payload(), stray)));

        Assert.False(judgement.Holds);
        Assert.Contains("does not verify with any key of the state authority's jwks_uri", judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerWithATamperedPayload_IsRejected()
    {
        var genuine = Sign(Payload(), origin).Split('.');
        var widened = Payload();
        widened["state"] = "active";
        widened["authority_projection"] = new JsonArray(new JsonObject { ["resource"] = "https://other.example/mcp" });
        var tampered = $"{genuine[0]}.{Base64UrlEncoder.Encode(widened.ToJsonString())}.{genuine[2]}";

        Assert.False(new StatusJwsVerifies().Judge(Evidence(tampered)).Holds);
    }

    public void Dispose()
    {
        origin.Dispose();
        stray.Dispose();
    }

    private static JsonObject Payload() => new()
    {
        ["iss"] = Origin, ["aud"] = Audience, ["sub"] = Caller, ["nonce"] = Nonce,
        ["iat"] = Now.ToUnixTimeSeconds(), ["exp"] = Now.ToUnixTimeSeconds() + 60,
        ["mission"] = new JsonObject { ["id"] = "msn_1", ["origin"] = Origin }, ["state"] = "active",
    };

    private static string Sign(JsonObject payload, ECDsa key)
    {
        foreach (var absent in payload.Where(p => p.Value is null).Select(p => p.Key).ToList()) payload.Remove(absent);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = StatusAnswer.MediaType });
    }

    private static StatusAnswer Answer(string jws, string nonce = Nonce)
        => new(new WireResponse(HttpStatusCode.OK, StatusAnswer.MediaType, "no-store", jws), nonce, Audience, Caller, "msn_1", Now);

    private MissionStatusEvidence Evidence(string jws)
    {
        var answer = Answer(jws);
        var refused = new WireResponse(HttpStatusCode.Unauthorized, "application/json", "no-store", """{"error":"unauthorized"}""");
        var unknown = new StatusAnswer(new WireResponse(HttpStatusCode.NotFound, "application/json", "no-store", """{"error":"not_found"}"""), Nonce, Audience, Caller, "msn_unknown", Now);
        return new MissionStatusEvidence(Origin, null, Harness.Crypto.PublicJwks.Of(origin, "k1").ToJsonString(), answer, refused, refused, Nonce, unknown, null, refused, null, null, []);
    }
}
