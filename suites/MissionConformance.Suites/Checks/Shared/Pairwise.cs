using System.Text.Json;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// conformance.md §5 L2 item 6 in sector <paramref name="Sector"/>: grants obtained in order, each with the audience (the
/// sector) it was asked for (ID-JAGs for Resource ASes in the resource_as sector, access tokens for Resource Servers in the
/// resource_server sector); the canonical id, when a token outside the sector showed it; and Mission Status asked by the
/// first sector with its ref.
/// </summary>
public sealed record PairwiseEvidence(string Sector, string? CanonicalId, IReadOnlyList<(string Audience, TokenExchange Grant)> Grants,
    StatusAnswer? Resolved, string? WhyNotResolved)
{
    /// <summary>What the grants are, for the verdicts: "ID-JAG" or "access token".</summary>
    public string Noun { get; init; } = "ID-JAG";

    /// <summary>The requirement that judges the grants' issuance, named when one was refused.</summary>
    public string IssuanceRequirement { get; init; } = "MBO-AS-XD-001";

    /// <summary>
    /// MBO-AS-PW-003: the first grant presented back as subject_token (each subject_token_type tried) in a Token Exchange for
    /// an ID-JAG audienced to <see cref="ReprojectedTo"/>, another sector; empty when not attempted (<see cref="WhyNoReprojection"/>).
    /// </summary>
    public IReadOnlyList<(string SubjectTokenType, TokenExchange Exchange)> Reprojections { get; init; } = [];

    public string? ReprojectedTo { get; init; }

    public string? WhyNoReprojection { get; init; }

    public static string? Ref(TokenExchange grant)
        => grant.Succeeded && grant.Jwt!.Payload.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? Subset.Text(m, "ref") : null;

    /// <summary>Why the grants cannot be judged: one was refused (MBO-AS-XD-001 judges issuance).</summary>
    public string? NotIssued => Grants.FirstOrDefault(g => !g.Grant.Succeeded) is { Grant: not null } refused
        ? $"not judged: an {Noun} for {refused.Audience} was refused (HTTP {(int)refused.Grant.Response.Status} {refused.Grant.Response.Member("error")}; see {IssuanceRequirement})"
        : null;
}
