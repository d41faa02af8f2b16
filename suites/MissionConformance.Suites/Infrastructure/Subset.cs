using System.Text.Json;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>How a derived entry stands against a Mission entry under the subset rule.</summary>
public enum Containment
{
    /// <summary>Provably a subset: same resource, fewer or equal actions, every constraint kept equal or provably tighter.</summary>
    Within,
    /// <summary>Same resource and actions within, every constraint key kept, but a value changed in a way whose direction the profile leaves to the deployment.</summary>
    Undecided,
    /// <summary>Another resource, an action beyond, or a constraint key dropped or provably loosened.</summary>
    Outside,
}

/// <summary>The first constraint that keeps an entry from being <see cref="Containment.Within"/>, and why.</summary>
public sealed record ConstraintFinding(Containment Containment, string Key, string Why);

/// <summary>
/// The subset rule of oauth-profile.md §4.3 as the suite judges it: first-core-draft direction (open
/// point 6), so a derived entry that drops a constraint key of the Mission entry is outside. "No
/// broader" is decided only where the value itself says which way is narrower: an equal value; a
/// number whose key names a bound (a word max, maximum, limit or ceiling: smaller is tighter; min,
/// minimum or floor: larger is); an
/// array of values read as an allow-list (RFC 9396 §2 lists what is permitted), where a subset is
/// tighter; an object, key by key. Any other change is <see cref="Containment.Undecided"/>: constraint
/// semantics are deployment-defined, so a check reports it for review rather than guess.
/// </summary>
public static class Subset
{
    /// <summary>Where <paramref name="candidate"/> stands against <paramref name="mission"/>.</summary>
    public static Containment Contains(JsonElement candidate, JsonElement mission)
    {
        if (Text(candidate, "type") != "mission_resource_access" || Text(mission, "type") != "mission_resource_access") return Containment.Outside;
        if (Text(candidate, "resource") is not { } resource || resource != Text(mission, "resource")) return Containment.Outside;
        var allowed = Strings(mission, "actions");
        var wanted = Strings(candidate, "actions");
        if (wanted.Count == 0 || !wanted.All(allowed.Contains)) return Containment.Outside;
        return ConstraintChange(candidate, mission)?.Containment ?? Containment.Within;
    }

    /// <summary>The best standing of <paramref name="candidate"/> against any of <paramref name="allowed"/>: within one, else undecided against one, else outside all.</summary>
    public static Containment Place(JsonElement candidate, IEnumerable<JsonElement> allowed)
        => allowed.Select(a => Contains(candidate, a)).DefaultIfEmpty(Containment.Outside).Min();

    /// <summary>
    /// The entries of <paramref name="derived"/> that are not provably within <paramref name="allowed"/>: the
    /// first outside every entry, and the first only undecided (described with the constraint that stops it).
    /// </summary>
    public static (JsonElement? Outside, string? Undecided) Beyond(IEnumerable<JsonElement> derived, IReadOnlyCollection<JsonElement> allowed)
    {
        JsonElement? outside = null;
        string? undecided = null;
        foreach (var entry in derived)
        {
            var place = Place(entry, allowed);
            if (place == Containment.Outside) outside ??= entry;
            else if (place == Containment.Undecided && undecided is null)
            {
                var why = allowed.Select(a => Contains(entry, a) == Containment.Undecided ? ConstraintChange(entry, a) : null).OfType<ConstraintFinding>().First();
                undecided = $"{Text(entry, "resource")}: {why.Why}";
            }
        }
        return (outside, undecided);
    }

    /// <summary>The review message for an entry whose constraint changed in a direction the suite cannot decide.</summary>
    public static string UndecidedReview(string undecided)
        => $"{undecided}; whether that is narrower depends on the constraint's deployment-defined meaning (oauth-profile §4.3): review it by hand";

    /// <summary>The first constraint of the Mission entry the candidate does not keep provably equal or tighter, if any; dropped or loosened before undecided.</summary>
    public static ConstraintFinding? ConstraintChange(JsonElement candidate, JsonElement mission)
    {
        if (!mission.TryGetProperty("constraints", out var required) || required.ValueKind != JsonValueKind.Object) return null;
        candidate.TryGetProperty("constraints", out var present);
        ConstraintFinding? undecided = null;
        foreach (var constraint in required.EnumerateObject())
        {
            if (present.ValueKind != JsonValueKind.Object || !present.TryGetProperty(constraint.Name, out var value))
            {
                return new ConstraintFinding(Containment.Outside, constraint.Name, $"constraint {constraint.Name} dropped");
            }
            var finding = Compare(constraint.Name, value, constraint.Value);
            if (finding?.Containment == Containment.Outside) return finding;
            undecided ??= finding;
        }
        return undecided;
    }

    private static ConstraintFinding? Compare(string key, JsonElement value, JsonElement bound)
    {
        if (JsonElement.DeepEquals(value, bound)) return null;
        var change = $"constraint {key} changed from {Short(bound)} to {Short(value)}";
        if (value.ValueKind == JsonValueKind.Number && bound.ValueKind == JsonValueKind.Number && Bound(key) is { } upper)
        {
            var tighter = upper ? value.GetDouble() <= bound.GetDouble() : value.GetDouble() >= bound.GetDouble();
            return tighter ? null : new ConstraintFinding(Containment.Outside, key, $"{change}, a looser {(upper ? "upper" : "lower")} bound");
        }
        if (value.ValueKind == JsonValueKind.Array && bound.ValueKind == JsonValueKind.Array)
        {
            var allowed = bound.EnumerateArray().ToList();
            return value.EnumerateArray().All(v => allowed.Any(a => JsonElement.DeepEquals(v, a)))
                ? null
                : new ConstraintFinding(Containment.Undecided, key, $"{change}, values the Mission entry does not list");
        }
        if (value.ValueKind == JsonValueKind.Object && bound.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in bound.EnumerateObject())
            {
                if (!value.TryGetProperty(member.Name, out var inner)) return new ConstraintFinding(Containment.Outside, key, $"constraint {key}.{member.Name} dropped");
                if (Compare($"{key}.{member.Name}", inner, member.Value) is { } finding) return finding;
            }
            return null;
        }
        return new ConstraintFinding(Containment.Undecided, key, change);
    }

    /// <summary>True when the key names an upper bound (max, maximum, limit, ceiling), false a lower bound (min, minimum, floor), null when its words say neither.</summary>
    private static bool? Bound(string key)
    {
        var words = System.Text.RegularExpressions.Regex.Split(key[(key.LastIndexOf('.') + 1)..], "[_\\-]|(?<=[a-z])(?=[A-Z])")
            .Select(w => w.ToLowerInvariant()).ToHashSet();
        if (words.Overlaps(["max", "maximum", "limit", "ceiling"])) return true;
        if (words.Overlaps(["min", "minimum", "floor"])) return false;
        return null;
    }

    private static string Short(JsonElement value) => value.GetRawText().Length <= 80 ? value.GetRawText() : value.GetRawText()[..80] + "…";

    public static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static List<string> Strings(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList()
            : [];
}
