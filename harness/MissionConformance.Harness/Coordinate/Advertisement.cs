using System.Text.Json;

namespace MissionConformance.Harness.Coordinate;

/// <summary>What the target advertises (conformance.md §4), set beside the computed coordinate.</summary>
public sealed record Advertisement(IReadOnlyList<int> Levels, IReadOnlyList<string> DomainTiers, IReadOnlyList<string> Profiles)
{
    public static Advertisement FromMetadata(JsonElement metadata) => new(
        Items(metadata, "mission_ladder_levels_supported").Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)).Select(e => e.GetInt32()).ToList(),
        Strings(metadata, "mission_authorization_domain_tiers_supported"),
        Strings(metadata, "mission_profiles_supported"));

    /// <summary>
    /// What a mission-authority document advertises (conformance.md §4): the members of its mission_capability_advertisement,
    /// or of the document itself when it has no such object.
    /// </summary>
    public static Advertisement FromMissionAuthority(JsonElement document)
        => FromMetadata(document.ValueKind == JsonValueKind.Object && document.TryGetProperty("mission_capability_advertisement", out var advertised)
            && advertised.ValueKind == JsonValueKind.Object ? advertised : document);

    /// <summary>MBO-AS-MD-009: advertised levels or tiers above what the run demonstrated.</summary>
    public IReadOnlyList<string> OverClaims(CapabilityCoordinate computed)
    {
        var claims = new List<string>();
        if (Levels.Count > 0 && Levels.Max() > computed.Level)
        {
            claims.Add($"mission_ladder_levels_supported advertises L{Levels.Max()}, the run demonstrated L{computed.Level}");
        }
        var highestTier = DomainTiers.Select(TierNames.ParseAd).Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty(AdTier.None).Max();
        if (highestTier > computed.Ad)
        {
            claims.Add($"mission_authorization_domain_tiers_supported advertises {highestTier.Name()}, the run demonstrated {computed.Ad.Name()}");
        }
        return claims;
    }

    private static List<string> Strings(JsonElement metadata, string name)
        => Items(metadata, name).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();

    private static IEnumerable<JsonElement> Items(JsonElement metadata, string name)
        => metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];
}
