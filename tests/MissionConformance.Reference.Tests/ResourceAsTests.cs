using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceAs;

namespace MissionConformance.Reference.Tests;

/// <summary>A reference Resource AS trusting a simulated origin (the harness's WireMock AS), and a second origin it does not trust.</summary>
public sealed class ResourceAsFixture : IAsyncLifetime
{
    public SimulatedAuthorizationServer Origin { get; private set; } = null!;

    public SimulatedAuthorizationServer Untrusted { get; private set; } = null!;

    public ReferenceResourceAs ResourceAs { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask InitializeAsync()
    {
        Origin = SimulatedAuthorizationServer.Start(0, new PeerLog());
        Untrusted = SimulatedAuthorizationServer.Start(0, new PeerLog());
        ResourceAs = await ReferenceResourceAs.StartAsync(new ResourceAsOptions { TrustedOrigin = Origin.Issuer, Resources = [ResourceCatalogue.WorkflowResource] });
    }

    public async ValueTask DisposeAsync()
    {
        await ResourceAs.DisposeAsync();
        Origin.Dispose();
        Untrusted.Dispose();
        Http.Dispose();
    }
}

/// <summary>The harness's side of a Resource AS: Missions at the simulated origin, ID-JAGs minted for them, and their redemption.</summary>
public sealed class GrantPresenter(ResourceAsFixture fixture, ReferenceResourceAs resourceAs)
{
    public ReferenceResourceAs ResourceAs => resourceAs;

    public static readonly JsonArray Authority =
    [
        new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.WorkflowResource, ["actions"] = new JsonArray("notify_reviewer"),
            ["constraints"] = new JsonObject { ["recipient_domain"] = "board.example" } },
        new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.FinanceResource, ["actions"] = new JsonArray("query_financials") },
    ];

    public SimulatedMission NewMission(SimulatedAuthorizationServer? origin = null)
        => (origin ?? fixture.Origin).CreateMission("user-alice", "agent-confidential", (JsonArray)Authority.DeepClone(), TimeSpan.FromHours(1));

    public string Grant(SimulatedMission mission, DpopKey? key, SimulatedAuthorizationServer? origin = null, Func<AccessTokenSpec, AccessTokenSpec>? change = null)
    {
        var spec = new AccessTokenSpec(resourceAs.Issuer.AbsoluteUri, mission) { Type = "oauth-id-jag+jwt", DpopThumbprint = key?.Thumbprint, Lifetime = TimeSpan.FromMinutes(2) };
        return (origin ?? fixture.Origin).Mint(change is null ? spec : change(spec));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RedeemAsync(string grant, DpopKey? proofKey,
        bool authenticate = true, string grantType = ReferenceResourceAs.JwtBearerGrant, params (string, string)[] extra)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, resourceAs.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", grantType), new("assertion", grant), .. extra.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))]),
        };
        if (authenticate)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ResourceAsOptions.DefaultClientId}:{ResourceAsOptions.DefaultClientSecret}")));
        }
        if (proofKey is not null) request.Headers.Add("DPoP", proofKey.Proof("POST", resourceAs.TokenEndpoint, accessToken: null));
        var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    /// <summary>RFC 7662 at the Resource AS, as this domain's Resource Server (or with other credentials).</summary>
    public async Task<JsonElement> IntrospectAsync(string token, string clientId = ResourceAsOptions.DefaultIntrospectionClientId,
        string secret = ResourceAsOptions.DefaultIntrospectionClientSecret, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, resourceAs.IntrospectionEndpoint) { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    /// <summary>A local token was issued for <paramref name="grant"/>, proven by <paramref name="proofKey"/>.</summary>
    public async Task<bool> IssuedAsync(string grant, DpopKey? proofKey, params (string, string)[] extra)
        => (await RedeemAsync(grant, proofKey, extra: extra)).Status == HttpStatusCode.OK;
}

/// <summary>ID-JAG validation at the Resource AS: oauth-profile.md §14, MBO-RAS-001…007, conformance.md §5 L2 item 4.</summary>
public sealed class ResourceAsTests(ResourceAsFixture fixture) : IClassFixture<ResourceAsFixture>
{
    private static readonly JsonArray Authority = GrantPresenter.Authority;

    private ReferenceResourceAs ResourceAs => fixture.ResourceAs;

    private GrantPresenter At => new(fixture, fixture.ResourceAs);

    private SimulatedMission NewMission(SimulatedAuthorizationServer? origin = null) => At.NewMission(origin);

    private string Grant(SimulatedMission mission, DpopKey? key, SimulatedAuthorizationServer? origin = null, Func<AccessTokenSpec, AccessTokenSpec>? change = null)
        => At.Grant(mission, key, origin, change);

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RedeemAsync(string grant, DpopKey? proofKey,
        bool authenticate = true, string grantType = ReferenceResourceAs.JwtBearerGrant, params (string, string)[] extra)
        => At.RedeemAsync(grant, proofKey, authenticate, grantType, extra);

    private static void AssertRefused((HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) answer, string error = "invalid_grant")
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(error, answer.Body.GetProperty("error").GetString());
        Assert.False(answer.Body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task ABoundGrant_FromTheTrustedOrigin_GivesALocalToken_KeepingTheMission_BoundToTheSameKey_NoLaterThanTheGrant()
    {
        var mission = NewMission();
        using var key = new DpopKey();
        var grant = Grant(mission, key);

        var (status, body, response) = await RedeemAsync(grant, key);

        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var local = DecodedJwt.Decode(body.GetProperty("access_token").GetString()!);
        Assert.Equal("at+jwt", local.Header.GetProperty("typ").GetString());
        var claims = local.Payload;
        Assert.Equal(ResourceAs.Issuer.AbsoluteUri, claims.GetProperty("iss").GetString());
        Assert.True(JsonNode.DeepEquals(mission.Claim(), JsonNode.Parse(claims.GetProperty("mission").GetRawText())));
        Assert.Equal(key.Thumbprint, claims.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.True(claims.GetProperty("exp").GetInt64() <= DecodedJwt.Decode(grant).Payload.GetProperty("exp").GetInt64());
        // Only the entries of this Resource AS's resources: finance is another domain's.
        var entries = claims.GetProperty("authorization_details").EnumerateArray().ToList();
        Assert.Single(entries);
        Assert.Equal(ResourceCatalogue.WorkflowResource, entries[0].GetProperty("resource").GetString());
        Assert.Equal(ResourceCatalogue.WorkflowResource, claims.GetProperty("aud").GetString());
        Assert.True(await DecodedJwt.VerifySignatureAsync(body.GetProperty("access_token").GetString()!,
            await fixture.Http.GetStringAsync(ResourceAs.Issuer.AbsoluteUri + "jwks", TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task AGrantRedeemedTwice_IsInvalidGrantTheSecondTime()
    {
        using var key = new DpopKey();
        var grant = Grant(NewMission(), key);

        var first = await RedeemAsync(grant, key);
        var replayed = await RedeemAsync(grant, key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        AssertRefused(replayed);
    }

    [Fact]
    public async Task ABearerGrant_OrAProofByAnotherKey_OrNoProof_IsInvalidGrant_AndDoesNotSpendTheGrant()
    {
        var mission = NewMission();
        using var key = new DpopKey();
        using var other = new DpopKey();
        var bound = Grant(mission, key);

        AssertRefused(await RedeemAsync(Grant(mission, key: null), key));
        AssertRefused(await RedeemAsync(bound, other));
        AssertRefused(await RedeemAsync(bound, proofKey: null));
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(bound, key)).Status);
    }

    [Fact]
    public async Task AGrantForAnotherAs_SignedByAnUnpublishedKey_Expired_OrNotAnIdJag_IsInvalidGrant()
    {
        var mission = NewMission();
        using var key = new DpopKey();

        AssertRefused(await RedeemAsync(Grant(mission, key, change: s => s with { Audience = "https://as.other.example/" }), key));
        AssertRefused(await RedeemAsync(Grant(mission, key, change: s => s with { ForeignKey = true }), key));
        AssertRefused(await RedeemAsync(Grant(mission, key, change: s => s with { IssuedAgo = TimeSpan.FromMinutes(10) }), key));
        AssertRefused(await RedeemAsync(Grant(mission, key, change: s => s with { Type = "at+jwt" }), key));
    }

    [Fact]
    public async Task AGrantFromAnOriginItDoesNotTrust_IsInvalidGrant_WhateverMissionOriginSays()
    {
        var mission = NewMission(fixture.Untrusted);
        using var key = new DpopKey();
        // Validly signed by its own published key, and naming the trusted origin as the Mission's state authority.
        var claimsTrustedOrigin = new JsonObject { ["id"] = mission.Id, ["origin"] = fixture.Origin.Issuer.AbsoluteUri, ["authority_hash"] = mission.AuthorityHash };

        var answer = await RedeemAsync(Grant(mission, key, fixture.Untrusted, s => s with { MissionClaim = claimsTrustedOrigin }), key);

        AssertRefused(answer);
    }

    [Fact]
    public async Task LocalAuthority_IsBoundedByTheGrant_ASubsetIsIssued_AndMoreIsRefused()
    {
        var mission = NewMission();
        using var key = new DpopKey();
        JsonArray Entry(string action) => [new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.WorkflowResource, ["actions"] = new JsonArray(action),
            ["constraints"] = new JsonObject { ["recipient_domain"] = "board.example" } }];

        var wider = await RedeemAsync(Grant(mission, key), key, extra: ("authorization_details", Entry("delete_workflow").ToJsonString()));
        var within = await RedeemAsync(Grant(mission, key), key, extra: ("authorization_details", Entry("notify_reviewer").ToJsonString()));

        AssertRefused(wider, "invalid_authorization_details");
        Assert.Equal(HttpStatusCode.OK, within.Status);
    }

    [Fact]
    public async Task AGrantConveyingNothingForItsResources_IsInvalidGrant()
    {
        var mission = NewMission();
        using var key = new DpopKey();
        var financeOnly = new JsonArray(Authority[1]!.DeepClone());

        AssertRefused(await RedeemAsync(Grant(mission, key, change: s => s with { AuthorizationDetails = financeOnly }), key));
    }

    [Fact]
    public async Task AShortLivedGrant_CapsTheLocalTokensExpiry()
    {
        using var key = new DpopKey();
        var grant = Grant(NewMission(), key, change: s => s with { Lifetime = TimeSpan.FromSeconds(30) });

        var (status, body, _) = await RedeemAsync(grant, key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(DecodedJwt.Decode(grant).Payload.GetProperty("exp").GetInt64(),
            DecodedJwt.Decode(body.GetProperty("access_token").GetString()!).Payload.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task WithoutClientAuthentication_OrWithAnotherGrantType_NothingIsIssued()
    {
        using var key = new DpopKey();
        var grant = Grant(NewMission(), key);

        var anonymous = await RedeemAsync(grant, key, authenticate: false);
        var wrongGrant = await RedeemAsync(grant, key, grantType: "authorization_code");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal("invalid_client", anonymous.Body.GetProperty("error").GetString());
        AssertRefused(wrongGrant, "unsupported_grant_type");
        // Neither spent the grant.
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(grant, key)).Status);
    }

    [Fact]
    public async Task Introspection_OfALocalToken_IsActiveWithTheMissionClaimAndNoState_OnlyForItsResourceServer()
    {
        var mission = NewMission();
        using var key = new DpopKey();
        var (_, body, _) = await RedeemAsync(Grant(mission, key), key);
        var local = body.GetProperty("access_token").GetString()!;

        var answer = await At.IntrospectAsync(local);
        var garbage = await At.IntrospectAsync("not-a-token");
        var agent = await At.IntrospectAsync(local, ResourceAsOptions.DefaultClientId, ResourceAsOptions.DefaultClientSecret, HttpStatusCode.Unauthorized);

        Assert.True(answer.GetProperty("active").GetBoolean());
        Assert.True(JsonNode.DeepEquals(mission.Claim(), JsonNode.Parse(answer.GetProperty("mission").GetRawText())));  // no state: only the origin reports it
        Assert.Equal(key.Thumbprint, answer.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal("""{"active":false}""", garbage.GetRawText());
        Assert.Equal("invalid_client", agent.GetProperty("error").GetString());
    }

    [Fact]
    public async Task StartingOnATakenFixedPort_FailsAtOnce_NamingTheAddress()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => ReferenceResourceAs.StartAsync(new ResourceAsOptions
        {
            TrustedOrigin = fixture.Origin.Issuer, Resources = [ResourceCatalogue.WorkflowResource], Url = $"http://127.0.0.1:{port}",
        }, TestContext.Current.CancellationToken));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_NamesTheJwtBearerGrant_AndNoMissionSurface_ForItHoldsNoMission()
    {
        var metadata = JsonDocument.Parse(await fixture.Http.GetStringAsync(ResourceAs.Issuer.AbsoluteUri + ".well-known/oauth-authorization-server", TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(ResourceAs.Issuer.AbsoluteUri, metadata.GetProperty("issuer").GetString());
        Assert.Equal([ReferenceResourceAs.JwtBearerGrant], metadata.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        // MBO-RAS-007: a Resource AS never creates, alters or reports a Mission.
        Assert.False(metadata.TryGetProperty("mission_status_endpoint", out _));
        Assert.False(metadata.TryGetProperty("mission_lifecycle_endpoint", out _));
    }
}

/// <summary>Each Resource AS fault changes what the reference Resource AS does on the wire, and the fault-free one does not.</summary>
public sealed class ResourceAsFaultTests(ResourceAsFixture fixture) : IClassFixture<ResourceAsFixture>
{
    public static TheoryData<string> Cases => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.ResourceAs).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_IsObservableOnTheWire_AndAbsentWithoutIt(string name)
    {
        var fault = FaultCatalogue.Find(name)!.Fault;
        // A projection issuer's fault shows only in projection mode, where the fixture's origin is also the Mission Authority.
        var projection = fault == Fault.ProjectionIssuerFailsOpen;
        await using (var faultFree = await StartAsync(FaultSet.None, projection))
        {
            Assert.False(await Probe(fault, new GrantPresenter(fixture, faultFree)), $"the fault-free Resource AS shows {name}'s behaviour");
        }
        await using var faulty = await StartAsync(new FaultSet([fault]), projection);
        Assert.True(await Probe(fault, new GrantPresenter(fixture, faulty)), $"{name} is not observable: {FaultCatalogue.Describe(fault).Breaks}");
    }

    private Task<ReferenceResourceAs> StartAsync(FaultSet faults, bool projection)
        => ReferenceResourceAs.StartAsync(new ResourceAsOptions
        {
            TrustedOrigin = fixture.Origin.Issuer, Resources = [ResourceCatalogue.WorkflowResource], Faults = faults,
            Projection = projection ? ProjectionSettings.For(TestPrincipals.WorkflowProjectionIssuer, ResourceCatalogue.WorkflowResource) : null,
        }, TestContext.Current.CancellationToken);

    private async Task<bool> Probe(Fault fault, GrantPresenter at)
    {
        using var key = new DpopKey();
        var mission = at.NewMission();
        switch (fault)
        {
            case Fault.ResourceAsTrustsAnyOrigin:
                return await at.IssuedAsync(at.Grant(at.NewMission(fixture.Untrusted), key, fixture.Untrusted), key);
            case Fault.ResourceAsIgnoresAudience:
                return await at.IssuedAsync(at.Grant(mission, key, change: s => s with { Audience = "https://as.other.example/" }), key);
            case Fault.ResourceAsAcceptsBearerJag:
                return await at.IssuedAsync(at.Grant(mission, key: null), key);
            case Fault.ResourceAsAcceptsReplayedJag:
                var grant = at.Grant(mission, key);
                Assert.True(await at.IssuedAsync(grant, key));
                return await at.IssuedAsync(grant, key);
            case Fault.LocalTokenOutlivesGrant:
                var shortLived = at.Grant(mission, key, change: s => s with { Lifetime = TimeSpan.FromSeconds(30) });
                var (_, body, _) = await at.RedeemAsync(shortLived, key);
                return DecodedJwt.Decode(body.GetProperty("access_token").GetString()!).Payload.GetProperty("exp").GetInt64()
                    > DecodedJwt.Decode(shortLived).Payload.GetProperty("exp").GetInt64();
            case Fault.ResourceAsWidensGrant:
                var wider = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.WorkflowResource,
                    ["actions"] = new JsonArray("notify_reviewer", "delete_workflow"), ["constraints"] = new JsonObject { ["recipient_domain"] = "board.example" } });
                return await at.IssuedAsync(at.Grant(mission, key), key, ("authorization_details", wider.ToJsonString()));
            case Fault.ResourceAsReportsMissionState:
                var (_, redeemed, _) = await at.RedeemAsync(at.Grant(mission, key), key);
                var introspected = await at.IntrospectAsync(redeemed.GetProperty("access_token").GetString()!);
                return introspected.GetProperty("active").GetBoolean() && introspected.GetProperty("mission").TryGetProperty("state", out _);
            case Fault.ResourceAsServesMissionStatus:
                Assert.True(await at.IssuedAsync(at.Grant(mission, key), key));
                var metadata = JsonDocument.Parse(await fixture.Http.GetStringAsync(at.ResourceAs.Issuer.AbsoluteUri + ".well-known/oauth-authorization-server", TestContext.Current.CancellationToken)).RootElement;
                if (!metadata.TryGetProperty("mission_status_endpoint", out var status)) return false;
                using (var answer = await fixture.Http.PostAsync(status.GetString(), new FormUrlEncodedContent([new("mission", mission.Id)]), TestContext.Current.CancellationToken))
                {
                    return answer.StatusCode == HttpStatusCode.OK;
                }
            case Fault.ProjectionIssuerFailsOpen:
                fixture.Origin.FailStatus(mission, StatusOutage.Unavailable);
                return await at.IssuedAsync(at.Grant(mission, key), key);
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a Resource AS fault: give it a probe here");
        }
    }
}
