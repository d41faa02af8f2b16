using System.Net;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class MissionNeverWidenedInPlace : Check<AnchorHistory>
{
    public override string RequirementId => "MBO-AS-EXP-004";

    public override Judgement Judge(AnchorHistory e)
    {
        if (e.TokenAuthorityHashes.Distinct().Count() != 1) return Judgement.Fail($"the authority bound to the Mission changed in place: {string.Join(" → ", e.TokenAuthorityHashes)}");
        if (e.RecordBefore is null || e.RecordAfter is null) return Judgement.Pass("authority_hash is constant across the Mission's tokens (no record to compare)");
        var before = e.RecordBefore["integrity"]?.ToJsonString();
        var after = e.RecordAfter["integrity"]?.ToJsonString();
        return Judgement.That(before == after, "proposal_hash and authority_hash are unchanged over the Mission's life",
            $"the record's integrity anchors changed from {before} to {after}");
    }
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
        // Refused: judged as every gated derivation is (invalid_grant with mission_state; the formal mission_inactive a warning), in the
        // seed edition's terms: expansion by mission_supersedes is that edition's convention (open point 9).
        return RefreshGatedCheck.Gated("the prior Mission's refresh", "its successor activated", null, response, "completed", Harness.Editions.Edition.Seed);
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
