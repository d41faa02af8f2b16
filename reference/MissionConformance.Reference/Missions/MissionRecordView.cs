using System.Text.Json.Nodes;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// The Mission record as the inventory exposes it (seed member names, oauth-profile.md §6), with
/// what a black-box verifier needs to recompute the anchors: the recorded Intent and Authority Set,
/// the tenant, mission.origin and the envelope schema ids.
/// </summary>
public static class MissionRecordView
{
    public static JsonObject ToJson(MissionRecord m) => new()
    {
        ["mission"] = new JsonObject { ["id"] = m.Id, ["origin"] = m.Origin },
        ["state"] = m.State,
        ["version"] = m.Version,
        ["proposal_id"] = m.ProposalId,
        ["client_id"] = m.ClientId,
        ["tenant"] = m.Tenant,
        ["subject"] = m.Subject,
        ["approver"] = m.Approver,
        ["mission_intent"] = JsonNode.Parse(m.IntentJson),
        ["authority_set"] = JsonNode.Parse(m.AuthoritySetJson),
        ["narrowing"] = JsonNode.Parse(m.NarrowingJson),
        ["integrity"] = m.AuthorityHash is null ? null : new JsonObject
        {
            ["proposal_hash"] = m.ProposalHash,
            ["authority_hash"] = m.AuthorityHash,
            ["consent_rendering_hash"] = m.ConsentRenderingHash,
        },
        ["anchor_profile"] = new JsonObject
        {
            ["pipeline"] = "framework",
            ["mission-intent"] = IntegrityAnchor.IntentSchema,
            ["mission-authority-set"] = IntegrityAnchor.AuthoritySetSchema,
            ["mission-consent-disclosure"] = IntegrityAnchor.ConsentDisclosureSchema,
        },
        ["consent_disclosure"] = m.ConsentDisclosureJson is null ? null : JsonNode.Parse(m.ConsentDisclosureJson),
        ["policy_version"] = m.PolicyVersion,
        ["approval_event_id"] = m.ApprovalEventId,
        ["mission_expiry"] = MissionIntentValidator.FormatRfc3339(DateTimeOffset.FromUnixTimeSeconds(m.MissionExpiry)),
        ["max_derivations"] = m.MaxDerivations,
        ["derivations"] = m.Derivations,
        ["lifecycle"] = new JsonObject
        {
            ["created_at"] = Time(m.CreatedAt),
            ["approved_at"] = m.ApprovedAt is { } approved ? Time(approved) : null,
            ["updated_at"] = Time(m.UpdatedAt),
            ["history"] = JsonNode.Parse(m.HistoryJson),
            // oauth-profile.md §13 and open point 9: the successor of a Mission Expansion names the Mission it supersedes.
            ["supersedes"] = m.Supersedes,
        },
    };

    private static string Time(long seconds) => MissionIntentValidator.FormatRfc3339(DateTimeOffset.FromUnixTimeSeconds(seconds));
}
