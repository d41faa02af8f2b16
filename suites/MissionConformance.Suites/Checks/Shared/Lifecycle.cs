using System.Net;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>A refresh attempted after a lifecycle operation, with the state the inventory reports.</summary>
public sealed record GatingEvidence(string Operation, WireResponse Lifecycle, string? StateAfterOperation, TokenExchange Refresh, string ExpectedState);

/// <summary>Refresh after the operation is refused with invalid_grant and the expected mission_state.</summary>
public abstract class RefreshGatedCheck : Check<GatingEvidence>
{
    public override PositiveControl Control => Controls.ActiveRefreshServed;

    public override Judgement Judge(GatingEvidence e) => Gated("refresh", e.Operation, e.StateAfterOperation, e.Refresh.Response, e.ExpectedState, e.Refresh.Edition);

    /// <summary>
    /// oauth-profile.md §9: a derivation (refresh, exchange, …) of a Mission that is not active is refused with invalid_grant and its
    /// mission_state; in ietf-2026-08 (Issuance Gating) with invalid_grant, and SHOULD with mission_error (a WARNING when absent).
    /// </summary>
    internal static Judgement Gated(string derivation, string operation, string? stateAfterOperation, WireResponse response, string expectedState, Edition edition)
    {
        if (stateAfterOperation is { } state && state != expectedState)
        {
            return Judgement.Skip($"not judged: after {operation} the Mission is {state}, not {expectedState} (see MBO-AS-LC-001/002)");
        }
        if (response.Status == HttpStatusCode.OK) return Judgement.Fail($"{derivation} succeeded while the Mission is {expectedState}; only an active Mission derives");
        var error = response.ErrorCode;
        if (!edition.GatingMemberRequired) return GatedInEdition(derivation, operation, response, expectedState, edition);
        var missionState = response.ObjectBody() is { } body && body.TryGetProperty("mission_state", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String ? s.GetString() : null;
        if (error == "mission_inactive" && missionState == expectedState)
        {
            return new Judgement(false, "refused with the formal profile's mission_inactive variant; invalid_grant is the seed form (open point 2)", Verdict.Warning);
        }
        return Judgement.That(error == "invalid_grant" && missionState == expectedState,
            $"{derivation} refused: invalid_grant, mission_state={expectedState}",
            $"{derivation} after {operation} got {response.Outcome()} mission_state={missionState ?? "(none)"}; expected invalid_grant with mission_state={expectedState}");
    }

    /// <summary>An edition whose diagnostic member is recommended: invalid_grant decides; a missing or other diagnostic is a WARNING.</summary>
    private static Judgement GatedInEdition(string derivation, string operation, WireResponse response, string expectedState, Edition edition)
    {
        if (response.ErrorCode != "invalid_grant") return Judgement.Fail($"{derivation} after {operation} got {response.Outcome()}; expected invalid_grant ({edition.Name}, Issuance Gating)");
        var expected = edition.GatingValue(expectedState);
        var said = response.Member(edition.GatingMember);
        if (expected is null || said == expected) return Judgement.Pass($"{derivation} refused: invalid_grant{(said is null ? "" : $", {edition.GatingMember}={said}")}");
        return new Judgement(false, $"{derivation} refused with invalid_grant, but {edition.GatingMember} is {said ?? "(absent)"}; it should be {expected} ({edition.Name}, Issuance Gating)",
            Verdict.Warning);
    }
}

/// <summary>Every gating refusal seen in the run.</summary>
public sealed record GatingErrors(IReadOnlyList<WireResponse> Responses)
{
    /// <summary>The edition whose member says why a derivation was refused (<see cref="Harness.Editions.Edition.GatingMember"/>).</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;
}

public sealed record ResumeEvidence(string? StateAfterSuspend, WireResponse Resume, string? StateAfterResume, TokenExchange Refresh);

/// <summary>Each lifecycle operation with the state it led to (from the inventory, or inferred from gating).</summary>
public sealed record TransitionEvidence(IReadOnlyList<(string Operation, HttpStatusCode Status, string? StateAfter, string Expected)> Transitions);

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

public sealed record RepeatEvidence(string Operation, WireResponse First, WireResponse Second);

/// <summary>An operation attempted on a Mission in state <paramref name="Terminal"/> (as the inventory showed it before the attempt).</summary>
public sealed record TerminalEvidence(string Terminal, string? StateBefore, string Attempt, WireResponse Response, string? StateAfter, TokenExchange RefreshAfter)
{
    /// <summary>Null when the Mission really was in <see cref="Terminal"/>; otherwise why the check cannot judge.</summary>
    public string? Precondition => StateBefore is { } before && before != Terminal ? $"not judged: the Mission was {before}, not {Terminal}, before {Attempt} (see MBO-AS-LC-001/002)" : null;
}

public sealed record LifecycleAuthEvidence(WireResponse Unauthenticated, WireResponse ClientSecretBasic)
{
    /// <summary>The header of the credential the target file declares for the lifecycle endpoint (lifecycle.authentication), and whether a request with it alone was served.</summary>
    public string? DeclaredCredential { get; init; }

    /// <summary>Whether the request authenticated by <see cref="DeclaredCredential"/> alone got past authentication (the positive control).</summary>
    public bool DeclaredCredentialServed { get; init; }

    /// <summary>The edition whose list of authentication mechanisms applies.</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;
}

public sealed record SignedLifecycleResponse(WireResponse Response, string Operation, string ExpectedState, string Jwks)
{
    /// <summary>The edition whose Mission Status Response the answer is (ietf-2026-08: state in mission, no lifecycle_event).</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;
}

/// <summary>Derivations against a context.max_derivations budget: one after another, then a race while the budget still has room.</summary>
public sealed record BudgetEvidence(int Budget, IReadOnlyList<TokenExchange> Sequential, BudgetRace Race);

/// <summary>
/// MBO-AS-GATE-009's evidence: <paramref name="Parallel"/> derivations of <paramref name="How"/> fired at once while
/// <paramref name="Allowed"/> remained in the budget, so a check and increment that are not atomic let more through.
/// <paramref name="WhyNot"/> says why no race could be run (the derivations the AS offers are serialised by rotation).
/// </summary>
public sealed record BudgetRace(string How, int Allowed, IReadOnlyList<TokenExchange> Parallel, string? WhyNot = null);
