using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceAs;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// The MAS topology (mas.md): the reference AS as Mission Authority Server and its two projection issuers, driven over
/// HTTP as a client would: an ID-JAG from the MAS redeemed at each issuer, refreshed there, then the Mission revoked at the MAS.
/// </summary>
public sealed class ProjectionIssuerTests
{
    /// <summary>The MAS with its two issuers, a Mission the MAS holds, a DPoP key, and a session at the first issuer; disposing stops all.</summary>
    internal sealed class Setup : IAsyncDisposable
    {
        private Setup(RunningReference authority, MissionAuthorityTopology topology, IssuedMission issued, IssuerSession first)
            => (Authority, Topology, Issued, First) = (authority, topology, issued, first);

        public RunningReference Authority { get; }

        public MissionAuthorityTopology Topology { get; }

        public IssuedMission Issued { get; }

        public IssuerSession First { get; }

        public DpopKey Key { get; } = new();

        public static async Task<Setup> StartAsync(params Fault[] issuerFaults)
        {
            var (authority, topology) = await RunningReference.StartMissionAuthorityAsync(issuerFaults);
            try
            {
                return new Setup(authority, topology, await authority.ObtainAsync(), await IssuerSession.DiscoverAsync(authority, topology.Issuers[0].Server));
            }
            catch
            {
                await authority.DisposeAsync();
                await topology.DisposeAsync();
                throw;
            }
        }

        /// <summary>The Mission's ID-JAG for the first issuer, redeemed there.</summary>
        public Task<WireResponse> RedeemAtFirstAsync() => First.RedeemAsync(Authority, Issued.RefreshToken!, Key);

        public async ValueTask DisposeAsync()
        {
            Key.Dispose();
            await Authority.DisposeAsync();
            await Topology.DisposeAsync();
        }
    }

    /// <summary>A client of one projection issuer: the credentials the reference gives every Resource AS client, and its metadata.</summary>
    internal sealed record IssuerSession(ReferenceResourceAs Server, MissionClient Client)
    {
        public static readonly ClientCredentials Credentials = new(ResourceAsOptions.DefaultClientId, ResourceAsOptions.DefaultClientSecret);

        public static async Task<IssuerSession> DiscoverAsync(RunningReference authority, ReferenceResourceAs server)
            => new(server, await MissionClient.DiscoverAsync(authority.Http, server.Issuer, RunningReference.Ct));

        /// <summary>An ID-JAG from the MAS for this issuer, redeemed here with a proof of <paramref name="key"/>.</summary>
        public async Task<WireResponse> RedeemAsync(RunningReference authority, string missionRefreshToken, DpopKey key)
        {
            var grant = await authority.IdJagAsync(missionRefreshToken, key, audience: Server.Issuer.AbsoluteUri);
            Assert.True(grant.Status == HttpStatusCode.OK, $"the MAS refused an ID-JAG for {Server.Issuer}: {(int)grant.Status} {grant.Body}\n{authority.Log}");
            return await Client.JwtBearerAsync(Credentials, grant.Member("access_token")!, key.Proof("POST", Server.TokenEndpoint, accessToken: null), null, RunningReference.Ct);
        }

        public Task<WireResponse> RefreshAsync(string refreshToken, DpopKey key)
            => Client.RefreshAsync(Credentials, refreshToken, null, RunningReference.Ct, key);
    }

    [Fact]
    public async Task EachIssuer_ProjectsTheMasMission_AndStopsDerivingOnceTheMasRevokesIt()
    {
        await using var mas = await Setup.StartAsync();
        var (authority, topology, issued, key) = (mas.Authority, mas.Topology, mas.Issued, mas.Key);

        var refreshTokens = new List<(IssuerSession At, string RefreshToken)>();
        foreach (var (spec, server) in topology.Issuers)
        {
            var at = await IssuerSession.DiscoverAsync(authority, server);
            var redeemed = await at.RedeemAsync(authority, issued.RefreshToken!, key);
            Assert.True(redeemed.Status == HttpStatusCode.OK, $"{spec.Id}: {(int)redeemed.Status} {redeemed.Body}\n{authority.Log}");
            var mission = DecodedJwt.Decode(redeemed.Member("access_token")!).Payload.GetProperty("mission");
            // MBO-MAS-001: the canonical record is the MAS's.
            Assert.Equal(authority.Issuer, mission.GetProperty("origin").GetString());
            Assert.Equal(issued.MissionId, mission.GetProperty("id").GetString());
            var refreshToken = redeemed.Member("refresh_token")!;
            Assert.Equal(HttpStatusCode.OK, (await at.RefreshAsync(refreshToken, key)).Status);
            // The refresh token is bound: another key's proof does not use it.
            using var other = new DpopKey();
            Assert.Equal("invalid_grant", (await at.RefreshAsync(refreshToken, other)).Member("error"));
            refreshTokens.Add((at, refreshToken));
        }
        Assert.Equal(2, refreshTokens.Count);

        Assert.Equal(HttpStatusCode.OK, (await authority.LifecycleAsync(issued.MissionId, "revoke")).Status);

        // MBO-MAS-002: revocation at the MAS stops derivation at every consuming domain.
        foreach (var (at, refreshToken) in refreshTokens)
        {
            var refused = await at.RefreshAsync(refreshToken, key);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalid_grant", refused.Member("error"));
            Assert.Equal("revoked", refused.Member("mission_state"));
        }
    }

    [Fact]
    public async Task AGrantRefusedForASuspendedMission_IsNotBurnt_AndIsRedeemedOnceTheMasResumesIt()
    {
        await using var mas = await Setup.StartAsync();
        var (authority, issued, key, at) = (mas.Authority, mas.Issued, mas.Key, mas.First);
        var grant = (await authority.IdJagAsync(issued.RefreshToken!, key, audience: at.Server.Issuer.AbsoluteUri)).Member("access_token")!;
        Task<WireResponse> RedeemAsync() => at.Client.JwtBearerAsync(IssuerSession.Credentials, grant, key.Proof("POST", at.Server.TokenEndpoint, accessToken: null), null, RunningReference.Ct);

        await authority.LifecycleAsync(issued.MissionId, "suspend");
        var refused = await RedeemAsync();
        await authority.LifecycleAsync(issued.MissionId, "resume");
        var redeemed = await RedeemAsync();

        Assert.Equal(("invalid_grant", "suspended"), (refused.Member("error"), refused.Member("mission_state")));
        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        Assert.Equal("invalid_grant", (await RedeemAsync()).Member("error"));  // and once only
    }

    [Fact]
    public async Task AnIssuerThatCannotReachTheMas_FailsClosed()
    {
        await using var mas = await Setup.StartAsync();
        var refreshToken = (await mas.RedeemAtFirstAsync()).Member("refresh_token")!;

        await mas.Topology.Authority.DisposeAsync();

        // MBO-MAS-003: no answer from the MAS is no permission.
        var refused = await mas.First.RefreshAsync(refreshToken, mas.Key);
        Assert.Equal("invalid_grant", refused.Member("error"));
        Assert.Contains("fails closed", refused.Member("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMas_AdvertisesTheMasProfile_AndAPlainAsDoesNot()
    {
        await using var mas = await Setup.StartAsync();
        await using var plain = await RunningReference.StartAsync();

        Assert.Contains("mas", await ProfilesAsync(mas.Authority));
        Assert.DoesNotContain("mas", await ProfilesAsync(plain));
    }

    internal static async Task<List<string?>> ProfilesAsync(RunningReference reference)
    {
        var document = JsonDocument.Parse(await reference.Http.GetStringAsync(reference.Issuer + ".well-known/mission-authority", RunningReference.Ct)).RootElement;
        return [.. document.GetProperty("mission_capability_advertisement").GetProperty("mission_profiles_supported").EnumerateArray().Select(p => p.GetString())];
    }
}

/// <summary>Each projection-issuer fault changes what a projection issuer does on the wire, and the fault-free topology does not.</summary>
public sealed class ProjectionIssuerFaultTests
{
    public static TheoryData<string> Cases => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.ProjectionIssuer).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_IsObservableOnTheWire_AndAbsentWithoutIt(string name)
    {
        var fault = FaultCatalogue.Find(name)!.Fault;
        Assert.False(await ProbeAsync(fault, []), $"the fault-free projection issuers show {name}'s behaviour");
        Assert.True(await ProbeAsync(fault, [fault]), $"{name} is not observable: {FaultCatalogue.Describe(fault).Breaks}");
    }

    private static async Task<bool> ProbeAsync(Fault probed, Fault[] faults)
    {
        await using var mas = await ProjectionIssuerTests.Setup.StartAsync(faults);
        var redeemed = await mas.RedeemAtFirstAsync();
        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        switch (probed)
        {
            case Fault.MasRevocationNotPropagated:
                Assert.Equal(HttpStatusCode.OK, (await mas.Authority.LifecycleAsync(mas.Issued.MissionId, "revoke")).Status);
                return (await mas.First.RefreshAsync(redeemed.Member("refresh_token")!, mas.Key)).Status == HttpStatusCode.OK;
            case Fault.ProjectionIssuerRewritesOrigin:
                return DecodedJwt.Decode(redeemed.Member("access_token")!).Payload.GetProperty("mission").GetProperty("origin").GetString() != mas.Authority.Issuer;
            default:
                throw new ArgumentOutOfRangeException(nameof(probed), probed, "not a projection-issuer fault: give it a probe here");
        }
    }
}
