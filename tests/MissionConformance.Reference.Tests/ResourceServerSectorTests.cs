using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// The reference in pairwise sector resource_server (oauth-profile.md §15): a token is for one Resource Server and names the
/// Mission by that server's ref; a request for several is refused before anything is counted; Mission Status resolves a ref
/// for the server it was made for only; ID-JAGs, for audiences outside the sector, carry the canonical id.
/// </summary>
public sealed class ResourceServerSectorTests : IAsyncLifetime
{
    private RunningReference _reference = null!;

    public async ValueTask InitializeAsync()
        => _reference = await RunningReference.StartAsync(new ReferenceStackOptions { PairwiseSector = ReferenceSettings.ResourceServerSector });

    public async ValueTask DisposeAsync() => await _reference.DisposeAsync();

    [Fact]
    public async Task ATokenIsForOneResourceServer_NamedByItsRef_WhichMissionStatusResolvesForThatServerOnly()
    {
        var r = _reference;
        Assert.Equal("resource_server", r.Client.Metadata.Document.GetProperty("mission_pairwise_sector").GetString());
        var (pkce, consent) = await r.PushAndApproveAsync();
        var all = await r.RedeemAsync(consent.Code!, pkce.Verifier);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_target"), (all.Status, all.Member("error")));

        var (pkce2, consent2) = await r.PushAndApproveAsync();
        var finance = await r.RedeemAsync(consent2.Code!, pkce2.Verifier, extra: [new("resource", ResourceCatalogue.FinanceResource)]);
        Assert.True(finance.Status == HttpStatusCode.OK, $"{(int)finance.Status} {finance.Body}\n{r.Log}");
        var docs = await r.RefreshAsync(finance.Member("refresh_token")!, null, ("resource", ResourceCatalogue.DocsResource));
        var financeRef = Mission(finance).GetProperty("ref").GetString()!;
        var docsRef = Mission(docs).GetProperty("ref").GetString()!;

        Assert.False(Mission(finance).TryGetProperty("id", out _));
        Assert.NotEqual(financeRef, docsRef);
        Assert.Equal(HttpStatusCode.OK, (await r.MissionStatusAsync(financeRef, ResourceCatalogue.FinanceResource, RunningReference.StatusClient("rs-finance"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await r.MissionStatusAsync(financeRef, ResourceCatalogue.DocsResource, RunningReference.StatusClient("rs-docs"))).Status);
        using var key = new DpopKey();
        // The refreshed grant covers the documents server only, so the ID-JAG is for the documents provider's Resource AS.
        var issued = await r.IdJagAsync(docs.Member("refresh_token")!, key, audience: ResourceCatalogue.DocsAuthorizationServer);
        Assert.True(issued.Status == HttpStatusCode.OK, $"{(int)issued.Status} {issued.Body}");
        var grant = DecodedJwt.Decode(issued.Member("access_token")!);
        Assert.StartsWith("msn_", grant.Payload.GetProperty("mission").GetProperty("id").GetString());
    }

    private static System.Text.Json.JsonElement Mission(WireResponse token) => DecodedJwt.Decode(token.Member("access_token")!).Payload.GetProperty("mission");
}
