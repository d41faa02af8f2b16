using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>A refresh attempted after a lifecycle operation, with the state the inventory reports.</summary>
public sealed record GatingEvidence(string Operation, WireResponse Lifecycle, string? StateAfterOperation, TokenExchange Refresh, string ExpectedState);

/// <summary>Refresh after the operation is refused with invalid_grant and the expected mission_state.</summary>
public abstract class RefreshGatedCheck : Check<GatingEvidence>
{
    public override PositiveControl Control => Controls.ActiveRefreshServed;

    public override Judgement Judge(GatingEvidence e) => Gated("refresh", e.Operation, e.StateAfterOperation, e.Refresh.Response, e.ExpectedState);

    /// <summary>oauth-profile.md §9: a derivation (refresh, exchange, …) of a Mission that is not active is refused with invalid_grant and its mission_state.</summary>
    internal static Judgement Gated(string derivation, string operation, string? stateAfterOperation, WireResponse response, string expectedState)
    {
        if (stateAfterOperation is { } state && state != expectedState)
        {
            return Judgement.Skip($"not judged: after {operation} the Mission is {state}, not {expectedState} (see MBO-AS-LC-001/002)");
        }
        if (response.Status == HttpStatusCode.OK) return Judgement.Fail($"{derivation} succeeded while the Mission is {expectedState}; only an active Mission derives");
        var error = response.ErrorCode;
        var missionState = response.ObjectBody() is { } body && body.TryGetProperty("mission_state", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String ? s.GetString() : null;
        if (error == "mission_inactive" && missionState == expectedState)
        {
            return new Judgement(false, "refused with the formal profile's mission_inactive variant; invalid_grant is the seed form (open point 2)", Verdict.Warning);
        }
        return Judgement.That(error == "invalid_grant" && missionState == expectedState,
            $"{derivation} refused: invalid_grant, mission_state={expectedState}",
            $"{derivation} after {operation} got {response.Outcome()} mission_state={missionState ?? "(none)"}; expected invalid_grant with mission_state={expectedState}");
    }
}

public sealed class RefreshGatedWhenSuspended : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-001"; }

public sealed class RefreshGatedWhenRevoked : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-002"; }

public sealed class RefreshGatedWhenCompleted : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-003"; }

public sealed class RefreshGatedWhenExpired : RefreshGatedCheck { public override string RequirementId => "MBO-AS-GATE-004"; }

/// <summary>Every gating refusal seen in the run.</summary>
public sealed record GatingErrors(IReadOnlyList<WireResponse> Responses);

public sealed class GatingMissionStateEnumerated : Check<GatingErrors>
{
    public override string RequirementId => "MBO-AS-GATE-006";

    public override Judgement Judge(GatingErrors e)
    {
        var bad = e.Responses.Where(r => r.IsJson).SelectMany(r => ArtifactSchemas.Validate(ArtifactKind.OAuthError, r.Body)).ToList();
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

public sealed record ResumeEvidence(string? StateAfterSuspend, WireResponse Resume, string? StateAfterResume, TokenExchange Refresh);

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

/// <summary>Each lifecycle operation with the state it led to (from the inventory, or inferred from gating).</summary>
public sealed record TransitionEvidence(IReadOnlyList<(string Operation, HttpStatusCode Status, string? StateAfter, string Expected)> Transitions);

public sealed class RevokeByIdWithoutToken : Check<TransitionEvidence>
{
    public override string RequirementId => "MBO-AS-LC-001";

    public override Judgement Judge(TransitionEvidence e) => LifecycleJudgement.Transitions(e, "revoke");
}

public sealed class LifecycleOperationsTransition : Check<TransitionEvidence>
{
    public override string RequirementId => "MBO-AS-LC-002";

    public override Judgement Judge(TransitionEvidence e) => LifecycleJudgement.Transitions(e, "suspend", "resume", "complete");
}

public sealed class LifecycleOperationsExposed : Check<TransitionEvidence>
{
    private static readonly string[] Operations = ["revoke", "suspend", "resume", "complete"];

    public override string RequirementId => "MBO-CM-005";

    public override Judgement Judge(TransitionEvidence e)
    {
        var missing = Operations
            .Where(op => !e.Transitions.Any(t => t.Operation == op && (int)t.Status is >= 200 and < 300)).ToList();
        return Judgement.That(missing.Count == 0, "revoke, suspend, resume and complete are all exposed and accepted",
            "lifecycle operation(s) not accepted: " + string.Join(", ", missing));
    }
}

internal static class LifecycleJudgement
{
    public static Judgement Transitions(TransitionEvidence e, params string[] operations)
    {
        var problems = e.Transitions.Where(t => operations.Contains(t.Operation))
            .Select(t => (int)t.Status is < 200 or >= 300
                ? $"{t.Operation} answered HTTP {(int)t.Status}"
                : t.StateAfter is { } s && s != t.Expected ? $"{t.Operation} was acknowledged but the Mission is {s}, not {t.Expected}" : null)
            .OfType<string>().ToList();
        return Judgement.That(problems.Count == 0, $"{string.Join(", ", operations)} performed their transitions", string.Join("; ", problems));
    }
}

/// <summary>Another client's Mission asked about, and two unknown ids (what differs between those two is per-request noise).</summary>
public sealed record ForeignAccessEvidence(WireResponse Foreign, WireResponse Unknown, WireResponse UnknownAgain, string? StateAfter);

public sealed class ForeignMissionLooksUnknown : Check<ForeignAccessEvidence>
{
    public override string RequirementId => "MBO-AS-LC-003";

    public override Judgement Judge(ForeignAccessEvidence e)
    {
        if ((int)e.Foreign.Status is >= 200 and < 300) return Judgement.Fail("another client revoked a Mission it does not own");
        var differences = NoOracle.Differences(e.Unknown, e.UnknownAgain, e.Foreign);
        return Judgement.That(differences.Count == 0,
            $"a foreign Mission and an unknown id get the same HTTP {(int)e.Foreign.Status}, headers and body (but what differs between two unknown ids)",
            $"a foreign Mission's answer differs from an unknown id's: {string.Join("; ", differences)}: an oracle for Mission ids");
    }
}

public sealed record RepeatEvidence(string Operation, WireResponse First, WireResponse Second);

public sealed class LifecycleIdempotent : Check<IReadOnlyList<RepeatEvidence>>
{
    public override string RequirementId => "MBO-AS-LC-004";

    public override Judgement Judge(IReadOnlyList<RepeatEvidence> e)
    {
        // Only operations whose first call succeeded can be repeated idempotently (MBO-CM-005 judges the others).
        var bad = e.Where(r => (int)r.First.Status is >= 200 and < 300 && (int)r.Second.Status is < 200 or >= 300).Select(r => $"repeating {r.Operation} got HTTP {(int)r.Second.Status} {r.Second.Member("error")}").ToList();
        return Judgement.That(bad.Count == 0, $"repeating {string.Join(", ", e.Select(r => r.Operation))} succeeds idempotently", string.Join("; ", bad));
    }
}

/// <summary>An operation attempted on a Mission in state <paramref name="Terminal"/> (as the inventory showed it before the attempt).</summary>
public sealed record TerminalEvidence(string Terminal, string? StateBefore, string Attempt, WireResponse Response, string? StateAfter, TokenExchange RefreshAfter)
{
    /// <summary>Null when the Mission really was in <see cref="Terminal"/>; otherwise why the check cannot judge.</summary>
    public string? Precondition => StateBefore is { } before && before != Terminal ? $"not judged: the Mission was {before}, not {Terminal}, before {Attempt} (see MBO-AS-LC-001/002)" : null;
}

public sealed class TerminalStatesAbsorbing : Check<TerminalEvidence>
{
    public override string RequirementId => "MBO-AS-LC-005";

    public override PositiveControl Control => Controls.LifecycleServed;

    public override Judgement Judge(TerminalEvidence e)
    {
        if (e.Precondition is { } skip) return Judgement.Skip(skip);
        if ((int)e.Response.Status is >= 200 and < 300 && e.StateAfter != e.Terminal)
        {
            return Judgement.Fail($"{e.Attempt} after {e.Terminal} was accepted and the Mission is now {e.StateAfter}; terminal states are absorbing");
        }
        // With an inventory the state says it; without one, whether the Mission derives again is the evidence.
        if (e.StateAfter is null && e.RefreshAfter.Succeeded) return Judgement.Fail($"{e.Attempt} after {e.Terminal}: refresh works again");
        return Judgement.That((int)e.Response.Status is >= 400 and < 500, $"{e.Attempt} after {e.Terminal} was refused (HTTP {(int)e.Response.Status}) and the Mission stayed {e.Terminal}",
            $"{e.Attempt} after {e.Terminal} answered HTTP {(int)e.Response.Status}; expected a refusal (409 mission_concurrent_modification)");
    }
}

public sealed class SuspendedCannotComplete : Check<TerminalEvidence>
{
    public override string RequirementId => "MBO-AS-LC-006";

    public override PositiveControl Control => Controls.LifecycleServed;

    public override Judgement Judge(TerminalEvidence e)
        => e.Precondition is { } skip ? Judgement.Skip(skip) : Judgement.That((int)e.Response.Status is >= 400 and < 500 && e.StateAfter is null or "suspended",
            "complete on a suspended Mission was refused and it stayed suspended",
            $"complete on a suspended Mission answered HTTP {(int)e.Response.Status}; the Mission is {e.StateAfter ?? "(unknown)"}");
}

public sealed record LifecycleAuthEvidence(WireResponse Unauthenticated, WireResponse ClientSecretBasic);

public sealed class LifecycleRequiresAdvertisedAuth : Check<LifecycleAuthEvidence>
{
    public override string RequirementId => "MBO-AS-LC-007";

    public override PositiveControl Control => Controls.LifecycleAuthenticated;

    public override Judgement Judge(LifecycleAuthEvidence e) => Refused("lifecycle", e.Unauthenticated, e.ClientSecretBasic);

    /// <summary>mission-status.md "Authentication", for every Mission endpoint: no credential and a client secret both get 401.</summary>
    public static Judgement Refused(string surface, WireResponse unauthenticated, WireResponse clientSecretBasic)
        => Judgement.That(unauthenticated.Status == HttpStatusCode.Unauthorized && clientSecretBasic.Status == HttpStatusCode.Unauthorized,
            $"{surface} requests without authentication and with client_secret_basic get 401",
            $"without authentication: HTTP {(int)unauthenticated.Status}; with client_secret_basic: HTTP {(int)clientSecretBasic.Status}; both must be 401");
}

public sealed record SignedLifecycleResponse(WireResponse Response, string Operation, string ExpectedState, string Jwks);

public sealed class LifecycleReturnsSignedStatus : Check<SignedLifecycleResponse>
{
    public override string RequirementId => "MBO-AS-LC-008";

    public override Judgement Judge(SignedLifecycleResponse e)
    {
        if (e.Response.ContentType is not ("application/mission-status-response+jwt" or "application/mission-lifecycle-response+jwt"))
        {
            return Judgement.Fail($"the lifecycle response is {e.Response.ContentType ?? "(no content type)"}, not a signed Mission Status response");
        }
        DecodedJwt status;
        try
        {
            status = DecodedJwt.Decode(e.Response.Body);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return Judgement.Fail("the lifecycle response body is not a compact JWS");
        }
        if (!DecodedJwt.VerifySignatureAsync(e.Response.Body, e.Jwks).GetAwaiter().GetResult()) return Judgement.Fail("the lifecycle response signature does not verify with the AS's jwks_uri");
        // Anchor formats are MBO-AS-REC-004's to judge.
        var errors = ArtifactSchemas.Validate(ArtifactKind.MissionStatus, status.Payload.GetRawText())
            .Where(x => !x.Pointer.StartsWith("/integrity_anchors/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail("Mission Status payload: " + string.Join("; ", errors));
        var state = Subset.Text(status.Payload, "state");
        var operation = status.Payload.TryGetProperty("lifecycle_event", out var ev) ? Subset.Text(ev, "operation") : null;
        return Judgement.That(state == e.ExpectedState && operation == e.Operation, $"signed Mission Status: state {state}, lifecycle_event {operation}",
            $"signed Mission Status says state {state}, lifecycle_event {operation}; expected {e.ExpectedState} after {e.Operation}");
    }
}

public sealed class ConflictCarriesStates : Check<TerminalEvidence>
{
    public override string RequirementId => "MBO-AS-LC-009";

    public override Judgement Judge(TerminalEvidence e)
    {
        if (e.Precondition is { } skip) return Judgement.Skip(skip);
        if ((int)e.Response.Status is >= 200 and < 300) return Judgement.Skip($"not judged: {e.Attempt} after {e.Terminal} was accepted, not refused (see MBO-AS-LC-005)");
        if (e.Response.Status != HttpStatusCode.Conflict) return Judgement.Fail($"a conflicting operation answered HTTP {(int)e.Response.Status}, 409 is recommended");
        var errors = e.Response.IsJson ? ArtifactSchemas.Validate(ArtifactKind.ConcurrentModification, e.Response.Body) : [new SchemaError("", "not JSON")];
        return Judgement.That(errors.Count == 0, "409 mission_concurrent_modification with current_state and observed_state",
            "concurrent-modification body: " + string.Join("; ", errors));
    }
}

/// <summary>Derivations against a context.max_derivations budget: one after another, then a race while the budget still has room.</summary>
public sealed record BudgetEvidence(int Budget, IReadOnlyList<TokenExchange> Sequential, BudgetRace Race);

/// <summary>
/// MBO-AS-GATE-009's evidence: <paramref name="Parallel"/> derivations of <paramref name="How"/> fired at once while
/// <paramref name="Allowed"/> remained in the budget, so a check and increment that are not atomic let more through.
/// <paramref name="WhyNot"/> says why no race could be run (the derivations the AS offers are serialised by rotation).
/// </summary>
public sealed record BudgetRace(string How, int Allowed, IReadOnlyList<TokenExchange> Parallel, string? WhyNot = null);

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
