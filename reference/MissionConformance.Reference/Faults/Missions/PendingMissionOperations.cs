using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Faults.Missions;

/// <summary>Store operations only faults make: each one read-check-write of a record, through <see cref="MissionStore.MutateAsync"/>.</summary>
internal static class PendingMissionOperations
{
    /// <summary>FrontChannelWidensAuthority: adds front-channel entries to a pending Authority Set.</summary>
    public static Task<MissionRecord?> WidenPendingAsync(this MissionStore store, string id, string authorizationDetails, CancellationToken ct)
        => store.MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval || TryParse(authorizationDetails) is not JsonArray extra) return false;
            var set = JsonNode.Parse(record.AuthoritySetJson)!.AsArray();
            foreach (var entry in extra) set.Add(entry!.DeepClone());
            record.AuthoritySetJson = set.ToJsonString();
            return true;
        }, ct);

    /// <summary>FrontChannelScopeGranted: the front channel's scope is kept for the Mission's tokens.</summary>
    public static Task<MissionRecord?> GrantFrontChannelScopeAsync(this MissionStore store, string id, string scope, CancellationToken ct)
        => store.MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval) return false;
            record.FrontChannelScope = scope;
            return true;
        }, ct);

    /// <summary>ChangeAuthorityAfterRender and StepUpWidensAuthority: the pending Authority Set's first entry gains an action (once).</summary>
    public static Task<MissionRecord?> AddActionToPendingAsync(this MissionStore store, string id, string action, CancellationToken ct)
        => store.MutateAsync(id, record =>
        {
            if (record.State != MissionState.PendingApproval) return false;
            var set = JsonNode.Parse(record.AuthoritySetJson)!.AsArray();
            var actions = set[0]!["actions"]!.AsArray();
            if (actions.Any(a => (string?)a == action)) return false;
            actions.Add(action);
            record.AuthoritySetJson = set.ToJsonString();
            return true;
        }, ct);

    /// <summary>ActivateOnRedemption: the approved-but-pending record activates when its code is redeemed.</summary>
    public static Task<MissionRecord?> ActivateLateAsync(this MissionStore store, string id, CancellationToken ct)
        => store.MutateAsync(id, record => record.State == MissionState.PendingApproval && record.ApprovalEventId is not null
            && store.Lifecycle.Move(record, MissionState.Active, record.Approver!, "approve", null), ct, completesSupersededAs: "clock");

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
