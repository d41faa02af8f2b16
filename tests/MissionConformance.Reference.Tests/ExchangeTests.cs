using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>RFC 8693 Token Exchange of Mission-bound tokens: oauth-profile.md §9, conformance.md §5 L2 items 1–2.</summary>
public sealed class ExchangeTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Exchange_ForOneResource_KeepsTheMissionAndCarriesOnlyThatResourcesEntries()
    {
        var issued = await Reference.ObtainAsync();

        var exchanged = await Reference.ExchangeAsync(issued.AccessToken, null, ("resource", ResourceCatalogue.DocsResource));

        Assert.True(exchanged.Status == HttpStatusCode.OK, $"{(int)exchanged.Status} {exchanged.Body}\n{Reference.Log}");
        Assert.Equal(TokenTypes.AccessToken, exchanged.Member("issued_token_type"));
        Assert.Equal("Bearer", exchanged.Member("token_type"));
        var claims = DecodedJwt.Decode(exchanged.Member("access_token")!).Payload;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(issued.Mission.GetRawText()), JsonNode.Parse(claims.GetProperty("mission").GetRawText())));
        Assert.Equal(ResourceCatalogue.DocsResource, claims.GetProperty("aud").GetString());
        var entries = claims.GetProperty("authorization_details").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal(ResourceCatalogue.DocsResource, e.GetProperty("resource").GetString()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(claims.GetProperty("authorization_details").GetRawText()),
            JsonNode.Parse(exchanged.Json.GetProperty("authorization_details").GetRawText())));
        Assert.Equal(issued.Claims.Payload.GetProperty("sub").GetString(), claims.GetProperty("sub").GetString());
        Assert.Equal("agent-confidential", claims.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Exchange_ForAResourceTheSubjectTokenLacks_IsInvalidTarget()
    {
        var narrowed = await Reference.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);

        var widened = await Reference.ExchangeAsync(narrowed.AccessToken, null, ("resource", ResourceCatalogue.DocsResource));

        Assert.Equal(HttpStatusCode.BadRequest, widened.Status);
        Assert.Equal("invalid_target", widened.Member("error"));
    }

    [Theory]
    [InlineData("suspend", "suspended")]
    [InlineData("revoke", "revoked")]
    public async Task Exchange_OfAnInactiveMission_IsInvalidGrantWithItsState(string operation, string state)
    {
        var issued = await Reference.ObtainAsync();
        Assert.Equal(HttpStatusCode.OK, (await Reference.LifecycleAsync(issued.MissionId, operation)).Status);

        var refused = await Reference.ExchangeAsync(issued.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Equal(state, refused.Member("mission_state"));
        Assert.Equal("no-store", refused.Header("Cache-Control"));
    }

    [Fact]
    public async Task Exchange_OfGarbage_IsRefusedAndMintsNothing()
    {
        var refused = await Reference.ExchangeAsync("not-a-token");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Null(refused.Member("access_token"));
    }

    [Fact]
    public async Task Exchange_OfARefreshToken_ForAnAccessToken_IsRefused_ARefreshTokenOnlyBecomesAnIdJag()
    {
        var issued = await Reference.ObtainAsync();

        var refused = await Reference.Client.ExchangeAsync(RunningReference.Confidential, issued.RefreshToken!, [new("resource", ResourceCatalogue.DocsResource)],
            RunningReference.Ct, TokenTypes.RefreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request", refused.Member("error"));
        Assert.Null(refused.Member("access_token"));
    }

    [Fact]
    public void Metadata_AdvertisesTheExchangeGrant()
    {
        var grants = Reference.Client.Metadata.Document.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString());

        Assert.Contains(TokenTypes.ExchangeGrant, grants);
    }
}
