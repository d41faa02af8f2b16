using System.Text.Json;
using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// oauth-profile.md §4.3, first-core-draft direction (open point 6): A ⊆ B iff same type and
/// resource, A.actions ⊆ B.actions, and every constraint key of B is kept in A no broader.
/// </summary>
public static class SubsetRule
{
    public static bool IsSubset(JsonNode candidate, JsonNode mission)
    {
        if (candidate is not JsonObject a || mission is not JsonObject b) return false;
        if ((string?)a["type"] != "mission_resource_access" || (string?)b["type"] != "mission_resource_access") return false;
        if (!string.Equals((string?)a["resource"], (string?)b["resource"], StringComparison.Ordinal)) return false;

        if (a["actions"] is not JsonArray wanted || wanted.Count == 0 || b["actions"] is not JsonArray allowed) return false;
        var allowedActions = allowed.Select(x => (string?)x).ToHashSet(StringComparer.Ordinal);
        if (!wanted.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String && allowedActions.Contains((string?)x))) return false;

        var missionConstraints = b["constraints"] as JsonObject ?? [];
        var candidateConstraints = a["constraints"] as JsonObject ?? [];
        return missionConstraints.All(c => candidateConstraints[c.Key] is { } value && NoBroader(value, c.Value));
    }

    /// <summary>Equal values are no broader; for numbers (limits such as max_rows) a smaller value is tighter.</summary>
    private static bool NoBroader(JsonNode candidate, JsonNode? mission)
    {
        if (candidate is JsonValue cv && mission is JsonValue mv
            && cv.GetValueKind() == JsonValueKind.Number && mv.GetValueKind() == JsonValueKind.Number)
        {
            return cv.GetValue<double>() <= mv.GetValue<double>();
        }
        return JsonNode.DeepEquals(candidate, mission);
    }
}
