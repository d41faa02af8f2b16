using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

// ---- Mission Expansion (oauth-profile.md §13; the suite's convention: PAR with mission_supersedes) ------------------

/// <summary>
/// An approved expansion: the prior Mission, the successor obtained by pushing the wider Intent with mission_supersedes
/// naming the prior, the successor's inventory record (null without an inventory), its Mission Status answer when the record
/// and the claim did not show supersedes and the AS offers Mission Status to a status client of the file (else null), the
/// prior's refresh afterwards and the prior's state in the inventory.
/// </summary>
public sealed record ApprovedExpansionEvidence(string PriorId, TokenExchange Successor, JsonObject? SuccessorRecord, bool HasInventory,
    StatusAnswer? SuccessorStatus, TokenExchange PriorRefresh, string? PriorStateAfter)
{
    /// <summary>
    /// Every name the prior Mission goes by: the one its token gave (<see cref="PriorId"/>, a pairwise ref in sector resource_server)
    /// and its canonical id where its record shows it. A successor's record names the prior by its id.
    /// </summary>
    public IReadOnlyCollection<string> PriorNames { get; init; } = [PriorId];
}

/// <summary>
/// A denied expansion: the Mission it would have superseded, its record before and after (null without an inventory), the
/// consent outcome, the Mission's refresh afterwards, and the inventory's records that name it as superseded.
/// </summary>
public sealed record DeniedExpansionEvidence(string KeptId, ConsentOutcome Denial, JsonObject? RecordBefore, JsonObject? RecordAfter,
    TokenExchange KeptRefresh, IReadOnlyList<JsonObject> Successors);

internal static class ExpansionRecord
{
    /// <summary>oauth-profile.md open point 9: supersedes on the successor's record, as mission.supersedes or lifecycle.supersedes; either passes.</summary>
    public static string? Supersedes(JsonObject? record)
        => (string?)record?["lifecycle"]?["supersedes"] ?? (string?)record?["mission"]?["supersedes"];

    public static string? AuthorityHash(JsonObject? record) => (string?)record?["integrity"]?["authority_hash"];
}

/// <summary>
/// MBO-AS-EXP-005 (oauth-profile.md §13: RFC 9470 step-up satisfies acr/aal but never expands): the same Intent approved with
/// and without <c>context.acr</c> <paramref name="Acr"/>; the token issued after the step-up, and the one issued without it.
/// </summary>
public sealed record StepUpAuthorityEvidence(string Acr, bool SteppedUp, TokenExchange SteppedUpToken, TokenExchange BaselineToken);
