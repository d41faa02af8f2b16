using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// The Resource AS the harness plays for an AS's ID-JAGs (MBO-AS-XD-002) redeems a grant only as oauth-profile.md §14 has a
/// Resource AS validate it, and says why it refuses one: each case breaks one rule of a grant that is otherwise redeemable.
/// </summary>
public sealed class SimulatedResourceAsTests : IDisposable
{
    private const string Origin = "https://origin.example/";
    private static readonly Uri Plays = new("https://as.workflow.example/");
    private const string Workflow = "https://workflow.example/mcp";
    private const string Docs = "https://docs.example/mcp";

    private readonly ECDsa _originKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DpopKey _holder = new();
    private readonly SimulatedResourceAs _resourceAs;
    private readonly HttpClient _http = new();

    public SimulatedResourceAsTests()
    {
        _resourceAs = SimulatedResourceAs.Start(Plays, [Workflow], Origin, PublicJwks.Of(_originKey, "origin").ToJsonString(), TimeProvider.System);
    }

    [Fact]
    public async Task Redeem_ValidGrant_IssuesALocalTokenKeepingTheMission()
    {
        var grant = Grant();
        var answer = await RedeemAsync(Sign(grant));

        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body);
        Assert.Equal("Resource AS simulated for " + Plays.AbsoluteUri, answer.Header(SimulatedResourceAs.PeerHeader));
        var local = DecodedJwt.Decode(answer.Member("access_token")!);
        Assert.Equal("at+jwt", local.Header.GetProperty("typ").GetString());
        Assert.Equal(Plays.AbsoluteUri, local.Payload.GetProperty("iss").GetString());
        Assert.Equal(grant["mission"]!.ToJsonString(), JsonNode.Parse(local.Payload.GetProperty("mission").GetRawText())!.ToJsonString());
        Assert.Equal(_holder.Thumbprint, local.Payload.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.True(local.Payload.GetProperty("exp").GetInt64() <= (long)grant["exp"]!);
        // Only this domain's entry: the grant's entry for the docs server is not this Resource AS's to grant.
        Assert.Equal([Workflow], local.Payload.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()));
    }

    [Fact]
    public async Task Redeem_SameGrantTwice_RefusesTheReplay()
    {
        var grant = Sign(Grant());
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(grant)).Status);

        await AssertRefusedAsync(grant, "was redeemed here before: a replay");
    }

    public static TheoryData<string, string> BrokenGrants => new()
    {
        { "iss", "not https://origin.example/, the one origin this Resource AS trusts" },
        { "aud", "not this Resource AS (https://as.workflow.example/) alone" },
        { "aud-two", "not this Resource AS (https://as.workflow.example/) alone" },
        { "lifetime", "the ID-JAG lives 3600 s (exp − iat); at most 300 s is allowed" },
        { "expired", "before it was presented" },
        { "jti", "has no jti" },
        { "cnf", "has no cnf: a bearer grant" },
        { "jkt", "not the key of the request's DPoP proof" },
    };

    [Theory]
    [MemberData(nameof(BrokenGrants))]
    public async Task Redeem_GrantBreakingOneRule_IsRefusedWithTheReason(string broken, string reason)
    {
        var grant = Grant();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var other = new DpopKey();
        switch (broken)
        {
            case "iss": grant["iss"] = "https://untrusted.example/"; break;
            case "aud": grant["aud"] = Workflow; break;
            case "aud-two": grant["aud"] = new JsonArray(Plays.AbsoluteUri, Origin); break;
            case "lifetime": grant["exp"] = now + 3600; break;
            case "expired": grant["iat"] = now - 200; grant["exp"] = now - 100; break;
            case "jti": grant.Remove("jti"); break;
            case "cnf": grant.Remove("cnf"); break;
            case "jkt": grant["cnf"] = new JsonObject { ["jkt"] = other.Thumbprint }; break;
        }

        await AssertRefusedAsync(Sign(grant), reason);
    }

    [Fact]
    public async Task Redeem_GrantSignedByAnotherKey_IsRefused()
    {
        using var stray = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await AssertRefusedAsync(Sign(Grant(), stray), "signature does not verify with the keys of https://origin.example/'s jwks_uri");
    }

    [Fact]
    public async Task Redeem_WithoutDpopProof_IsRefused()
        => await AssertRefusedAsync(Sign(Grant()), "the request carries no DPoP proof", proof: null);

    [Fact]
    public async Task Redeem_WithProofForAnotherUrl_IsRefused()
        => await AssertRefusedAsync(Sign(Grant()), "htm and htu must be POST", proof: _holder.Proof("POST", "https://elsewhere.example/token", null));

    [Fact]
    public async Task Redeem_AnotherGrantType_IsInvalidRequest()
    {
        var answer = await new MissionClient(_http, _resourceAs.Metadata).RefreshAsync(new ClientCredentials("agent"), "rt", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_request", answer.Member("error"));
    }

    private async Task AssertRefusedAsync(string grant, string reason, string? proof = "")
    {
        var answer = await RedeemAsync(grant, proof);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_grant", answer.Member("error"));
        Assert.Contains(reason, answer.Member("error_description"), StringComparison.Ordinal);
    }

    /// <summary>Presents <paramref name="grant"/> with a proof of the holder's key ("" for the default, null for none).</summary>
    private Task<WireResponse> RedeemAsync(string grant, string? proof = "")
        => new MissionClient(_http, _resourceAs.Metadata).JwtBearerAsync(new ClientCredentials("agent"), grant,
            proof == "" ? _holder.Proof("POST", _resourceAs.TokenEndpoint.AbsoluteUri, null) : proof, null, TestContext.Current.CancellationToken);

    /// <summary>A redeemable grant: the trusted origin's, for this Resource AS, 120 s, a fresh jti, bound to the holder's key, one entry per domain.</summary>
    private JsonObject Grant()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Origin, ["sub"] = "user-alice", ["aud"] = Plays.AbsoluteUri, ["client_id"] = "agent",
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)), ["iat"] = now, ["exp"] = now + 120,
            ["cnf"] = new JsonObject { ["jkt"] = _holder.Thumbprint },
            ["mission"] = new JsonObject { ["ref"] = "mref_abc", ["origin"] = Origin, ["authority_hash"] = "sha-256:abc" },
            ["authorization_details"] = new JsonArray(
                new JsonObject { ["type"] = "mission_resource_access", ["resource"] = Workflow, ["actions"] = new JsonArray("notify_reviewer") },
                new JsonObject { ["type"] = "mission_resource_access", ["resource"] = Docs, ["actions"] = new JsonArray("create_doc") }),
        };
    }

    private string Sign(JsonObject claims, ECDsa? key = null)
        => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(claims.ToJsonString(),
            new SigningCredentials(new ECDsaSecurityKey(key ?? _originKey) { KeyId = "origin" }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = "oauth-id-jag+jwt" });

    public void Dispose()
    {
        _resourceAs.Dispose();
        _http.Dispose();
        _holder.Dispose();
        _originKey.Dispose();
    }
}
