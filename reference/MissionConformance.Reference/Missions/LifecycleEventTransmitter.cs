using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// A receiver of this AS's lifecycle events (mas.md "Lifecycle events"): where the SETs are pushed (RFC 8935, POST
/// application/secevent+jwt) and the audience it receives them as. Registration is by configuration: the seed era
/// defines no SSF stream management for Missions.
/// </summary>
public sealed record EventSubscription(Uri Endpoint, string Audience);

/// <summary>
/// event_driven enforcement (MBO-MAS-006): every state change of an approved Mission (suspend, resume, revoke,
/// complete, expiry) is pushed as mas.md's provisional lifecycle SET (RFC 8417), signed with the AS's key, to each
/// subscription whose audience the Mission has an entry for, and to no other. Delivery is in the background, once,
/// with a 5 s timeout, and to each receiver in the order the changes were committed: a receiver that keeps the last state
/// it heard (as the reference Resource Server does) must not hear a resume before the suspension it ends. A receiver that
/// cannot be reached is logged, never a reason to refuse the transition.
/// </summary>
public sealed partial class LifecycleEventTransmitter(IReadOnlyList<EventSubscription> subscriptions, JwsSigner signer, ReferenceSettings settings,
    Hooks<IMissionHook> hooks, TimeProvider clock, ILogger<LifecycleEventTransmitter> log) : IDisposable
{
    public const string EventType = "https://schemas.karlmcguinness.com/mission/lifecycle-change";

    public const string MediaType = "application/secevent+jwt";

    private static readonly string[] ApprovedStates = [MissionState.Active, MissionState.Suspended];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Each receiver's latest delivery, which the next one waits for: SETs leave in the order Changed was called.</summary>
    private readonly Dictionary<EventSubscription, Task> _deliveries = [];

    /// <summary>Whether the AS advertises event_driven in mission_enforcement_classes_supported: only with a receiver to push to.</summary>
    public bool EventDriven => subscriptions.Count > 0;

    /// <summary>
    /// The Mission's state moved from <paramref name="prior"/> to its current one; pushed only for a Mission that was approved. In pairwise
    /// sector resource_server a receiver is a Resource Server, which knows the Mission only by its ref (<paramref name="pairwiseRef"/>:
    /// Mission id and sector to ref), never by its id (oauth-profile.md §15).
    /// </summary>
    public void Changed(MissionRecord mission, string prior, Func<string, string, CancellationToken, Task<string>> pairwiseRef)
    {
        if (!EventDriven || !ApprovedStates.Contains(prior) || prior == mission.State) return;
        var publishing = new EventPublishing(mission);
        hooks.Run(h => h.EventPublishing(publishing));
        if (!publishing.Publishes) return;
        var resources = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray().Select(e => (string?)e?["resource"]).ToHashSet(StringComparer.Ordinal);
        var committed = DateTimeOffset.FromUnixTimeSeconds(mission.UpdatedAt);
        foreach (var subscription in subscriptions.Where(s => resources.Contains(s.Audience)))
        {
            var named = settings.PairwiseSector == ReferenceSettings.ResourceServerSector
                ? pairwiseRef(mission.Id, subscription.Audience, CancellationToken.None).ContinueWith(r => new JsonObject { ["ref"] = r.Result, ["origin"] = settings.MissionOrigin }, TaskScheduler.Default)
                : Task.FromResult(new JsonObject { ["id"] = mission.Id, ["origin"] = settings.MissionOrigin });
            var state = mission.State;
            lock (_deliveries)
            {
                var previous = _deliveries.GetValueOrDefault(subscription, Task.CompletedTask);
                _deliveries[subscription] = previous.ContinueWith(async _ => await DeliverAsync(subscription, Set(subscription, await named, prior, state, committed)), TaskScheduler.Default).Unwrap();
            }
        }
    }

    private string Set(EventSubscription subscription, JsonObject mission, string prior, string state, DateTimeOffset committed)
        => signer.Sign("secevent+jwt", new JsonObject
            {
                ["iss"] = settings.Issuer.AbsoluteUri,
                ["aud"] = subscription.Audience,
                ["iat"] = clock.GetUtcNow().ToUnixTimeSeconds(),
                ["jti"] = "set-" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
                ["events"] = new JsonObject
                {
                    [EventType] = new JsonObject
                    {
                        ["mission"] = mission,
                        ["prior_state"] = prior,
                        ["state"] = state,
                        ["committed_at"] = MissionIntentValidator.FormatRfc3339(committed),
                    },
                },
            });

    private async Task DeliverAsync(EventSubscription subscription, string set)
    {
        try
        {
            using var content = new StringContent(set, Encoding.ASCII);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaType);
            using var response = await _http.PostAsync(subscription.Endpoint, content);
            if (!response.IsSuccessStatusCode) Refused(log, subscription.Endpoint, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
            Unreached(log, subscription.Endpoint, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "lifecycle event receiver {Endpoint} answered HTTP {Status}")]
    private static partial void Refused(ILogger logger, Uri endpoint, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "lifecycle event receiver {Endpoint} not reached: {Reason}")]
    private static partial void Unreached(ILogger logger, Uri endpoint, string reason);

    public void Dispose() => _http.Dispose();
}
