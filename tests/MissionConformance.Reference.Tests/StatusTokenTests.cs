using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// dpop_bearer at Mission Status (mission-status.md "Authentication"): a Mission-Status-scoped DPoP token, by the
/// reference's client_credentials convention (Endpoints/StatusTokenEndpoint.cs), for status clients only.
/// </summary>
public sealed class StatusTokenTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    private static readonly ClientCredentials Docs = RunningReference.StatusClient("rs-docs");

    private Uri StatusEndpoint => Reference.Client.Metadata.MissionStatusEndpoint!;

    [Fact]
    public async Task AStatusClient_GetsADpopBoundTokenForTheStatusEndpoint_ThatAnswersWithItsProof_AndNothingWithout()
    {
        var missionId = (await Reference.ObtainAsync()).MissionId;
        using var key = new DpopKey();
        using var other = new DpopKey();

        var issued = await Reference.Client.StatusTokenAsync(Docs, StatusEndpoint, key, RunningReference.Ct);

        Assert.True(issued.Status == HttpStatusCode.OK, $"{(int)issued.Status} {issued.Body}");
        Assert.Equal("DPoP", issued.Member("token_type"));
        Assert.Equal("no-store", issued.Header("Cache-Control"));
        var token = issued.Member("access_token")!;
        var claims = DecodedJwt.Decode(token).Payload;
        Assert.Equal(StatusEndpoint.AbsoluteUri, claims.GetProperty("aud").GetString());
        Assert.Equal("rs-docs", claims.GetProperty("client_id").GetString());
        Assert.Equal(key.Thumbprint, claims.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.True(await DecodedJwt.VerifySignatureAsync(token, await Reference.Client.GetJwksAsync(RunningReference.Ct)));

        var answered = await FaultProbes.DpopStatusAsync(Reference, missionId, token, key.Proof("POST", StatusEndpoint.AbsoluteUri, token));
        var bare = await FaultProbes.DpopStatusAsync(Reference, missionId, token, proof: null);
        var otherKey = await FaultProbes.DpopStatusAsync(Reference, missionId, token, other.Proof("POST", StatusEndpoint.AbsoluteUri, token));

        Assert.True(answered.Status == HttpStatusCode.OK, $"{(int)answered.Status} {answered.Body}");
        Assert.Equal("application/mission-status-response+jwt", answered.ContentType);
        Assert.Equal("rs-docs", DecodedJwt.Decode(answered.Body).Payload.GetProperty("sub").GetString());
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (bare.Status, bare.Member("error")));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (otherKey.Status, otherKey.Member("error")));
    }

    [Fact]
    public async Task TheGrant_IsRefused_ToAnAgent_AndForAnotherResource()
    {
        using var key = new DpopKey();
        var agent = RunningReference.StatusClient("agent-confidential");
        var wrongResource = await Reference.Client.StatusTokenAsync(Docs, new Uri(ResourceCatalogue.DocsResource), key, RunningReference.Ct);
        var byAgent = await Reference.Client.StatusTokenAsync(agent, StatusEndpoint, key, RunningReference.Ct);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_target"), (wrongResource.Status, wrongResource.Member("error")));
        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (byAgent.Status, byAgent.Member("error")));
        Assert.DoesNotContain("access_token", wrongResource.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataAndTheMissionAuthorityDocument_AdvertiseEachMethod_AndTheGrant()
    {
        var metadata = Reference.Client.Metadata.Document.GetProperty("mission_status_auth_methods_supported").EnumerateArray().Select(m => m.GetString());
        var document = await Reference.Client.GetDocumentAsync(new Uri(Reference.Client.Metadata.Issuer.TrimEnd('/') + "/.well-known/mission-authority"), RunningReference.Ct);

        Assert.Equal(["private_key_jwt", "dpop_bearer", "mtls"], metadata);
        Assert.Contains("client_credentials", Reference.Client.Metadata.Document.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["private_key_jwt", "dpop_bearer", "mtls"], document.Json.GetProperty("mission_status_auth_methods_supported").EnumerateArray().Select(m => m.GetString()));
    }
}
