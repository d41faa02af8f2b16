using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>Missions, keys and grants live in SQLite and survive a restart.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Restart_OnSameDatabase_KeepsMissionsKeysAndRefreshTokens()
    {
        var database = Path.Combine(Path.GetTempPath(), $"mission-durability-{Guid.NewGuid():N}.db");
        IssuedMission issued;
        Uri issuer;
        await using (var first = await RunningReference.StartAsync(new ReferenceStackOptions { DatabasePath = database }))
        {
            issuer = first.Stack.Issuer;
            issued = await first.ObtainAsync();
            await first.LifecycleAsync(issued.MissionId, "suspend");
        }

        // A restart keeps its address: the issuer, and so every token's iss, stays the same.
        await using (var second = await RunningReference.StartAsync(new ReferenceStackOptions { DatabasePath = database, Url = issuer.AbsoluteUri }))
        {
            await AssertSurvivedAsync(second, issued);
        }
        Assert.True(File.Exists(database), "a named database is the caller's and stays");
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
    }

    private static async Task AssertSurvivedAsync(RunningReference second, IssuedMission issued)
    {
        var record = await second.RecordAsync(issued.MissionId);
        Assert.Equal("suspended", (string?)record!["state"]);
        Assert.True(await DecodedJwt.VerifySignatureAsync(issued.AccessToken, await second.Client.GetJwksAsync(RunningReference.Ct)));

        Assert.Equal(HttpStatusCode.OK, (await second.LifecycleAsync(issued.MissionId, "resume")).Status);
        var refresh = await second.RefreshAsync(issued.RefreshToken!);
        Assert.True(refresh.Status == HttpStatusCode.OK, refresh.Body + second.Log);
    }

    [Fact]
    public async Task Dispose_DeletesTheTemporaryDatabaseItCreated()
    {
        var reference = await RunningReference.StartAsync();
        var database = reference.Stack.DatabasePath;
        Assert.True(File.Exists(database));

        await reference.DisposeAsync();

        Assert.False(File.Exists(database));
    }
}
