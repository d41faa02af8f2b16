using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>ID-JAG issuance for the workflow provider's Resource AS: oauth-profile.md §14, conformance.md §5 L2 item 3.</summary>
public sealed class IdJagTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task IdJag_FromTheRefreshToken_IsBoundShortLivedAndCarriesOnlyThatDomainsEntries()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var response = await Reference.IdJagAsync(issued.RefreshToken!, key);

        Assert.True(response.Status == HttpStatusCode.OK, $"{(int)response.Status} {response.Body}\n{Reference.Log}");
        Assert.Equal(TokenTypes.IdJag, response.Member("issued_token_type"));
        Assert.Equal("N_A", response.Member("token_type"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        var grant = DecodedJwt.Decode(response.Member("access_token")!);
        Assert.Equal("oauth-id-jag+jwt", grant.Header.GetProperty("typ").GetString());
        Assert.True(await DecodedJwt.VerifySignatureAsync(response.Member("access_token")!, await Reference.Client.GetJwksAsync(RunningReference.Ct)));
        var claims = grant.Payload;
        Assert.Equal(ResourceCatalogue.WorkflowAuthorizationServer, claims.GetProperty("aud").GetString());
        Assert.Equal(Reference.Client.Metadata.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal(120, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.Equal(key.Thumbprint, claims.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.StartsWith("jag_", claims.GetProperty("jti").GetString());
        // The Resource AS is a pairwise sector (oauth-profile.md §15): the same Mission, named by that sector's ref.
        var mission = claims.GetProperty("mission");
        Assert.False(mission.TryGetProperty("id", out _));
        Assert.StartsWith("ref_", mission.GetProperty("ref").GetString());
        Assert.Equal(issued.Mission.GetProperty("origin").GetString(), mission.GetProperty("origin").GetString());
        Assert.Equal(issued.Mission.GetProperty("authority_hash").GetString(), mission.GetProperty("authority_hash").GetString());
        Assert.DoesNotContain(issued.MissionId, claims.GetRawText(), StringComparison.Ordinal);
        var entries = claims.GetProperty("authorization_details").EnumerateArray().ToList();
        Assert.Single(entries);
        Assert.Equal(ResourceCatalogue.WorkflowResource, entries[0].GetProperty("resource").GetString());
    }

    [Fact]
    public async Task IdJag_EachIssuance_HasItsOwnJti()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var first = DecodedJwt.Decode((await Reference.IdJagAsync(issued.RefreshToken!, key)).Member("access_token")!).Payload;
        var second = DecodedJwt.Decode((await Reference.IdJagAsync(issued.RefreshToken!, key)).Member("access_token")!).Payload;

        Assert.NotEqual(first.GetProperty("jti").GetString(), second.GetProperty("jti").GetString());
    }

    [Fact]
    public async Task PairwiseRef_IsStableWithinASector_AndDiffersAcrossSectors()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var workflow = await Reference.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer);
        var again = await Reference.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer);
        var docs = await Reference.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.DocsAuthorizationServer);

        Assert.Equal(workflow, again);
        Assert.NotEqual(workflow, docs);
        Assert.True(workflow.Length >= "ref_".Length + 22, "at least 128 bits");
    }

    [Fact]
    public async Task MissionStatus_ResolvesAPairwiseRef_OnlyForAnAudienceOfItsSector()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();
        var reference = await Reference.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer);
        var resourceAs = RunningReference.StatusClient("ras-workflow");

        var resolved = await Reference.MissionStatusAsync(reference, ResourceCatalogue.WorkflowAuthorizationServer, resourceAs);
        var byCanonicalId = await Reference.MissionStatusAsync(issued.MissionId, ResourceCatalogue.WorkflowAuthorizationServer, resourceAs);
        var byAnotherAudience = await Reference.MissionStatusAsync(reference, ResourceCatalogue.WorkflowResource, RunningReference.StatusClient("rs-workflow"));

        Assert.True(resolved.Status == HttpStatusCode.OK, resolved.Body);
        var payload = DecodedJwt.Decode(resolved.Body).Payload;
        Assert.Equal(reference, payload.GetProperty("mission").GetProperty("ref").GetString());
        Assert.False(payload.GetProperty("mission").TryGetProperty("id", out _));
        Assert.DoesNotContain(issued.MissionId, payload.GetRawText(), StringComparison.Ordinal);
        var projection = payload.GetProperty("authority_projection").EnumerateArray().ToList();
        Assert.Single(projection);
        Assert.Equal(ResourceCatalogue.WorkflowResource, projection[0].GetProperty("resource").GetString());
        // The canonical id means nothing to the sector, and the ref nothing outside it: the one not_found.
        Assert.Equal(HttpStatusCode.NotFound, byCanonicalId.Status);
        Assert.Equal(HttpStatusCode.NotFound, byAnotherAudience.Status);
    }

    [Fact]
    public async Task IdJag_FromAnotherClientsRefreshToken_IsInvalidGrant()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var refused = await Reference.IdJagAsync(issued.RefreshToken!, key, client: RunningReference.Other);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Null(refused.Member("access_token"));
    }

    [Fact]
    public async Task IdJag_FromAnAccessToken_IsInvalidRequest()
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var refused = await Reference.IdJagAsync(issued.AccessToken, key, TokenTypes.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request", refused.Member("error"));
        Assert.Null(refused.Member("access_token"));
    }

    [Theory]
    [InlineData("https://unrelated-resource-as.example/")]
    [InlineData(ResourceCatalogue.WorkflowResource)]
    public async Task IdJag_ForAnAudienceThePolicyDoesNotProjectTo_IsInvalidTarget(string audience)
    {
        var issued = await Reference.ObtainAsync();
        using var key = new DpopKey();

        var refused = await Reference.IdJagAsync(issued.RefreshToken!, key, audience: audience);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_target", refused.Member("error"));
    }

    [Fact]
    public async Task IdJag_OfAGrantWithNoEntryForThatDomain_IsInvalidTarget()
    {
        // The grant's resources are the authorization request's (RFC 8707 §2.2): a resource named only at redemption narrows that
        // access token, not the grant its refresh token carries on.
        var financeOnly = await Reference.ObtainAsync(parExtra: [("resource", ResourceCatalogue.FinanceResource)]);
        using var key = new DpopKey();

        var refused = await Reference.IdJagAsync(financeOnly.RefreshToken!, key);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_target", refused.Member("error"));
    }

    [Fact]
    public async Task IdJag_WithoutADpopProof_IsRefused_AnIdJagIsNeverABearerGrant()
    {
        var issued = await Reference.ObtainAsync();

        var refused = await Reference.Client.ExchangeAsync(RunningReference.Confidential, issued.RefreshToken!,
            [new("audience", ResourceCatalogue.WorkflowAuthorizationServer), new("requested_token_type", TokenTypes.IdJag)], RunningReference.Ct, TokenTypes.RefreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_dpop_proof", refused.Member("error"));
        Assert.Null(refused.Member("access_token"));
    }

    [Theory]
    [InlineData("suspend", "suspended")]
    [InlineData("revoke", "revoked")]
    public async Task IdJag_OfAnInactiveMission_IsInvalidGrantWithItsState(string operation, string state)
    {
        var issued = await Reference.ObtainAsync();
        Assert.Equal(HttpStatusCode.OK, (await Reference.LifecycleAsync(issued.MissionId, operation)).Status);
        using var key = new DpopKey();

        var refused = await Reference.IdJagAsync(issued.RefreshToken!, key);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Equal(state, refused.Member("mission_state"));
    }

    [Fact]
    public async Task IdJag_CountsAgainstTheDerivationBudget()
    {
        var intent = RunningReference.BoardPacketIntent();
        intent["context"] = new JsonObject { ["max_derivations"] = "2" };
        var issued = await Reference.ObtainAsync(intent);  // the code redemption is the first derivation
        using var key = new DpopKey();

        var second = await Reference.IdJagAsync(issued.RefreshToken!, key);
        var third = await Reference.IdJagAsync(issued.RefreshToken!, key);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.BadRequest, third.Status);
        Assert.Equal("invalid_grant", third.Member("error"));
    }

    [Fact]
    public async Task IdJag_OfAGrantWhoseFirstTokenWasNarrowed_StillCoversTheGrantsOtherDomains()
    {
        // RFC 8707 §2.2: naming finance at redemption narrows that access token only; the refresh token keeps the whole grant.
        var narrowedToken = await Reference.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
        using var key = new DpopKey();

        var issued = await Reference.IdJagAsync(narrowedToken.RefreshToken!, key);

        Assert.True(issued.Status == HttpStatusCode.OK, issued.Body);
    }
}
