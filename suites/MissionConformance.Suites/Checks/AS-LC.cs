using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

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

public sealed class LifecycleRequiresAdvertisedAuth : Check<LifecycleAuthEvidence>
{
    public override string RequirementId => "MBO-AS-LC-007";

    public override PositiveControl Control => Controls.LifecycleAuthenticated;

    /// <remarks>
    /// Both editions list the mechanisms a lifecycle request must use (the Mission Status endpoint's) and refuse every other, so a
    /// service credential the target file declares, when served, fails this as it fails MBO-MS-002.
    /// </remarks>
    public override Judgement Judge(LifecycleAuthEvidence e)
    {
        var plain = Refused("lifecycle", e.Unauthenticated, e.ClientSecretBasic);
        if (plain.Holds != true || e.DeclaredCredential is not { } header || !e.DeclaredCredentialServed) return plain;
        return Judgement.Fail($"{plain.Message}, but a request authenticated only by the {header} header the target file declares was served: "
            + $"that is none of {e.Edition.StatusAuthentication}, which the lifecycle endpoint shares with Mission Status; a request authenticated otherwise must be refused with 401");
    }

    /// <summary>mission-status.md "Authentication", for every Mission endpoint: no credential and a client secret both get 401.</summary>
    public static Judgement Refused(string surface, WireResponse unauthenticated, WireResponse clientSecretBasic)
        => Judgement.That(unauthenticated.Status == HttpStatusCode.Unauthorized && clientSecretBasic.Status == HttpStatusCode.Unauthorized,
            $"{surface} requests without authentication and with client_secret_basic get 401",
            $"without authentication: HTTP {(int)unauthenticated.Status}; with client_secret_basic: HTTP {(int)clientSecretBasic.Status}; both must be 401");
}

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
        if (e.Response.Artifact?.Kind != e.Edition.StatusPayload) return Judgement.NotValidatedAtCapture("the lifecycle response");
        // Anchor formats are MBO-AS-REC-004's to judge.
        var errors = e.Response.SchemaErrors
            .Where(x => !x.Pointer.StartsWith("/integrity_anchors/", StringComparison.Ordinal) && x.Pointer != "/mission/authority_hash").ToList();
        if (errors.Count > 0) return Judgement.Fail("Mission Status payload: " + string.Join("; ", errors));
        var state = Subset.Text(status.Payload, "state")
            ?? (status.Payload.TryGetProperty("mission", out var mission) && mission.ValueKind == System.Text.Json.JsonValueKind.Object ? Subset.Text(mission, "state") : null);
        if (e.Edition.StatusPayload != ArtifactKind.MissionStatus)
        {
            // ietf-2026-08's Mission Status Response reports the state in mission and has no lifecycle_event member.
            return Judgement.That(state == e.ExpectedState, $"signed Mission Status: mission.state {state}",
                $"signed Mission Status says mission.state {state ?? "(absent)"}; expected {e.ExpectedState} after {e.Operation}");
        }
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
        var errors = e.Response.IsJson ? e.Response.SchemaErrors : [new SchemaError("", "not JSON")];
        return Judgement.That(errors.Count == 0, "409 mission_concurrent_modification with current_state and observed_state",
            "concurrent-modification body: " + string.Join("; ", errors));
    }
}

/// <summary>
/// MC-AS-LC-201, new in ietf-2026-08 (status §Idempotency and Conflicts): an operation not legal from the Mission's current state
/// is refused with HTTP 409 and error <c>conflict</c>, the state unchanged. The seed asks for a 409 with its own members instead
/// (MBO-AS-LC-009, which does not apply there).
/// </summary>
public sealed class IllegalOperationIsConflict : Check<TerminalEvidence>
{
    public override string RequirementId => "MC-AS-LC-201";

    /// <summary>As for MBO-AS-LC-005: the same endpoint served a legal transition first.</summary>
    public override PositiveControl Control => Controls.LifecycleServed;

    public override Judgement Judge(TerminalEvidence e)
    {
        if (e.Precondition is { } skip) return Judgement.Skip(skip);
        if ((int)e.Response.Status is >= 200 and < 300) return Judgement.Skip($"not judged: {e.Attempt} after {e.Terminal} was accepted, not refused (see MBO-AS-LC-005)");
        var error = e.Response.IsJson ? e.Response.Member("error") : null;
        var problems = new List<string>();
        if (e.Response.Status != System.Net.HttpStatusCode.Conflict || error != "conflict")
        {
            problems.Add($"{e.Attempt} after {e.Terminal} was refused with HTTP {(int)e.Response.Status} {error ?? e.Response.ContentType ?? ""}".TrimEnd() + ", not 409 conflict");
        }
        if (e.StateAfter is { } after && after != e.Terminal) problems.Add($"the Mission went from {e.Terminal} to {after}");
        return Judgement.That(problems.Count == 0, $"{e.Attempt} after {e.Terminal} was refused with 409 and error conflict", string.Join("; ", problems));
    }
}
