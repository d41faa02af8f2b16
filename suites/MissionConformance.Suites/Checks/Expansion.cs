using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Engine;
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

public sealed class ExpansionCreatesSuccessor : Check<ApprovedExpansionEvidence>
{
    public override string RequirementId => "MBO-AS-EXP-001";

    public override Judgement Judge(ApprovedExpansionEvidence e)
    {
        if (e.Successor.MissionId is not { } successorId) return Judgement.Skip("not judged: the successor's token names no mission.id (see MBO-AS-TOK-001)");
        if (successorId == e.PriorId) return Judgement.Fail($"the approved expansion kept the prior Mission's id {e.PriorId}: a successor is a new Mission with a new id");
        // oauth-profile.md open point 9: the record, the claim or Mission Status; any one naming the prior passes.
        var onClaim = e.Successor.Mission is { } claim ? Subset.Text(claim, "supersedes") : null;
        var onRecord = ExpansionRecord.Supersedes(e.SuccessorRecord);
        var onStatus = e.SuccessorStatus?.Payload is { } payload ? Subset.Text(payload, "supersedes") : null;
        bool Names(string? value) => value is not null && e.PriorNames.Contains(value);
        var where = Names(onRecord) ? "on its record" : Names(onClaim) ? "in its mission claim" : Names(onStatus) ? "in its Mission Status" : null;
        if (where is not null) return Judgement.Pass($"the successor {successorId} names the prior Mission {e.PriorId} as supersedes ({where})");
        if (!e.HasInventory && onClaim is null && e.SuccessorStatus?.Payload is null)
        {
            return Judgement.Review($"the successor {successorId} has a new id, but no surface the suite reads shows supersedes: the target has no inventory (inventory), "
                + "the mission claim carries none, and Mission Status gave no signed answer about it");
        }
        return Judgement.Fail($"the successor {successorId} does not name the prior Mission {e.PriorId}: supersedes on its record is {onRecord ?? "(absent)"}, "
            + $"in its mission claim {onClaim ?? "(absent)"}, in its Mission Status {(e.SuccessorStatus?.Payload is null ? "(not answered)" : onStatus ?? "(absent)")}");
    }
}

public sealed class ExpansionCompletesPrior : Check<ApprovedExpansionEvidence>
{
    public override string RequirementId => "MBO-AS-EXP-002";

    public override Judgement Judge(ApprovedExpansionEvidence e)
    {
        // Not RefreshGatedCheck: a prior Mission still active is this requirement's failure, not a reason to skip it.
        var response = e.PriorRefresh.Response;
        if (response.Status == HttpStatusCode.OK)
        {
            return Judgement.Fail($"after the successor activated, the prior Mission {e.PriorId} still derives (refresh 200){(e.PriorStateAfter is { } s ? $" and the inventory shows it {s}" : "")}; it must be completed");
        }
        if (e.PriorStateAfter is { } after && after != "completed")
        {
            return Judgement.Fail($"after the successor activated, the inventory shows the prior Mission {e.PriorId} {after}, not completed");
        }
        // Refused: judged as every gated derivation is (invalid_grant with mission_state; the formal mission_inactive a warning).
        return RefreshGatedCheck.Gated("the prior Mission's refresh", "its successor activated", null, response, "completed");
    }
}

public sealed class DeniedExpansionChangesNothing : Check<DeniedExpansionEvidence>
{
    public override string RequirementId => "MBO-AS-EXP-003";

    public override Judgement Judge(DeniedExpansionEvidence e)
    {
        if (e.Denial.Code is not null) return Judgement.Skip("not judged: denying the expansion at consent still gave an authorization code (see MBO-AS-APR-003)");
        if (e.KeptRefresh.Response.Status != HttpStatusCode.OK)
        {
            return Judgement.Fail($"after the expansion was denied, the Mission {e.KeptId} no longer derives: refresh got HTTP {(int)e.KeptRefresh.Response.Status} "
                + $"error={e.KeptRefresh.Response.Member("error") ?? "(none)"} mission_state={e.KeptRefresh.Response.Member("mission_state") ?? "(none)"}");
        }
        if (e.RecordAfter is { } after && (string?)after["state"] != "active")
        {
            return Judgement.Fail($"after the expansion was denied, the inventory shows the Mission {e.KeptId} {(string?)after["state"]}, not active");
        }
        if (ExpansionRecord.AuthorityHash(e.RecordBefore) is { } before && ExpansionRecord.AuthorityHash(e.RecordAfter) is { } now && before != now)
        {
            return Judgement.Fail($"after the expansion was denied, the Mission's authority_hash changed from {before} to {now}: its bounds must stay as approved");
        }
        if (e.Successors.FirstOrDefault(s => (string?)s["state"] is "active" or "suspended") is { } successor)
        {
            return Judgement.Fail($"the denied expansion created a successor: Mission {(string?)successor["mission"]?["id"]} ({(string?)successor["state"]}) supersedes {e.KeptId}");
        }
        return Judgement.Pass($"denied ({e.Denial.Error ?? "no code"}): the Mission {e.KeptId} still derives"
            + (e.RecordAfter is null ? "" : ", is active with its authority_hash unchanged, and no live Mission supersedes it"));
    }
}

/// <summary>
/// MBO-AS-EXP-005 (oauth-profile.md §13: RFC 9470 step-up satisfies acr/aal but never expands): the same Intent approved with
/// and without <c>context.acr</c> <paramref name="Acr"/>; the token issued after the step-up, and the one issued without it.
/// </summary>
public sealed record StepUpAuthorityEvidence(string Acr, bool SteppedUp, TokenExchange SteppedUpToken, TokenExchange BaselineToken);

/// <summary>MBO-AS-EXP-005: every entry the stepped-up approval yields is within an entry the same Intent yields without the step-up.</summary>
public sealed class StepUpNeverExpands : Check<StepUpAuthorityEvidence>
{
    public override string RequirementId => "MBO-AS-EXP-005";

    public override Judgement Judge(StepUpAuthorityEvidence e)
    {
        if (!e.SteppedUp) return Judgement.Skip($"not judged: context.acr {e.Acr} brought no step-up page (see MC-AS-APR-101)");
        foreach (var (name, token) in new[] { ("stepped-up", e.SteppedUpToken), ("baseline", e.BaselineToken) })
        {
            if (token.Response.Status != HttpStatusCode.OK) return Judgement.Skip($"not judged: the {name} code redemption was refused (HTTP {(int)token.Response.Status} {token.Response.Member("error")})");
            if (Entries(token) is null) return Judgement.Review($"the {name} token is opaque and its response carries no authorization_details: its authority cannot be read");
        }
        var baseline = Entries(e.BaselineToken)!;
        var (wider, undecided) = Subset.Beyond(Entries(e.SteppedUpToken)!, baseline.ToList());
        if (wider is { } entry) return Judgement.Fail($"after the step-up to {e.Acr}, the token carries what the same Intent yields without it does not: {entry.GetRawText()}");
        return undecided is null
            ? Judgement.Pass($"after the step-up to {e.Acr}, the token's {Entries(e.SteppedUpToken)!.Count} entries are all within what the same Intent yields without it")
            : Judgement.Review(Subset.UndecidedReview($"after the step-up to {e.Acr}, {undecided}"));
    }

    /// <summary>The token's entries, or the token response's when the token is opaque.</summary>
    private static IReadOnlyList<System.Text.Json.JsonElement>? Entries(TokenExchange token)
        => token.Claims is not null ? token.Entries
            : token.ResponseDetails is { ValueKind: System.Text.Json.JsonValueKind.Array } details ? details.EnumerateArray().ToList() : null;
}
