using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>Refresh, rotation, lifecycle operations and gating: lifecycle.md, oauth-profile.md §9 and §12.</summary>
public sealed class LifecycleTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Refresh_WhileActive_KeepsMissionBindingAndReturnsDetails()
    {
        var issued = await Reference.ObtainAsync();

        var refreshed = await Reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var mission = DecodedJwt.Decode(refreshed.Member("access_token")!).Payload.GetProperty("mission");
        Assert.Equal(issued.Mission.GetRawText(), mission.GetRawText());
        Assert.Equal(JsonValueKindArray, refreshed.Json.GetProperty("authorization_details").ValueKind);
    }

    [Fact]
    public async Task Refresh_Rotation_RefusesThePredecessor()
    {
        var issued = await Reference.ObtainAsync();
        var refreshed = await Reference.RefreshAsync(issued.RefreshToken!);
        Assert.NotEqual(issued.RefreshToken, refreshed.Member("refresh_token"));

        var reused = await Reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", reused.Member("error"));
    }

    /// <summary>Every operation, then refresh: only an active Mission derives (lifecycle.md invariant 1).</summary>
    [Theory]
    [InlineData("suspend", "suspended")]
    [InlineData("revoke", "revoked")]
    [InlineData("complete", "completed")]
    public async Task Refresh_AfterOperation_IsGatedWithMissionState(string operation, string state)
    {
        var issued = await Reference.ObtainAsync();

        var lifecycle = await Reference.LifecycleAsync(issued.MissionId, operation);
        var refresh = await Reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, lifecycle.Status);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal("invalid_grant", refresh.Member("error"));
        Assert.Equal(state, refresh.Member("mission_state"));
        Assert.Equal("no-store", refresh.CacheControl);
        Assert.Equal(state, await Reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Resume_AfterSuspend_RestoresDerivationWithTheSameRefreshToken()
    {
        var issued = await Reference.ObtainAsync();
        await Reference.LifecycleAsync(issued.MissionId, "suspend");
        Assert.Equal("suspended", (await Reference.RefreshAsync(issued.RefreshToken!)).Member("mission_state"));

        var resume = await Reference.LifecycleAsync(issued.MissionId, "resume");
        var refresh = await Reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, resume.Status);
        Assert.Equal(HttpStatusCode.OK, refresh.Status);
        Assert.Equal(issued.MissionId, DecodedJwt.Decode(refresh.Member("access_token")!).Payload.GetProperty("mission").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("revoke", "resume")]
    [InlineData("revoke", "suspend")]
    [InlineData("complete", "resume")]
    [InlineData("complete", "revoke")]
    public async Task Lifecycle_TerminalState_IsAbsorbing(string terminal, string attempt)
    {
        var issued = await Reference.ObtainAsync();
        await Reference.LifecycleAsync(issued.MissionId, terminal);
        var stateBefore = await Reference.StateAsync(issued.MissionId);

        var response = await Reference.LifecycleAsync(issued.MissionId, attempt);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("mission_concurrent_modification", response.Member("error"));
        Assert.Equal(stateBefore, response.Member("current_state"));
        Assert.NotNull(response.Member("observed_state"));
        Assert.Equal(stateBefore, await Reference.StateAsync(issued.MissionId));
        Assert.Equal("invalid_grant", (await Reference.RefreshAsync(issued.RefreshToken!)).Member("error"));
    }

    [Fact]
    public async Task Lifecycle_CompleteWhileSuspended_IsRefused()
    {
        var issued = await Reference.ObtainAsync();
        await Reference.LifecycleAsync(issued.MissionId, "suspend");

        var response = await Reference.LifecycleAsync(issued.MissionId, "complete");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("suspended", await Reference.StateAsync(issued.MissionId));
    }

    [Theory]
    [InlineData("revoke")]
    [InlineData("suspend")]
    [InlineData("complete")]
    public async Task Lifecycle_RepeatedOperation_IsIdempotentSuccess(string operation)
    {
        var issued = await Reference.ObtainAsync();
        var first = await Reference.LifecycleAsync(issued.MissionId, operation);

        var second = await Reference.LifecycleAsync(issued.MissionId, operation);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }

    [Fact]
    public async Task Lifecycle_Success_ReturnsSignedMissionStatusWithLifecycleEvent()
    {
        var issued = await Reference.ObtainAsync();
        var nonce = MissionClient.NewNonce();

        var response = await Reference.Client.LifecycleAsync(RunningReference.Confidential, issued.MissionId, "suspend", nonce, RunningReference.Ct);

        Assert.Equal("application/mission-status-response+jwt", response.ContentType);
        Assert.True(await DecodedJwt.VerifySignatureAsync(response.Body, await Reference.Client.GetJwksAsync(RunningReference.Ct)));
        var status = DecodedJwt.Decode(response.Body);
        Assert.Equal("application/mission-status-response+jwt", status.Header.GetProperty("typ").GetString());
        Assert.Equal("suspended", status.Payload.GetProperty("state").GetString());
        Assert.Equal(nonce, status.Payload.GetProperty("nonce").GetString());
        Assert.Equal("suspend", status.Payload.GetProperty("lifecycle_event").GetProperty("operation").GetString());
        Assert.Equal(issued.Mission.GetProperty("authority_hash").GetString(),
            status.Payload.GetProperty("integrity_anchors").GetProperty("authority_hash").GetString());
    }

    [Fact]
    public async Task Lifecycle_WithoutPrivateKeyJwt_Gets401()
    {
        var issued = await Reference.ObtainAsync();

        var anonymous = await Reference.Client.LifecycleAsync(new ClientCredentials("agent-confidential"), issued.MissionId, "revoke", null, RunningReference.Ct, withAssertion: false);
        var basic = await Reference.Client.LifecycleAsync(RunningReference.Confidential, issued.MissionId, "revoke", null, RunningReference.Ct, withAssertion: false);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal("unauthorized", anonymous.Member("error"));
        Assert.Equal(HttpStatusCode.Unauthorized, basic.Status);
        Assert.Equal("active", await Reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Lifecycle_ForeignAndUnknownMissions_GetIdenticalNotFound()
    {
        var issued = await Reference.ObtainAsync();
        var nonce = MissionClient.NewNonce();

        var foreign = await Reference.Client.LifecycleAsync(RunningReference.Other, issued.MissionId, "revoke", nonce, RunningReference.Ct);
        var unknown = await Reference.Client.LifecycleAsync(RunningReference.Other, "msn_" + new string('Z', 24), "revoke", nonce, RunningReference.Ct);

        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        Assert.Equal(foreign.Status, unknown.Status);
        Assert.Equal(foreign.Body, unknown.Body);
        Assert.Equal(foreign.ContentType, unknown.ContentType);
        Assert.Equal("active", await Reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Lifecycle_ReplayedClientAssertion_IsRefused()
    {
        var issued = await Reference.ObtainAsync();
        var assertion = ClientAssertion.Create(RunningReference.Confidential.Key!, "agent-confidential", Reference.Issuer);
        HttpContent Form() => new FormUrlEncodedContent([new("mission", issued.MissionId), new("operation", "suspend"), new("nonce", MissionClient.NewNonce()),
            new("client_assertion_type", ClientAssertion.Type), new("client_assertion", assertion)]);

        using var first = await Reference.Http.PostAsync(Reference.Client.Metadata.LifecycleEndpoint, Form(), RunningReference.Ct);
        using var replay = await Reference.Http.PostAsync(Reference.Client.Metadata.LifecycleEndpoint, Form(), RunningReference.Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task TokenRevocation_DoesNotRevokeTheMission()
    {
        var issued = await Reference.ObtainAsync();

        var revoked = await Reference.Client.RevokeTokenAsync(RunningReference.Confidential, issued.AccessToken, RunningReference.Ct);
        var refresh = await Reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal(HttpStatusCode.OK, refresh.Status);
        Assert.Equal("active", await Reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Inventory_ListsMissionsOfASubjectForTheirClientOnly()
    {
        var mine = await Reference.ObtainAsync();

        var asOwner = await Reference.Client.InventoryAsync(RunningReference.Confidential, null, "user-alice", RunningReference.Ct);
        var asOther = await Reference.Client.InventoryAsync(RunningReference.Other, null, "user-alice", RunningReference.Ct);

        Assert.Contains(mine.MissionId, asOwner.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(mine.MissionId, asOther.Body, StringComparison.Ordinal);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindArray = System.Text.Json.JsonValueKind.Array;
}
