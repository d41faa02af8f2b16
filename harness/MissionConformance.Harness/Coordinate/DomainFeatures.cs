using System.Text.Json;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Coordinate;

/// <summary>Whether an authorization domain offers an optional surface, and how the run knows.</summary>
public enum FeatureAvailability
{
    /// <summary>The domain offers it (its metadata or the target file says so): its requirements apply, judged or not.</summary>
    Offered,

    /// <summary>The domain does not offer it: its requirements are not applicable.</summary>
    NotOffered,

    /// <summary>This run cannot tell: neither the metadata nor the target file says (or, in this suite version, can say) so.</summary>
    NotExamined,
}

public sealed record FeatureStatus(string Feature, FeatureAvailability Availability, string Reason);

/// <summary>
/// The optional surfaces of an authorization domain beyond AD-1 (oauth-profile.md §9–15, mas.md), as
/// its metadata and the target file declare them. A requirement bound to a surface (its "feature" in
/// fixtures/requirements.json) applies only where that surface is offered: conformance.md §5 judges
/// delegation "if supported", pairwise "if advertised", ID-JAG "when the target declares multi-AS"
/// (open point 4), so Level 2 in a single domain rests on same-domain projection alone.
/// </summary>
public sealed class DomainFeatures
{
    public const string TokenExchange = "token_exchange";
    public const string Delegation = "delegation";
    public const string CrossDomain = "cross_domain";
    public const string ResourceAs = "resource_as";
    public const string Pairwise = "pairwise";
    public const string Expansion = "expansion";
    public const string MasTopology = "mas_topology";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [TokenExchange] = "Token Exchange",
        [Delegation] = "delegation",
        [CrossDomain] = "cross-domain projection (ID-JAG)",
        [ResourceAs] = "Resource AS",
        [Pairwise] = "pairwise Mission references",
        [Expansion] = "Mission Expansion",
        [MasTopology] = "the MAS topology",
    };

    private readonly Dictionary<string, FeatureStatus> _status;

    private DomainFeatures(IEnumerable<FeatureStatus> status) => _status = status.ToDictionary(s => s.Feature, StringComparer.Ordinal);

    public IReadOnlyCollection<FeatureStatus> All => _status.Values;

    /// <summary>A feature this suite does not know is not examined: its requirements stay neutral, never demonstrated by omission.</summary>
    public FeatureStatus this[string feature]
        => _status.TryGetValue(feature, out var status) ? status : new FeatureStatus(feature, FeatureAvailability.NotExamined, "unknown feature");

    public static string Name(string feature) => Names.GetValueOrDefault(feature, feature);

    /// <summary>Nothing known: every feature not examined (a run that never read the metadata).</summary>
    public static DomainFeatures Unknown { get; } = new(Names.Keys.Select(f => new FeatureStatus(f, FeatureAvailability.NotExamined, "the run read no metadata")));

    /// <summary>What RFC 8414 metadata (<paramref name="metadata"/>) and the target file (<paramref name="server"/>) say.</summary>
    public static DomainFeatures Survey(JsonElement metadata, Targets.AuthorizationServerTarget? server)
    {
        if (metadata.ValueKind != JsonValueKind.Object) return Unknown;
        var grants = metadata.TryGetProperty("grant_types_supported", out var g) && g.ValueKind == JsonValueKind.Array
            ? g.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
        var exchange = server?.SelfExchange == false
            ? new FeatureStatus(TokenExchange, FeatureAvailability.NotOffered, "the target file says the AS offers no self-exchange (selfExchange false): its Token Exchange mints other artifacts only, such as ID-JAGs")
            : grants.Contains(TokenTypes.ExchangeGrant)
            ? new FeatureStatus(TokenExchange, FeatureAvailability.Offered, "grant_types_supported lists the RFC 8693 grant")
            : new FeatureStatus(TokenExchange, FeatureAvailability.NotOffered, "grant_types_supported does not list the RFC 8693 grant");
        var pairwise = metadata.TryGetProperty("mission_pairwise_supported", out var p) && p.ValueKind == JsonValueKind.True
            ? new FeatureStatus(Pairwise, FeatureAvailability.Offered, "mission_pairwise_supported is true")
            : new FeatureStatus(Pairwise, FeatureAvailability.NotOffered, "mission_pairwise_supported is not true");
        return new DomainFeatures(
        [
            exchange,
            pairwise,
            server?.DelegateClient is { } named
                ? new(Delegation, FeatureAvailability.Offered, $"the target file names a delegate client, {named.ClientId}")
                : new(Delegation, FeatureAvailability.NotExamined, "the target file names no delegate client (role \"delegate\")"),
            // conformance.md open point 4: ID-JAG checks only when the target declares multi-AS.
            server?.ResourceAuthorizationServers is [var first, ..] all
                ? new(CrossDomain, FeatureAvailability.Offered, $"the target file declares {all.Count} Resource AS(es), first {first.Issuer}")
                : new(CrossDomain, FeatureAvailability.NotOffered, "the target file declares no resourceAuthorizationServers: a single-AS domain (conformance.md open point 4)"),
            // The AS under test is the origin of the Missions it holds; receiving another origin's ID-JAGs is judged at each
            // Resource AS of the target file (resourceAuthorizationServers[]), a domain of its own.
            new(ResourceAs, FeatureAvailability.NotOffered, "Resource AS validation is judged at each Resource AS of the target file, not at an origin AS"),
            server?.Expansion == true
                ? new(Expansion, FeatureAvailability.Offered, "the target file declares expansion: the AS takes the suite's convention (PAR with mission_supersedes)")
                : new(Expansion, FeatureAvailability.NotExamined, "it has no wire binding (oauth-profile.md §13), and the target file does not declare the suite's convention (expansion)"),
            server?.ProjectionIssuers is [_, ..] projecting
                ? new(MasTopology, FeatureAvailability.Offered, $"the target file declares {projecting.Count} projection issuer(s): {string.Join(", ", projecting.Select(p => p.Id))}")
                : new(MasTopology, FeatureAvailability.NotOffered, "the target file declares no projectionIssuers: the AS is its own state authority, the default topology"),
        ]);
    }
}
