using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// Delegation by Token Exchange (oauth-profile.md §10, MBO-AS-DEL-*): finance entries carry no
/// delegation; docs go to any AI-agent delegate, workflow only to agent-delegate, both one hop.
/// </summary>
public sealed class DelegationTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Delegation_KeepsSubClientAndMission_NamesTheDelegate_BindsItsKey_AndDropsNonDelegableEntries()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var delegated = await Reference.DelegateAsync(issued.AccessToken, key);

        Assert.True(delegated.Status == HttpStatusCode.OK, $"{(int)delegated.Status} {delegated.Body}\n{Reference.Log}");
        var claims = DecodedJwt.Decode(delegated.Member("access_token")!).Payload;
        Assert.Equal("user-alice", claims.GetProperty("sub").GetString());
        Assert.Equal("agent-confidential", claims.GetProperty("client_id").GetString());
        Assert.Equal(issued.Mission.GetProperty("id").GetString(), claims.GetProperty("mission").GetProperty("id").GetString());
        var act = claims.GetProperty("act");
        Assert.Equal(TestPrincipals.DelegateClient, act.GetProperty("sub").GetString());
        Assert.Equal(TestPrincipals.AgentProfile, act.GetProperty("sub_profile").GetString());
        Assert.Equal(Reference.Issuer, act.GetProperty("iss").GetString());
        Assert.False(act.TryGetProperty("act", out _));
        Assert.Equal(key.Thumbprint, claims.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal([ResourceCatalogue.DocsResource, ResourceCatalogue.WorkflowResource],
            claims.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).Order());
    }

    [Fact]
    public async Task Delegation_WithoutADpopProof_IsRefused()
    {
        var issued = await Reference.ObtainAsync();

        var refused = await Reference.DelegateAsync(issued.AccessToken, key: null);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_dpop_proof", refused.Member("error"));
    }

    [Fact]
    public async Task Delegation_BeyondMaxDepth_LeavesNothing_AndIsInvalidGrant()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();
        var once = await Reference.DelegateAsync(issued.AccessToken, key);
        Assert.Equal(HttpStatusCode.OK, once.Status);

        // The same delegate, with the key its token is bound to: only depth 2 > max_depth 1 stands in the way.
        var twice = await Reference.DelegateAsync(once.Member("access_token")!, key);

        Assert.True(twice.Status == HttpStatusCode.BadRequest, $"{twice.Body}\n{Reference.Log}");
        Assert.Equal("invalid_grant", twice.Member("error"));
    }

    [Fact]
    public async Task Delegation_ToAClientClaimingAProfileItDoesNotHave_GetsNothing()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();
        var claimsToBeAnAgent = DecodedJwtTestTokens.Unsigned(new { sub = "agent-other", sub_profile = TestPrincipals.AgentProfile });

        var refused = await Reference.DelegateAsync(issued.AccessToken, key, RunningReference.Other,
            ("actor_token", claimsToBeAnAgent), ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Member("error"));
    }

    [Fact]
    public async Task Delegation_OfASuspendedMission_IsInvalidGrantWithItsState()
    {
        var issued = await Reference.ObtainAsync();
        Assert.Equal(HttpStatusCode.OK, (await Reference.LifecycleAsync(issued.MissionId, "suspend")).Status);
        using var key = new DpopKey();

        var refused = await Reference.DelegateAsync(issued.AccessToken, key);

        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Equal("suspended", refused.Member("mission_state"));
    }
}

/// <summary>Tokens a client writes about itself: unsigned (alg none), so nothing vouches for them.</summary>
internal static class DecodedJwtTestTokens
{
    public static string Unsigned(object payload)
        => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "."
            + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + ".";
}
