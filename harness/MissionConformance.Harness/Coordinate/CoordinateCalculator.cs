using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.Coordinate;

/// <summary>
/// conformance.md §1 and §3. A tier is demonstrated when every mandatory requirement of its group
/// that the suite judges has a verdict for the subject, none is FAILED, INTERRUPTED or awaiting
/// REVIEW, and at least one PASSED (SKIPPED, "not applicable", is neutral, except for the tier's own
/// capability requirement, which must pass). Tiers and levels are cumulative; L5 is never computed
/// (MBO-CM-003).
/// </summary>
public sealed class CoordinateCalculator(RequirementCatalogue catalogue)
{
    /// <summary>
    /// For SKIPPED requirements, the target-file field that would have let them be judged (<see cref="Finding.Wants"/>). A tier
    /// that needs such a MUST is not demonstrated but claimed: the coordinate names it, and what to add.
    /// </summary>
    public IReadOnlyDictionary<(string Requirement, string Subject), string> Wants { get; init; } = new Dictionary<(string, string), string>();

    /// <summary>
    /// SKIPPED requirements nothing on the wire could show (<see cref="Finding.NotVerifiable"/>). They do not stop a tier (no
    /// implementation could show them black-box), but a demonstrated tier names them, so the coordinate does not rest on silence.
    /// </summary>
    public IReadOnlySet<(string Requirement, string Subject)> NotVerifiable { get; init; } = new HashSet<(string, string)>();

    private static readonly string[] DomainRoles = ["AS", "MAS"];

    /// <summary>MBO-RT-MF-001: a Resource Server publishes its enforcement-scope manifest (runtime.md §10), which rule 3 asks of L4.</summary>
    private const string ManifestPublished = "MBO-RT-MF-001";
    // A PDP's own requirements (role PDP) judge a PDP under test, not the Resource Server that asks it.
    private static readonly string[] ResourceRoles = ["RS", "PEP"];

    public GroupOutcome Evaluate(IReadOnlyDictionary<(string Requirement, string Subject), Verdict> verdicts, string subject,
        Func<Requirement, bool> inGroup, DomainFeatures? features = null)
    {
        features ??= DomainFeatures.Unknown;
        var blockers = new List<string>();
        var wanting = new List<string>();
        var notVerifiable = new List<string>();
        int passed = 0, skipped = 0, planned = 0, notOffered = 0;
        foreach (var requirement in catalogue.All.Where(r => r.IsMandatory && (r.Excluded is null || r.IsPlanned) && inGroup(r)))
        {
            if (!verdicts.TryGetValue((requirement.Id, subject), out var verdict))
            {
                // A requirement of a surface the domain does not offer does not apply; one this suite does not
                // judge yet is neutral, unless the domain offers its surface: then the tier rests on it untested.
                var availability = requirement.Feature is { } feature ? features[feature].Availability : (FeatureAvailability?)null;
                if (availability == FeatureAvailability.NotOffered) notOffered++;
                else if (requirement.IsPlanned && availability != FeatureAvailability.Offered) planned++;
                else if (requirement.IsPlanned) blockers.Add($"{requirement.Id} is not judged by this suite version, although the domain offers {DomainFeatures.Name(requirement.Feature!)}");
                else blockers.Add($"{requirement.Id} not tested");
                continue;
            }
            switch (verdict)
            {
                case Verdict.Passed or Verdict.Warning: passed++; break;
                // A tier's own capability requirement (MBO-CM-*, e.g. CM-006 "AD-3 provides Mission Status")
                // is the tier: "not applicable" cannot demonstrate it.
                case Verdict.Skipped when Wants.TryGetValue((requirement.Id, subject), out var field): wanting.Add($"{requirement.Id} needs {field}"); break;
                case Verdict.Skipped when NotVerifiable.Contains((requirement.Id, subject)) && !requirement.IsCapability: notVerifiable.Add(requirement.Id); skipped++; break;
                case Verdict.Skipped when requirement.IsCapability: blockers.Add($"{requirement.Id} SKIPPED (the tier's own capability was not shown)"); break;
                case Verdict.Skipped: skipped++; break;
                default: blockers.Add($"{requirement.Id} {verdict.ToString().ToUpperInvariant()}"); break;
            }
        }
        if (passed == 0 && blockers.Count == 0 && wanting.Count == 0) blockers.Add("no requirement of the group was demonstrated");
        return new GroupOutcome(blockers.Count == 0 && wanting.Count == 0, passed, skipped, blockers, planned, notOffered) { Wanting = wanting, NotVerifiable = notVerifiable };
    }

    /// <summary>The AD tier of one authorization domain (AD-k group: tier AD-k, roles AS/MAS, levels 1–3).</summary>
    /// <param name="claimed">Collects the tier blocked only by requirements the target file gave no means to judge.</param>
    public (AdTier Tier, List<string> Reasons) DomainTier(IReadOnlyDictionary<(string, string), Verdict> verdicts, string domain, DomainFeatures? features = null,
        List<ClaimedTier>? claimed = null)
    {
        var reasons = new List<string>();
        var tier = AdTier.None;
        foreach (var candidate in new[] { AdTier.Ad1, AdTier.Ad2, AdTier.Ad3 })
        {
            var outcome = Evaluate(verdicts, domain, r => r.Tier == candidate.Name() && DomainRoles.Contains(r.Role) && r.Level is null or <= 3, features);
            if (!outcome.Demonstrated)
            {
                reasons.Add(NotDemonstrated(candidate.Name(), domain, outcome, claimed));
                break;
            }
            reasons.Add($"{candidate.Name()} demonstrated at {domain} ({outcome.Passed} passed, {outcome.Skipped} not applicable{Unjudged(outcome)})");
            tier = candidate;
        }
        return (tier, reasons);
    }

    /// <summary>The RS tier of one Resource Server (cumulative RS-A … RS-D groups).</summary>
    public (RsTier Tier, List<string> Reasons) ResourceServerTier(IReadOnlyDictionary<(string, string), Verdict> verdicts, string rs, List<ClaimedTier>? claimed = null)
    {
        var reasons = new List<string>();
        var tier = RsTier.None;
        foreach (var candidate in new[] { RsTier.A, RsTier.B, RsTier.C, RsTier.D })
        {
            var outcome = Evaluate(verdicts, rs, r => r.Tier == candidate.Name() && ResourceRoles.Contains(r.Role));
            if (!outcome.Demonstrated)
            {
                reasons.Add(NotDemonstrated(candidate.Name(), rs, outcome, claimed));
                break;
            }
            reasons.Add($"{candidate.Name()} demonstrated at {rs} ({outcome.Passed} passed, {outcome.Skipped} not applicable{Unjudged(outcome)})");
            tier = candidate;
        }
        return (tier, reasons);
    }

    /// <summary>
    /// Whether a Resource AS under test validates what it receives (the MBO-RAS MUSTs, feature resource_as, at its
    /// id): the part of AD-2 that falls to a receiving domain. It holds no Mission, so AD-1 and AD-3 are not its to show.
    /// </summary>
    public (bool Validates, string Reason) ResourceAsStanding(IReadOnlyDictionary<(string, string), Verdict> verdicts, string resourceAs)
    {
        var outcome = Evaluate(verdicts, resourceAs, r => r.Feature == DomainFeatures.ResourceAs && r.Tier == AdTier.Ad2.Name());
        return outcome.Demonstrated
            ? (true, $"AD-2 receiving-domain validation demonstrated at Resource AS {resourceAs} ({outcome.Passed} passed{Unjudged(outcome)})")
            : (false, $"AD-2 receiving-domain validation not demonstrated at Resource AS {resourceAs}: {Summarise(outcome.Blockers)}");
    }

    /// <summary>
    /// Why a tier stopped: its blockers; or, when nothing stopped it but MUSTs the target file gave no means to judge, that it is
    /// claimed, not demonstrated, and what to add (issue 19 item 2).
    /// </summary>
    private static string NotDemonstrated(string tier, string subject, GroupOutcome outcome, List<ClaimedTier>? claimed)
    {
        if (outcome.Blockers.Count > 0) return $"{tier} not demonstrated at {subject}: {Summarise([.. outcome.Blockers, .. outcome.Wanting])}";
        claimed?.Add(new ClaimedTier(tier, subject, outcome.Wanting));
        return $"{tier} claimed, not demonstrated at {subject}: the target file gives no means to judge {Summarise(outcome.Wanting)}; add them to demonstrate it";
    }

    /// <summary>What a demonstrated tier rests on less than it should: mandatory requirements this suite version does not judge yet.</summary>
    private static string Unjudged(GroupOutcome outcome)
        => (outcome.NotOffered == 0 ? "" : $"; {outcome.NotOffered} MUST{(outcome.NotOffered == 1 ? " belongs" : "s belong")} to surfaces the domain does not offer")
            + (outcome.Planned == 0 ? "" : $"; {outcome.Planned} MUST{(outcome.Planned == 1 ? " is" : "s are")} not judged by this suite version yet, see fixtures/requirements.json")
            + (outcome.NotVerifiable.Count == 0 ? "" : $"; not verifiable black-box here: {string.Join(", ", outcome.NotVerifiable)}");

    /// <summary>One line on the optional surfaces, so the reader sees what "not applicable" rests on.</summary>
    private static string Surfaces(string domain, DomainFeatures features)
    {
        string Group(FeatureAvailability availability, string label)
        {
            // Features that share a reason are named together: "delegation, Resource AS (the target file cannot declare them …)".
            var byReason = features.All.Where(f => f.Availability == availability).GroupBy(f => f.Reason)
                .Select(g => $"{string.Join(", ", g.Select(f => DomainFeatures.Name(f.Feature)))} ({g.Key})").ToList();
            return byReason.Count == 0 ? "" : $"{label}: {string.Join("; ", byReason)}";
        }
        var parts = new[] { Group(FeatureAvailability.Offered, "offered"), Group(FeatureAvailability.NotOffered, "not offered"),
            Group(FeatureAvailability.NotExamined, "not examined by this suite version") }.Where(p => p.Length > 0);
        return $"surfaces beyond AD-1 at {domain}: {string.Join(" · ", parts)}";
    }

    /// <summary>
    /// One PDP's standing: its own MUSTs (role PDP, MBO-RT-PDP-*) judged at its id. Evidence it gives no means to read leaves it claimed,
    /// not demonstrated (runtime.md open point 2: "claimed, not verified").
    /// </summary>
    public (bool Decides, string Reason) PdpStanding(IReadOnlyDictionary<(string, string), Verdict> verdicts, string pdp, List<ClaimedTier>? claimed = null)
    {
        var outcome = Evaluate(verdicts, pdp, r => r.Role == "PDP");
        return outcome.Demonstrated
            ? (true, $"runtime decisions demonstrated at PDP {pdp} ({outcome.Passed} passed, {outcome.Skipped} not applicable{Unjudged(outcome)})")
            : (false, NotDemonstrated("PDP runtime Core", $"PDP {pdp}", outcome, claimed));
    }

    /// <summary>
    /// One projection issuer's standing (mas.md): the MAS-role MUSTs of AD-1 and AD-2 judged at its id, that is what it
    /// issues (MBO-MAS-001) and whether a revocation at the MAS reaches it (MBO-MAS-002).
    /// </summary>
    public (bool Projects, string Reason) ProjectionIssuerStanding(IReadOnlyDictionary<(string, string), Verdict> verdicts, string issuer)
    {
        var outcome = Evaluate(verdicts, issuer, r => r.Feature == DomainFeatures.MasTopology && r.Role == "MAS" && r.Tier is "AD-1" or "AD-2");
        return outcome.Demonstrated
            ? (true, $"projection under the MAS demonstrated at {issuer} ({outcome.Passed} passed{Unjudged(outcome)})")
            : (false, $"projection under the MAS not demonstrated at {issuer}: {Summarise(outcome.Blockers)}");
    }

    /// <summary>
    /// Rule 7 (MAS topology): a MAS requirement judged at each consuming domain (a projection issuer) counts at the MAS as
    /// its worst verdict there, so the MAS tier, and the level with it, is the minimum over the consuming domains.
    /// </summary>
    public IReadOnlyDictionary<(string, string), Verdict> FoldProjectionIssuers(IReadOnlyDictionary<(string Requirement, string Subject), Verdict> verdicts, string domain,
        IReadOnlyList<string> projectionIssuers)
    {
        if (projectionIssuers.Count == 0) return verdicts;
        var folded = new Dictionary<(string, string), Verdict>(verdicts);
        foreach (var requirement in catalogue.All.Where(r => r.Role == "MAS" && r.Feature == DomainFeatures.MasTopology && !verdicts.ContainsKey((r.Id, domain))))
        {
            var atIssuers = projectionIssuers.Select(p => verdicts.TryGetValue((requirement.Id, p), out var v) ? v : (Verdict?)null).ToList();
            if (atIssuers.Any(v => v is not null))
            {
                // An issuer with no verdict (its scenario never ran) is no demonstration: INTERRUPTED, the worst but FAILED.
                folded[(requirement.Id, domain)] = VerdictOrder.Combine(atIssuers.Select(v => v ?? Verdict.Interrupted));
            }
        }
        return folded;
    }

    /// <param name="resourceAses">The ids of the Resource ASes under test: consuming domains, each of which must validate for L2 and above (rule 7).</param>
    /// <param name="projectionIssuers">The ids of the projection issuers of the AS under test, which makes it a MAS (mas.md, rule 7).</param>
    /// <param name="pdps">The ids of the PDPs under test, on which the runtime Core of L4 rests.</param>
    public CapabilityCoordinate Compute(IReadOnlyDictionary<(string, string), Verdict> verdicts, string domain, ScopeStatement? scope, DomainFeatures? features = null,
        IReadOnlyList<string>? resourceAses = null, IReadOnlyList<string>? projectionIssuers = null, IReadOnlyList<string>? pdps = null)
    {
        features ??= DomainFeatures.Unknown;
        var projecting = new List<ProjectionIssuerStanding>();
        var issuerReasons = new List<string>();
        foreach (var id in projectionIssuers ?? [])
        {
            var (projects, reason) = ProjectionIssuerStanding(verdicts, id);
            issuerReasons.Add(reason);
            projecting.Add(new ProjectionIssuerStanding(id, projects));
        }
        verdicts = FoldProjectionIssuers(verdicts, domain, projectionIssuers ?? []);
        var claimed = new List<ClaimedTier>();
        var (ad, reasons) = DomainTier(verdicts, domain, features, claimed);
        if (projecting.Count > 0) reasons.Insert(0, $"{domain} is judged as Mission Authority Server: its AD tier is the MAS tier, and its MAS requirements rest on every projection issuer (rule 7)");
        reasons.AddRange(issuerReasons);
        if (domain.Length > 0) reasons.Add(Surfaces(domain, features));
        var resourceServers = new List<ResourceServerTier>();
        foreach (var rs in scope?.ResourceServers ?? [])
        {
            var (tier, rsReasons) = ResourceServerTier(verdicts, rs.Id, claimed);
            reasons.AddRange(rsReasons);
            resourceServers.Add(new ResourceServerTier(rs.Id, tier, rs.Consequential, rs.InScope));
        }

        var receiving = new List<ResourceAsStanding>();
        foreach (var id in resourceAses ?? [])
        {
            var (validates, reason) = ResourceAsStanding(verdicts, id);
            reasons.Add(reason);
            receiving.Add(new ResourceAsStanding(id, validates));
        }

        var deciding = new List<PdpStanding>();
        foreach (var id in pdps ?? [])
        {
            var (decides, reason) = PdpStanding(verdicts, id, claimed);
            reasons.Add(reason);
            deciding.Add(new PdpStanding(id, decides));
        }
        // Rule 3, in a stated scope: the scope statement names the manifest, or MBO-RT-MF-001 passed at every consequential in-scope Resource Server.
        var scoped = resourceServers.Where(r => r.InScope && r.Consequential).ToList();
        var manifest = scope is not null && (!string.IsNullOrEmpty(scope.Manifest)
            || scoped.Count > 0 && scoped.All(r => verdicts.TryGetValue((ManifestPublished, r.Id), out var v) && v == Verdict.Passed));
        var runtimeCore = RuntimeCore(verdicts, domain, deciding);
        var level = HighestConsistentLevel(ad, resourceServers, manifest, runtimeCore, reasons);
        // Rule 7 and the Cross-Domain Projection claim: from L2 on, the level rests on AD-2 at every consuming domain.
        if (level >= 2 && receiving.FirstOrDefault(r => !r.Validates) is { } failing)
        {
            reasons.Add($"L2 not reached: Resource AS {failing.Id} does not demonstrate AD-2 validation of received ID-JAGs, and the level is the minimum over consuming domains (rule 7)");
            level = 1;
        }
        if (scope is null) reasons.Add("incomplete: the target file has no scope statement (conformance.md §3 rule 8, MBO-CM-002)");
        return new CapabilityCoordinate(level, ad, resourceServers, reasons, scope is not null)
        {
            ResourceAses = receiving, ProjectionIssuers = projecting, Pdps = deciding, Claimed = claimed,
        };
    }

    /// <summary>
    /// conformance.md §1 L4 "runtime Core", beyond RS-D at the Resource Servers: the state authority's runtime requirements (level 4, AD-3:
    /// MBO-MS-013, policy_version in Mission Status) at the domain, and at least one PDP under test, every one demonstrating its MUSTs.
    /// Null when it holds, else why not.
    /// </summary>
    private string? RuntimeCore(IReadOnlyDictionary<(string, string), Verdict> verdicts, string domain, IReadOnlyList<PdpStanding> pdps)
    {
        var atDomain = Evaluate(verdicts, domain, r => r.Level == 4 && r.Tier == "AD-3");
        if (!atDomain.Demonstrated) return $"L4 needs the state authority's runtime requirements (runtime Core): {Summarise([.. atDomain.Blockers, .. atDomain.Wanting])}";
        if (pdps.Count == 0) return "L4 needs the runtime Core at a PDP, and the target file names none (pdps)";
        return pdps.FirstOrDefault(p => !p.Decides) is { } failing ? $"L4 needs the runtime Core at every PDP; PDP {failing.Id} does not demonstrate it" : null;
    }

    /// <summary>Rules 1–4: the level is the highest whose domain, RS, manifest and runtime-Core preconditions all hold.</summary>
    private static int HighestConsistentLevel(AdTier ad, IReadOnlyList<ResourceServerTier> resourceServers, bool manifest, string? runtimeCore, List<string> reasons)
    {
        var level = 0;
        for (var candidate = 1; candidate <= 4; candidate++)
        {
            var violations = CoordinateRules.Violations(candidate, ad, resourceServers, manifest);
            if (candidate >= 4 && violations.Count == 0 && runtimeCore is not null) violations = [runtimeCore];
            if (violations.Count > 0)
            {
                reasons.Add($"L{candidate} not reached: {violations[0]}");
                break;
            }
            level = candidate;
        }
        return level;
    }

    /// <summary>Rule 7 (MAS topology): the deployment's level is the minimum over its in-scope consuming domains.</summary>
    public static int DeploymentLevel(IEnumerable<CapabilityCoordinate> consumingDomains)
        => consumingDomains.Select(c => c.Level).DefaultIfEmpty(0).Min();

    private static string Summarise(IReadOnlyList<string> blockers)
        => blockers.Count <= 4 ? string.Join(", ", blockers) : string.Join(", ", blockers.Take(4)) + $" and {blockers.Count - 4} more";
}

/// <summary>The consistency rules of conformance.md §3, used to compute and to reject reported coordinates (rule 5, MBO-CM-001).</summary>
public static class CoordinateRules
{
    public static IReadOnlyList<string> Violations(int level, AdTier ad, IReadOnlyList<ResourceServerTier> resourceServers, bool manifest)
    {
        var violations = new List<string>();
        var scoped = resourceServers.Where(r => r.InScope && r.Consequential).ToList();
        if (level is < 0 or > 5) violations.Add($"level {level} is outside the ladder 0–5");
        if (level >= 5) violations.Add("L5 is not claimable until interoperable optional-module specifications exist (MBO-CM-003)");
        if (level >= 1 && ad < AdTier.Ad1) violations.Add("L1 needs AD-1 at the state authority (rule 2)");
        if (level >= 2 && ad < AdTier.Ad2) violations.Add("L2 needs AD-2 (rule 2)");
        if (level >= 3 && ad < AdTier.Ad3) violations.Add("L3 needs AD-3 (rule 2)");
        if (level >= 3 && scoped.Count == 0) violations.Add("L3 needs at least one consequential in-scope Resource Server at RS-C (rule 1)");
        if (level >= 3 && scoped.FirstOrDefault(r => r.Tier < RsTier.C) is { } belowC) violations.Add($"L3 needs RS-C at every consequential in-scope RS; {belowC.Id} is {belowC.Tier.Name()} (rule 1)");
        if (level >= 4 && scoped.FirstOrDefault(r => r.Tier < RsTier.D) is { } belowD) violations.Add($"L4 needs RS-D at every consequential in-scope RS; {belowD.Id} is {belowD.Tier.Name()} (rule 1)");
        if (level >= 4 && !manifest) violations.Add("L4 needs a published enforcement-scope manifest (rule 3)");
        return violations;
    }

    /// <summary>Rule 5: an inconsistent reported coordinate is rejected, not reconciled.</summary>
    public static bool IsConsistent(int level, AdTier ad, IReadOnlyList<ResourceServerTier> resourceServers, bool manifest)
        => Violations(level, ad, resourceServers, manifest).Count == 0;
}
