using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// mas.md "Lifecycle events" (MBO-MAS-006), when the AS advertises event_driven in mission_enforcement_classes_supported:
/// the harness's receiver (a peer, listening for the whole run where the target file says the AS pushes its SETs, so SETs
/// of other scenarios' transitions arrive too and are told apart by Mission), suspends and then revokes one Mission,
/// completes another, lets a third (20 s) expire and observes it, and waits for a SET naming each new state.
/// </summary>
public sealed class LifecycleEventScenario : Scenario
{
    public const string EventDriven = "event_driven";

    private static readonly TimeSpan ShortLifetime = TimeSpan.FromSeconds(20);

    /// <summary>How long the receiver waits for the last SET after the last transition.</summary>
    public static readonly TimeSpan Delivery = TimeSpan.FromSeconds(10);

    public override string Id => "events.lifecycle";
    public override string Title => "an event_driven state authority pushes a signed lifecycle SET on suspension, revocation, completion and expiry";
    public override IReadOnlyList<ICheck> Checks { get; } = [new LifecycleEventsEmitted()];

    /// <summary>Its expiry wait moves the embedded clock by some 20 s: alone, it cannot carry another scenario's Mission past its expiry mid-issuance.</summary>
    public override bool RunsAlone => true;

    public override async Task RunAsync(ScenarioContext context)
    {
        var metadata = context.Client.Metadata.Document;
        var classes = metadata.TryGetProperty("mission_enforcement_classes_supported", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null).ToList()
            : [];
        if (!classes.Contains(EventDriven))
        {
            context.Skip("MBO-MAS-006", "the AS does not list event_driven in mission_enforcement_classes_supported");
            return;
        }
        if (context.Server.LifecycleEvents is not { } declared)
        {
            context.SkipForWant("MBO-MAS-006", "authorizationServers[0].lifecycleEvents", "the AS advertises event_driven, but the target file declares no lifecycleEvents (receiverPort, audience) to receive its SETs at");
            return;
        }
        var flow = new MissionFlow(context);
        if (!context.Client.HasLifecycle)
        {
            context.Skip("MBO-MAS-006", Dependencies.NoLifecycle + " to cause transitions with (see MBO-AS-LC-001)");
            return;
        }

        if (context.Peers?.EventReceiver is not { } receiver)
        {
            context.Interrupt("MBO-MAS-006", "harness error: no lifecycle event receiver was started for lifecycleEvents.receiverPort");
            return;
        }
        var expected = new List<ExpectedEvent>();
        // In pairwise sector resource_server the receiver knows each Mission by its own ref: the Missions are named by a token for it.
        (string, string)[] forReceiver = flow.TokensPerResource ? [("resource", declared.Audience)] : [];
        var a = await flow.ObtainAsync(tokenExtra: forReceiver);
        var b = await flow.ObtainAsync(tokenExtra: forReceiver);
        var shortLived = await flow.ObtainShortLivedAsync(ShortLifetime, forReceiver);
        if (a.MissionId is not { } aId || b.MissionId is not { } bId || shortLived.MissionId is not { } cId)
        {
            context.Blocked("MBO-MAS-006", Dependencies.NoMissionId(a, b, shortLived));
            return;
        }
        // A transition the AS refused, or acknowledged without making (the inventory shows another state), has no event
        // to expect: it is MBO-AS-LC-*'s to judge, and is left out here with the reason.
        var notCaused = new List<string>();
        async Task TransitionAsync(string missionId, string operation, string state)
        {
            var answer = await flow.LifecycleAsync(missionId, operation);
            var now = (int)answer.Status is >= 200 and < 300 ? await flow.StateAsync(missionId) : null;
            if ((int)answer.Status is < 200 or >= 300) notCaused.Add($"{operation} answered HTTP {(int)answer.Status} (see MBO-AS-LC-001)");
            else if (now is not null && now != state) notCaused.Add($"after {operation} the Mission is {now}, not {state} (see MBO-AS-LC-001, LC-002)");
            else expected.Add(new ExpectedEvent(operation, missionId, state));
        }
        await TransitionAsync(aId, "suspend", "suspended");
        await TransitionAsync(aId, "revoke", "revoked");
        await TransitionAsync(bId, "complete", "completed");
        // Expiry: wait past it, then look (lifecycle.md open point 5 allows expiry to be noticed when observed).
        var untilExpired = shortLived.MissionExpiry - context.Clock.GetUtcNow() + TimeSpan.FromSeconds(2);
        if (untilExpired > TimeSpan.Zero) await context.WaitAsync(untilExpired);
        if (shortLived.Token.RefreshToken is { } lapsed) await flow.RefreshAsync(lapsed);
        var observed = await flow.StateAsync(cId);
        if (observed is not (null or "expired"))
        {
            notCaused.Add($"Mission {cId} was {observed}, not expired, after its mission_expiry had passed (see MBO-AS-GATE-004)");
        }
        else
        {
            expected.Add(new ExpectedEvent("expiry", cId, "expired"));
        }
        if (expected.Count == 0)
        {
            context.Blocked("MBO-MAS-006", $"no transition could be caused: {string.Join("; ", notCaused)}");
            return;
        }

        var jwks = await context.Client.GetJwksAsync(context.Cancellation);
        LifecycleEventEvidence Evidence() => new(context.Client.Metadata.Issuer, declared.Audience, jwks, expected, receiver.Received) { NotCaused = notCaused };
        // Delivery is asynchronous: wait (real time: the SETs travel over the network) until every transition has its SET.
        var deadline = DateTimeOffset.UtcNow + Delivery;
        while (DateTimeOffset.UtcNow < deadline && new LifecycleEventsEmitted().Judge(Evidence()).Holds != true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), context.Cancellation);
        }
        context.Judge(new LifecycleEventsEmitted(), Evidence());
    }
}
