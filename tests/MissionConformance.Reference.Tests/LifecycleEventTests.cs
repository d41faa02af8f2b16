using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Peers;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// event_driven (mas.md, MBO-MAS-006): the reference AS pushes a signed lifecycle SET for each state change of an approved
/// Mission to every subscription whose audience the Mission has an entry for, and to no other.
/// </summary>
public sealed class LifecycleEventTests
{
    /// <summary>A receiver all reference tests share: it tells SETs apart by the Mission they name.</summary>
    public static SimulatedEventReceiver Receiver => Shared.Value;

    private static readonly Lazy<SimulatedEventReceiver> Shared = new(() => SimulatedEventReceiver.Start(0));

    public static IReadOnlyList<EventSubscription> Subscriptions(string audience = ResourceCatalogue.FinanceResource) => [new(Receiver.Endpoint, audience)];

    /// <summary>The SETs received for <paramref name="missionId"/>: each one's aud and new state, waiting up to 5 s for <paramref name="count"/> of them.</summary>
    public static async Task<List<(string? Audience, string? State, string Typ, string Set)>> EventsForAsync(string missionId, int count)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        List<(string?, string?, string, string)> found;
        do
        {
            found = [.. Receiver.Received.Select(r => (body: r.Body, set: DecodedJwt.Decode(r.Body)))
                .Select(x => (x.body, x.set, payload: x.set.Payload.GetProperty("events").EnumerateObject().First().Value))
                .Where(x => x.payload.GetProperty("mission").GetProperty("id").GetString() == missionId)
                .Select(x => (x.set.Payload.GetProperty("aud").GetString(), x.payload.GetProperty("state").GetString(), x.set.Header.GetProperty("typ").GetString()!, x.body))];
            if (found.Count >= count) break;
            await Task.Delay(100, RunningReference.Ct);
        }
        while (DateTimeOffset.UtcNow < deadline);
        return found;
    }

    [Fact]
    public async Task EachTransition_IsPushedAsASignedSet_ToTheSubscribedAudience_AndEventDrivenIsAdvertised()
    {
        await using var reference = await RunningReference.StartAsync(new ReferenceStackOptions { EventSubscriptions = Subscriptions() });
        var issued = await reference.ObtainAsync();

        foreach (var operation in new[] { "suspend", "resume", "revoke" }) await reference.LifecycleAsync(issued.MissionId, operation);

        var events = await EventsForAsync(issued.MissionId, 3);
        Assert.Equal([("suspended", ResourceCatalogue.FinanceResource), ("active", ResourceCatalogue.FinanceResource), ("revoked", ResourceCatalogue.FinanceResource)],
            events.Select(e => (e.State, e.Audience)));
        Assert.All(events, e => Assert.Equal("secevent+jwt", e.Typ));
        var jwks = await reference.Client.GetJwksAsync(RunningReference.Ct);
        foreach (var set in events) Assert.True(await DecodedJwt.VerifySignatureAsync(set.Set, jwks));
        Assert.Contains("event_driven", reference.Client.Metadata.Document.GetProperty("mission_enforcement_classes_supported").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task AnAudienceTheMissionHasNoEntryFor_HearsNothing_AndWithoutSubscriptionsEventDrivenIsNotAdvertised()
    {
        // Both subscriptions are pushed to at once: once the finance one's SET is in, an unrelated one would be too.
        await using var reference = await RunningReference.StartAsync(new ReferenceStackOptions
        {
            EventSubscriptions = [.. Subscriptions("https://unrelated.example/api"), .. Subscriptions()],
        });
        var issued = await reference.ObtainAsync();
        await reference.LifecycleAsync(issued.MissionId, "revoke");
        await using var plain = await RunningReference.StartAsync();

        var events = await EventsForAsync(issued.MissionId, 1);
        await Task.Delay(200, RunningReference.Ct);
        Assert.Equal([ResourceCatalogue.FinanceResource], (await EventsForAsync(issued.MissionId, 1)).Select(e => e.Audience));
        Assert.Single(events);
        Assert.DoesNotContain("event_driven", plain.Client.Metadata.Document.GetProperty("mission_enforcement_classes_supported").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task ChangesInQuickSuccession_ReachAReceiverInCommitOrder_OneAfterAnother()
    {
        // A slow receiver: were the SETs sent side by side, all three would arrive within milliseconds, in any order.
        using var slow = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        slow.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(SlowAnswer));
        await using var reference = await RunningReference.StartAsync(new ReferenceStackOptions
        {
            EventSubscriptions = [new(new Uri($"http://127.0.0.1:{slow.Ports[0]}/events"), ResourceCatalogue.FinanceResource)],
        });
        var issued = await reference.ObtainAsync();

        foreach (var operation in new[] { "suspend", "resume", "revoke" }) await reference.LifecycleAsync(issued.MissionId, operation);

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5);
        while (slow.LogEntries.Count < 3 && DateTimeOffset.UtcNow < deadline) await Task.Delay(100, RunningReference.Ct);
        var arrivals = slow.LogEntries.Select(e => e.RequestMessage!).OrderBy(r => r.DateTime)
            .Select(r => (At: r.DateTime, State: DecodedJwt.Decode(r.Body!).Payload.GetProperty("events").EnumerateObject().First().Value.GetProperty("state").GetString()))
            .ToList();
        Assert.Equal(["suspended", "active", "revoked"], arrivals.Select(a => a.State));
        Assert.All(arrivals.Zip(arrivals.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= SlowAnswer - TimeSpan.FromMilliseconds(50),
            $"the {pair.Second.State} SET left {(pair.Second.At - pair.First.At).TotalMilliseconds:0} ms after the {pair.First.State} one, before its answer"));
    }

    private static readonly TimeSpan SlowAnswer = TimeSpan.FromMilliseconds(400);
}
