using System.Text.Json.Nodes;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// The signed Mission Status response (mission-status.md "Response"), which the lifecycle endpoint
/// also returns after an operation (oauth-profile.md §12; MBO-AS-LC-008).
/// </summary>
public sealed class MissionStatusResponseGenerator(JwsSigner signer, TimeProvider clock)
{
    public const string MediaType = "application/mission-status-response+jwt";
    public static readonly TimeSpan ActiveLifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan TerminalLifetime = TimeSpan.FromSeconds(300);

    public string Create(MissionRecord mission, string audience, string callerClientId, string nonce, JsonObject? lifecycleEvent)
        => Sign(Payload(mission, audience, callerClientId, nonce, lifecycleEvent));

    public string Sign(JsonObject payload) => signer.Sign(MediaType, payload);

    /// <summary>The Authority Set entries whose resource is <paramref name="audience"/>: all an audience may see (MBO-MS-006).</summary>
    public static JsonArray ProjectionFor(MissionRecord mission, string audience) => ProjectionFor(mission, [audience]);

    /// <summary>The Authority Set entries for <paramref name="resources"/>: an RS's own, or those a Resource AS is authoritative for.</summary>
    public static JsonArray ProjectionFor(MissionRecord mission, IReadOnlyCollection<string> resources)
        => new(JsonNode.Parse(mission.AuthoritySetJson)!.AsArray()
            .Where(e => (string?)e!["resource"] is { } resource && resources.Contains(resource))
            .Select(e => e!.DeepClone()).ToArray());

    /// <summary>
    /// The answer to <paramref name="audience"/>; for a pairwise audience (<paramref name="pairwiseRef"/>) the
    /// Mission is named by that ref, never its id (oauth-profile.md §15), and the projection covers <paramref name="resources"/>.
    /// </summary>
    public JsonObject Payload(MissionRecord mission, string audience, string callerClientId, string nonce, JsonObject? lifecycleEvent, TimeSpan? lifetime = null,
        string? pairwiseRef = null, IReadOnlyCollection<string>? resources = null)
    {
        var now = clock.GetUtcNow();
        var expires = now + (lifetime ?? (MissionState.IsTerminal(mission.State) ? TerminalLifetime : ActiveLifetime));
        var projection = ProjectionFor(mission, resources ?? [audience]);
        var payload = new JsonObject
        {
            ["iss"] = mission.Origin,
            ["aud"] = audience,
            ["sub"] = callerClientId,
            ["nonce"] = nonce,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["mission"] = pairwiseRef is null
                ? new JsonObject { ["id"] = mission.Id, ["origin"] = mission.Origin }
                : new JsonObject { ["ref"] = pairwiseRef, ["origin"] = mission.Origin },
            ["state"] = mission.State,
            ["integrity_anchors"] = new JsonObject
            {
                ["proposal_hash"] = mission.ProposalHash,
                ["authority_hash"] = mission.AuthorityHash,
                ["consent_rendering_hash"] = mission.ConsentRenderingHash,
            },
            ["authority_projection"] = projection,
            ["policy_version"] = mission.PolicyVersion,
            ["issued_at"] = MissionIntentValidator.FormatRfc3339(now),
            ["expires_at"] = MissionIntentValidator.FormatRfc3339(expires),
            ["freshness_at"] = MissionIntentValidator.FormatRfc3339(now),
            ["mission_expiry"] = MissionIntentValidator.FormatRfc3339(DateTimeOffset.FromUnixTimeSeconds(mission.MissionExpiry)),
            ["audience"] = audience,
            ["version"] = mission.Version,
        };
        if (lifecycleEvent is not null) payload["lifecycle_event"] = lifecycleEvent;
        // mission-status.md: the prior Mission of an Expansion, by its canonical id, so never in an answer by pairwise ref.
        if (mission.Supersedes is { } prior && pairwiseRef is null) payload["supersedes"] = prior;
        return payload;
    }
}
