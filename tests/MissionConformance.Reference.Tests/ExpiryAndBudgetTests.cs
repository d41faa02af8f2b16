using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>mission_expiry and context.max_derivations: MBO-AS-TOK-007, GATE-004, GATE-008, GATE-009.</summary>
public sealed class ExpiryAndBudgetTests
{
    [Fact]
    public async Task Refresh_AfterMissionExpiry_IsGatedAsExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var reference = await RunningReference.StartAsync(new ReferenceStackOptions { Clock = clock });
        var issued = await reference.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromMinutes(2)));
        Assert.True(issued.Claims.Payload.GetProperty("exp").GetInt64() <= clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds());

        clock.Advance(TimeSpan.FromMinutes(3));
        var refresh = await reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal("invalid_grant", refresh.Member("error"));
        Assert.True(refresh.Member("mission_state") == "expired", refresh.Body + reference.Log);
        Assert.Equal("expired", await reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Refresh_BeforeMissionExpiry_CapsTokenLifetimeAtExpiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var reference = await RunningReference.StartAsync(new ReferenceStackOptions { Clock = clock });
        var expiry = clock.GetUtcNow().AddMinutes(4);
        var issued = await reference.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromMinutes(4)));

        clock.Advance(TimeSpan.FromMinutes(3));
        var refresh = await reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, refresh.Status);
        var exp = Harness.Crypto.DecodedJwt.Decode(refresh.Member("access_token")!).Payload.GetProperty("exp").GetInt64();
        Assert.True(exp <= expiry.ToUnixTimeSeconds(), $"exp {exp} > mission_expiry {expiry.ToUnixTimeSeconds()}");
    }

    [Fact]
    public async Task Derivations_BeyondMaxDerivations_AreRefused()
    {
        await using var reference = await RunningReference.StartAsync();
        var intent = RunningReference.BoardPacketIntent();
        intent["context"]!["max_derivations"] = "2";

        var issued = await reference.ObtainAsync(intent);                   // derivation 1: code redemption
        var second = await reference.RefreshAsync(issued.RefreshToken!);     // derivation 2
        var third = await reference.RefreshAsync(second.Member("refresh_token")!);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.BadRequest, third.Status);
        Assert.Equal("invalid_grant", third.Member("error"));
        Assert.Null(third.Member("mission_state"));  // the Mission itself is still active
        Assert.Equal("active", await reference.StateAsync(issued.MissionId));
    }

    [Fact]
    public async Task Derivations_RefusedForAnotherReason_DoNotCount()
    {
        await using var reference = await RunningReference.StartAsync();
        var intent = RunningReference.BoardPacketIntent();
        intent["context"]!["max_derivations"] = "2";
        var issued = await reference.ObtainAsync(intent);

        var refused = await reference.RefreshAsync(issued.RefreshToken!, null, ("resource", "https://unrelated.example/api"));
        var counted = await reference.RefreshAsync(issued.RefreshToken!);

        Assert.Equal("invalid_target", refused.Member("error"));
        Assert.Equal(HttpStatusCode.OK, counted.Status);
    }

    /// <summary>MBO-AS-GATE-009: parallel derivations against a budget of k never exceed k.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DerivationCounter_UnderConcurrency_HonoursTheBudgetUnlessRacy(bool racy)
    {
        await using var reference = await RunningReference.StartAsync(racy ? [Fault.RacyDerivationCounter] : []);
        var intent = RunningReference.BoardPacketIntent();
        intent["context"]!["max_derivations"] = "4";
        var issued = await reference.ObtainAsync(intent);  // one of four used
        var store = reference.Stack.Services.GetRequiredService<MissionStore>();
        var active = new HashSet<string> { MissionState.Active };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => store.TryConsumeDerivationAsync(issued.MissionId, active, RunningReference.Ct))));

        var succeeded = attempts.Count(a => a.Consumed);
        if (racy) Assert.True(succeeded > 3, $"the racy counter let only {succeeded} through");
        else Assert.Equal(3, succeeded);
    }
}
