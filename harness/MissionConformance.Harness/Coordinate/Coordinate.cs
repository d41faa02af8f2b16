namespace MissionConformance.Harness.Coordinate;

public enum AdTier { None = 0, Ad1 = 1, Ad2 = 2, Ad3 = 3 }

public enum RsTier { None = 0, A = 1, B = 2, C = 3, D = 4 }

public static class TierNames
{
    public static string Name(this AdTier tier) => tier == AdTier.None ? "none" : "AD-" + (int)tier;

    public static string Name(this RsTier tier) => tier == RsTier.None ? "none" : "RS-" + tier;

    public static AdTier? ParseAd(string value) => value switch { "AD-1" => AdTier.Ad1, "AD-2" => AdTier.Ad2, "AD-3" => AdTier.Ad3, _ => null };

    public static RsTier? ParseRs(string value) => value switch { "RS-A" => RsTier.A, "RS-B" => RsTier.B, "RS-C" => RsTier.C, "RS-D" => RsTier.D, _ => null };
}

/// <summary>One Resource Server of the scope statement with the tier its verdicts demonstrate.</summary>
public sealed record ResourceServerTier(string Id, RsTier Tier, bool Consequential, bool InScope);

/// <summary>
/// One Resource AS under test (a receiving domain, oauth-profile.md §14): whether its verdicts demonstrate the
/// validation AD-2 asks of a domain that receives Mission-bound assertions (conformance.md §1).
/// </summary>
public sealed record ResourceAsStanding(string Id, bool Validates);

/// <summary>
/// One projection issuer under the MAS topology (mas.md, a consuming domain): whether its verdicts demonstrate that it
/// references the MAS's Mission (MBO-MAS-001) and stops deriving when the MAS revokes it (MBO-MAS-002).
/// </summary>
public sealed record ProjectionIssuerStanding(string Id, bool Projects);

/// <summary>
/// One PDP under test (runtime.md §4–6): whether its verdicts demonstrate the PDP's part of the runtime Core (its MBO-RT-PDP MUSTs), on
/// which L4 rests with RS-D at every consequential Resource Server (conformance.md §1, L4 "runtime Core").
/// </summary>
public sealed record PdpStanding(string Id, bool Decides);

/// <summary>
/// The capability coordinate, computed from verdicts and never from claims (design.md principle 5),
/// with the reasons that stopped each axis where it stopped.
/// </summary>
public sealed record CapabilityCoordinate(int Level, AdTier Ad, IReadOnlyList<ResourceServerTier> ResourceServers, IReadOnlyList<string> Reasons, bool ScopeStated)
{
    /// <summary>The Resource ASes under test; each is a consuming domain the level rests on from L2 (rule 7).</summary>
    public IReadOnlyList<ResourceAsStanding> ResourceAses { get; init; } = [];

    /// <summary>Under the MAS topology, the projection issuers of the AS under test, which is then the MAS and whose AD tier is the MAS tier (rule 7).</summary>
    public IReadOnlyList<ProjectionIssuerStanding> ProjectionIssuers { get; init; } = [];

    /// <summary>The PDPs under test; L4 needs at least one, and every one of them to demonstrate its MUSTs.</summary>
    public IReadOnlyList<PdpStanding> Pdps { get; init; } = [];

    /// <summary>Whether the domain was judged as a Mission Authority Server (it has projection issuers).</summary>
    public bool IsMissionAuthority => ProjectionIssuers.Count > 0;

    /// <summary>The lowest tier among consequential in-scope Resource Servers, which is what the level can rest on.</summary>
    public RsTier? LowestInScopeRs => ResourceServers.Where(r => r.InScope && r.Consequential).Select(r => (RsTier?)r.Tier).Min();

    /// <summary>Tiers the run did not demonstrate only because the target file gave no means to judge some of their MUSTs.</summary>
    public IReadOnlyList<ClaimedTier> Claimed { get; init; } = [];

    /// <summary>"L1 · AD-1", or "L3 · RS-C · AD-3" when Resource Servers are in scope.</summary>
    public string Label => LowestInScopeRs is { } rs ? $"L{Level} · {rs.Name()} · {Ad.Name()}" : $"L{Level} · {Ad.Name()}";
}

/// <summary>
/// A tier claimed, not demonstrated (issue 19 item 2): nothing stopped it at <paramref name="Subject"/> but MUSTs the target file
/// gave no means to judge, each "ID needs FIELD".
/// </summary>
public sealed record ClaimedTier(string Tier, string Subject, IReadOnlyList<string> Needs)
{
    public override string ToString() => $"{Tier} claimed, not demonstrated at {Subject}: add to the target file what {string.Join("; ", Needs)}";
}

/// <summary>
/// A tier group's outcome: demonstrated, or the requirement ids that stopped it; <paramref name="Planned"/> MUSTs of it the suite
/// does not judge yet, <paramref name="NotOffered"/> MUSTs of optional surfaces the domain does not offer.
/// </summary>
public sealed record GroupOutcome(bool Demonstrated, int Passed, int Skipped, IReadOnlyList<string> Blockers, int Planned = 0, int NotOffered = 0)
{
    /// <summary>MUSTs of the group SKIPPED for want of a target-file field, each "ID needs FIELD": the tier is claimed, not demonstrated.</summary>
    public IReadOnlyList<string> Wanting { get; init; } = [];

    /// <summary>MUSTs of the group nothing on the wire could show here (<see cref="Engine.Finding.NotVerifiable"/>): neutral, but named.</summary>
    public IReadOnlyList<string> NotVerifiable { get; init; } = [];
}
