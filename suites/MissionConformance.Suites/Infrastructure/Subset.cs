using System.Text.Json;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// The subset rule of oauth-profile.md §4.3 as the suite judges it: first-core-draft direction (open
/// point 6), so a derived entry that drops a constraint key of the Mission entry is not a subset.
/// </summary>
public static class Subset
{
    public static bool IsSubset(JsonElement candidate, JsonElement mission)
    {
        if (Text(candidate, "type") != "mission_resource_access" || Text(mission, "type") != "mission_resource_access") return false;
        if (Text(candidate, "resource") is not { } resource || resource != Text(mission, "resource")) return false;
        var allowed = Strings(mission, "actions");
        var wanted = Strings(candidate, "actions");
        if (wanted.Count == 0 || !wanted.All(allowed.Contains)) return false;
        return MissingOrLooserConstraint(candidate, mission) is null;
    }

    /// <summary>The first constraint key of the Mission entry the candidate drops or loosens, if any.</summary>
    public static string? MissingOrLooserConstraint(JsonElement candidate, JsonElement mission)
    {
        if (!mission.TryGetProperty("constraints", out var required) || required.ValueKind != JsonValueKind.Object) return null;
        candidate.TryGetProperty("constraints", out var present);
        foreach (var constraint in required.EnumerateObject())
        {
            if (present.ValueKind != JsonValueKind.Object || !present.TryGetProperty(constraint.Name, out var value)) return constraint.Name;
            var tighter = value.ValueKind == JsonValueKind.Number && constraint.Value.ValueKind == JsonValueKind.Number
                ? value.GetDouble() <= constraint.Value.GetDouble()
                : JsonElement.DeepEquals(value, constraint.Value);
            if (!tighter) return constraint.Name;
        }
        return null;
    }

    public static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static List<string> Strings(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList()
            : [];
}
