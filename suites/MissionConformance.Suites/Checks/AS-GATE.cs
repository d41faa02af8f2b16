using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class RefreshGatedWhenSuspended : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-001"; }

public sealed class RefreshGatedWhenRevoked : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-002"; }

public sealed class RefreshGatedWhenCompleted : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-003"; }

public sealed class RefreshGatedWhenExpired : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-004"; }

public sealed class GatingMissionStateEnumerated : Check<GatingErrors>
{
    public override string RequirementId => "MBO-AS-GATE-006";

    /// <remarks>
    /// The seed's mission_state values are oauth-error.schema.json's enum. ietf-2026-08 (Issuance Gating) says instead that a refusal
    /// SHOULD carry mission_error with one of <see cref="Harness.Editions.Edition.GatingValues"/>.
    /// </remarks>
    public override Judgement Judge(GatingErrors e)
    {
        if (e.Edition.GatingValues is { } values)
        {
            var carried = e.Responses.Select(r => r.IsJson ? r.Member(e.Edition.GatingMember) : null).OfType<string>().ToList();
            var other = carried.Where(v => !values.Contains(v)).Distinct().ToList();
            return Judgement.That(other.Count == 0,
                $"{carried.Count} of {e.Responses.Count} gating error bodies carry {e.Edition.GatingMember}, each one of {string.Join(", ", values)}",
                $"{e.Edition.GatingMember} is {string.Join(", ", other)}, none of {string.Join(", ", values)} ({e.Edition.Name}, Issuance Gating)");
        }
        var bad = e.Responses.Where(r => r.IsJson).SelectMany(r => r.SchemaErrors).ToList();
        return Judgement.That(bad.Count == 0, $"{e.Responses.Count} gating error bodies carry only the six non-active states or mission_not_found",
            "gating error body: " + string.Join("; ", bad.Select(b => b.ToString())));
    }
}

public sealed class GatingErrorShape : Check<GatingErrors>
{
    public override string RequirementId => "MBO-AS-GATE-010";

    public override Judgement Judge(GatingErrors e)
    {
        var bad = e.Responses.Where(r => r.Status != HttpStatusCode.BadRequest || !r.IsJson || r.CacheControl?.Contains("no-store", StringComparison.OrdinalIgnoreCase) != true)
            .Select(r => $"HTTP {(int)r.Status}, Content-Type {r.ContentType ?? "(none)"}, Cache-Control {r.CacheControl ?? "(none)"}").ToList();
        return Judgement.That(bad.Count == 0, $"{e.Responses.Count} gating errors are HTTP 400 JSON with Cache-Control: no-store",
            "gating errors must be HTTP 400, application/json, Cache-Control: no-store; got " + string.Join("; ", bad.Distinct()));
    }
}

public sealed class ResumeRestoresDerivation : Check<ResumeEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-007";

    public override Judgement Judge(ResumeEvidence e)
    {
        if (e.StateAfterSuspend is { } suspended && suspended != "suspended") return Judgement.Skip($"not judged: suspend left the Mission {suspended} (see MBO-AS-LC-002)");
        if (e.StateAfterResume is { } state && state != "active") return Judgement.Skip($"not judged: after resume the Mission is {state} (see MBO-AS-LC-002)");
        return Judgement.That(e.Refresh.Succeeded, "after resume, refresh succeeds again",
            $"after resume, refresh got {e.Refresh.Response.Member("error")} {e.Refresh.Response.Member("mission_state")}");
    }
}

public sealed class DerivationBudgetEnforced : Check<BudgetEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-008";

    public override Judgement Judge(BudgetEvidence e)
    {
        var succeeded = e.Sequential.Count(t => t.Succeeded);
        var last = e.Sequential[^1];
        return Judgement.That(succeeded == e.Budget && !last.Succeeded && last.Response.ErrorCode == "invalid_grant",
            $"max_derivations {e.Budget}: {e.Budget} derivations succeeded, the next got invalid_grant",
            $"max_derivations {e.Budget}: {succeeded} of {e.Sequential.Count} derivations succeeded; derivation {e.Budget + 1} got {last.Response.Outcome()}");
    }
}

public sealed class DerivationBudgetAtomic : Check<BudgetEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-009";

    public override PositiveControl Control => Controls.DerivationServed;

    public override Judgement Judge(BudgetEvidence e)
    {
        var race = e.Race;
        // With the budget already spent, every derivation is refused whether the counter is atomic or not: only a race
        // while the budget has room can show a check and increment that are not one step.
        if (race.WhyNot is { } why) return Judgement.Review($"not verifiable black-box here: {why}; atomicity of the budget counter needs a look at the implementation");
        var succeeded = race.Parallel.Count(t => t.Succeeded);
        var described = $"{race.Parallel.Count} parallel {race.How} with {race.Allowed} left in the budget: {succeeded} succeeded";
        return Judgement.That(succeeded <= race.Allowed, described, $"{described}; the budget's check and increment must be one atomic step");
    }
}

public sealed class ExchangeGatedOnMissionState : Check<ExchangeGatingEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-005";

    public override PositiveControl Control => Controls.ExchangeServed;

    public override Judgement Judge(ExchangeGatingEvidence e)
    {
        var attempts = e.Attempts;
        var judgements = attempts.Select(a => RefreshGatedCheck.Gated("Token Exchange", a.Operation, a.StateAfterOperation, a.Exchange.Response, a.ExpectedState, a.Exchange.Edition)).ToList();
        // The worst wins: a derivation that went through, then the mission_inactive variant, then any pass; SKIPPED only if all were.
        var worst = judgements.Where(j => j.Holds == false && j.Explicit is null)
            .Concat(judgements.Where(j => j.Explicit == Verdict.Warning)).Take(1).ToList();
        if (worst.Count > 0) return worst[0];
        var passed = judgements.Where(j => j.Holds == true).ToList();
        if (passed.Count > 0) return Judgement.Pass(string.Join("; ", passed.Select(j => j.Message)));
        return judgements.Count > 0 ? judgements[0] : Judgement.Skip("not judged: no lifecycle operation was attempted");
    }
}

public sealed class TokenRevocationLeavesMission : Check<TokenRevocationEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-013";

    public override Judgement Judge(TokenRevocationEvidence e)
    {
        if (e.StateAfter is { } state && state != "active") return Judgement.Fail($"revoking one access token (RFC 7009) moved the Mission to {state}");
        return Judgement.That(e.RefreshAfter.Succeeded, "after RFC 7009 revocation of an access token the Mission still derives",
            $"after revoking one access token, refresh failed: {e.RefreshAfter.Response.Member("error")} {e.RefreshAfter.Response.Member("mission_state")}");
    }
}
