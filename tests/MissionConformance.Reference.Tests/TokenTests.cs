using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>Tokens, the mission claim, anchors and narrowing: oauth-profile.md §4, §7, §8; MBO-AS-TOK-*, SUB-*, REC-*.</summary>
public sealed partial class TokenTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Token_CodeRedemption_IssuesRfc9068JwtWithMissionClaim()
    {
        var issued = await Reference.ObtainAsync();
        var header = issued.Claims.Header;
        var claims = issued.Claims.Payload;

        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.True(await DecodedJwt.VerifySignatureAsync(issued.AccessToken, await Reference.Client.GetJwksAsync(RunningReference.Ct)));
        Assert.Equal(Reference.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("user-alice", claims.GetProperty("sub").GetString());
        Assert.Equal("agent-confidential", claims.GetProperty("client_id").GetString());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        Assert.False(claims.TryGetProperty("scope", out _));

        var mission = claims.GetProperty("mission");
        Assert.Matches(MissionId(), mission.GetProperty("id").GetString());
        Assert.True(mission.GetProperty("id").GetString()!.Length >= 22);  // ≥128 bits (MBO-AS-REC-001)
        Assert.False(mission.TryGetProperty("ref", out _));
        Assert.Equal(Reference.Issuer, mission.GetProperty("origin").GetString());
        Assert.Equal(AnchorFormat.Sha256, IntegrityAnchors.Classify(mission.GetProperty("authority_hash").GetString()));
        Assert.Equal("Bearer", issued.TokenResponse.Member("token_type"));
    }

    [Fact]
    public async Task Token_ResponseDetails_EqualTokenDetailsAndAudiences()
    {
        var issued = await Reference.ObtainAsync();
        var fromResponse = JsonNode.Parse(issued.TokenResponse.Json.GetProperty("authorization_details").GetRawText());
        var fromToken = JsonNode.Parse(issued.Claims.Payload.GetProperty("authorization_details").GetRawText());

        Assert.True(JsonNode.DeepEquals(fromResponse, fromToken));
        var resources = fromToken!.AsArray().Select(e => (string)e!["resource"]!).ToHashSet();
        Assert.Equal(resources, Audiences(issued.Claims.Payload).ToHashSet());
        Assert.All(fromToken.AsArray(), e => Assert.All(e!["actions"]!.AsArray(), a => Assert.Matches("^[A-Za-z0-9_.:-]{1,64}$", (string)a!)));
    }

    [Fact]
    public async Task Token_Exp_NeverExceedsMissionExpiry()
    {
        var expiry = DateTimeOffset.UtcNow.AddSeconds(90);
        var issued = await Reference.ObtainAsync(RunningReference.BoardPacketIntent(lifetime: TimeSpan.FromSeconds(90)));

        Assert.True(issued.Claims.Payload.GetProperty("exp").GetInt64() <= expiry.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Anchors_RecomputedIndependentlyFromRecord_MatchTokenAndRecord()
    {
        var intent = RunningReference.BoardPacketIntent(lifetime: TimeSpan.FromDays(60));  // narrowed: expiry capped
        var issued = await Reference.ObtainAsync(intent);
        var record = (await Reference.RecordAsync(issued.MissionId))!;
        var tenant = (string)record["tenant"]!;
        var origin = (string)record["mission"]!["origin"]!;
        var profile = record["anchor_profile"]!;

        var authorityHash = IntegrityAnchors.Framework("mission-authority-set", (string)profile["mission-authority-set"]!, tenant, origin, record["authority_set"]!);
        var proposalHash = IntegrityAnchors.Framework("mission-intent", (string)profile["mission-intent"]!, tenant, origin, record["mission_intent"]!);

        Assert.Equal(authorityHash, issued.Mission.GetProperty("authority_hash").GetString());
        Assert.Equal(authorityHash, (string?)record["integrity"]!["authority_hash"]);
        Assert.Equal(proposalHash, (string?)record["integrity"]!["proposal_hash"]);
        // MBO-AS-REC-009: the hash covers the validated Intent, not what the client submitted.
        var overSubmitted = IntegrityAnchors.Framework("mission-intent", (string)profile["mission-intent"]!, tenant, origin, intent);
        Assert.NotEqual(overSubmitted, proposalHash);
        Assert.Equal(AnchorFormat.Sha256, IntegrityAnchors.Classify((string?)record["integrity"]!["consent_rendering_hash"]));
    }

    [Fact]
    public async Task Anchors_ConsentRenderingHash_DiffersBetweenDifferentDisclosures()
    {
        var first = await Reference.ObtainAsync();
        var other = RunningReference.BoardPacketIntent();
        other["goal"] = "A different goal, shown differently";
        var second = await Reference.ObtainAsync(other);

        var a = (await Reference.RecordAsync(first.MissionId))!["integrity"]!["consent_rendering_hash"];
        var b = (await Reference.RecordAsync(second.MissionId))!["integrity"]!["consent_rendering_hash"];
        Assert.NotEqual((string?)a, (string?)b);
    }

    [Fact]
    public async Task Token_ResourceNarrowing_GivesSingleAudienceSubsetWithConstraintsKept()
    {
        var issued = await Reference.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
        var record = (await Reference.RecordAsync(issued.MissionId))!;
        var missionEntry = record["authority_set"]!.AsArray().Single(e => (string?)e!["resource"] == ResourceCatalogue.FinanceResource);

        var entry = Assert.Single(issued.Claims.Payload.GetProperty("authorization_details").EnumerateArray());
        Assert.Equal([ResourceCatalogue.FinanceResource], Audiences(issued.Claims.Payload));
        Assert.True(JsonNode.DeepEquals(missionEntry!["constraints"], JsonNode.Parse(entry.GetProperty("constraints").GetRawText())));
        Assert.Equal(issued.Mission.GetProperty("authority_hash").GetString(), (string?)record["integrity"]!["authority_hash"]);
    }

    [Fact]
    public async Task Token_ResourceOutsideAuthoritySet_IsRefusedWithInvalidTarget()
    {
        var (pkce, consent) = await Reference.PushAndApproveAsync();

        var token = await Reference.RedeemAsync(consent.Code!, pkce.Verifier, extra: [new("resource", "https://unrelated.example/api")]);

        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        Assert.Equal("invalid_target", token.Member("error"));
    }

    [Fact]
    public async Task Token_AuthorizationDetailsSubset_NarrowsAndOutsideSetIsRefused()
    {
        var issued = await Reference.ObtainAsync();
        var tighter = new JsonArray(new JsonObject
        {
            ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.FinanceResource, ["actions"] = new JsonArray("query_financials"),
            ["constraints"] = new JsonObject { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 100 },
        });
        var narrowed = await Reference.RefreshAsync(issued.RefreshToken!, null, ("authorization_details", tighter.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, narrowed.Status);
        Assert.Equal(100, narrowed.Json.GetProperty("authorization_details")[0].GetProperty("constraints").GetProperty("max_rows").GetInt32());

        var wider = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.FinanceResource, ["actions"] = new JsonArray("delete_ledger") });
        var refused = await Reference.RefreshAsync(narrowed.Member("refresh_token")!, null, ("authorization_details", wider.ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_authorization_details", refused.Member("error"));

        var droppedConstraint = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.FinanceResource, ["actions"] = new JsonArray("query_financials") });
        var refusedToo = await Reference.RefreshAsync(narrowed.Member("refresh_token")!, null, ("authorization_details", droppedConstraint.ToJsonString()));
        Assert.Equal("invalid_authorization_details", refusedToo.Member("error"));
    }

    [Fact]
    public async Task Token_WrongCodeVerifier_IsRefusedWithInvalidGrant()
    {
        var (_, consent) = await Reference.PushAndApproveAsync(client: RunningReference.Public);

        var token = await Reference.RedeemAsync(consent.Code!, Pkce.Create().Verifier, RunningReference.Public);

        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        Assert.Equal("invalid_grant", token.Member("error"));
    }

    [Fact]
    public async Task Token_ClientSuppliedMissionId_IsIgnored()
    {
        var victim = await Reference.ObtainAsync();
        var (pkce, consent) = await Reference.PushAndApproveAsync();

        var token = await Reference.RedeemAsync(consent.Code!, pkce.Verifier, extra: [new("mission_id", victim.MissionId)]);

        var missionId = DecodedJwt.Decode(token.Member("access_token")!).Payload.GetProperty("mission").GetProperty("id").GetString();
        Assert.NotEqual(victim.MissionId, missionId);
    }

    [Fact]
    public async Task Metadata_AdvertisesParMissionSupportAndOnlyWhatIsImplemented()
    {
        var metadata = Reference.Client.Metadata.Document;

        Assert.True(metadata.GetProperty("require_pushed_authorization_requests").GetBoolean());
        Assert.True(metadata.GetProperty("mission_bound_authorization_supported").GetBoolean());
        Assert.Contains("mission_resource_access", metadata.GetProperty("authorization_details_types_supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([0, 1, 2, 3], metadata.GetProperty("mission_ladder_levels_supported").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(["AD-1", "AD-2", "AD-3"], metadata.GetProperty("mission_authorization_domain_tiers_supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(16384, metadata.GetProperty("mission_intent_max_size").GetInt32());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(Reference.Issuer + "missions/status", metadata.GetProperty("mission_status_endpoint").GetString());
        Assert.Equal(Reference.Issuer + "introspect", metadata.GetProperty("introspection_endpoint").GetString());
        // Token Exchange (RFC 8693) is served, so it is advertised (ExchangeTests); so are pairwise references, for the
        // Resource ASes of other domains (IdJagTests).
        Assert.True(metadata.GetProperty("mission_pairwise_supported").GetBoolean());
        Assert.Equal("resource_as", metadata.GetProperty("mission_pairwise_sector").GetString());
    }

    private static List<string> Audiences(JsonElement claims)
    {
        var aud = claims.GetProperty("aud");
        return aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString()!).ToList() : [aud.GetString()!];
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex MissionId();
}
