using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class DelegatedTokenNamesDelegate : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-001";

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.NotDelegated() is { } why) return Judgement.Skip(why);
        if (!e.Delegated.Succeeded) return Judgement.Fail($"delegating the agent's token to {e.DelegateId} with a DPoP proof was refused: {DelegatedTokenEvidence.Refused(e.Delegated)}");
        if (e.Delegated.Claim("sub") != e.Subject.Claim("sub")) return Judgement.Fail($"the delegated token's sub is {e.Delegated.Claim("sub")}, the agent's token's {e.Subject.Claim("sub")}");
        // The seed keeps the approved agent in client_id; ietf-2026-08 (Delegation Within a Mission) gives it its RFC 8693 §4.3 meaning,
        // the client that requested this token: here the delegate, which asked for the exchange.
        var (clientId, whose) = e.Edition.DelegatedClientIsRequester ? (e.DelegateId, "the requesting delegate") : (e.Subject.Claim("client_id"), "the approved agent");
        if (e.Delegated.Claim("client_id") != clientId)
        {
            return Judgement.Fail($"the delegated token's client_id is {e.Delegated.Claim("client_id")}; it is {whose} {clientId} (edition {e.Edition.Name}), and the delegate goes in act");
        }
        if (e.Act is not { } act) return Judgement.Fail("the delegated token has no act claim naming the delegate");
        if (e.Delegated.ClaimsArtifact is not { } claims) return Judgement.NotValidatedAtCapture("the delegated token's claims");
        var errors = claims.Under("/act");
        if (errors.Count > 0) return Judgement.Fail($"the delegated token's act breaks act.schema.json: {string.Join("; ", errors.Take(3))}");
        return Judgement.That(Subset.Text(act, "sub") == e.DelegateId, $"sub is the agent's, client_id {whose}'s; the outermost act names {e.DelegateId}",
            $"the outermost act names {Subset.Text(act, "sub") ?? "(no sub)"}, not the delegate {e.DelegateId}");
    }
}

public sealed class DelegatedAuthorityWithinSubject : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-002";

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.NotDelegated() is { } why) return Judgement.Skip(why);
        foreach (var (subject, delegated, label) in new[] { (e.Subject, e.Delegated, "the agent's token"), (e.Narrowed, e.NarrowedDelegated, "the agent's narrowed token") })
        {
            if (subject is null || delegated is not { Succeeded: true }) continue;
            var (wider, undecided) = Subset.Beyond(delegated.Entries, subject.Entries.ToList());
            if (wider is { } entry) return Judgement.Fail($"a token delegated from {label} carries {TokenResponseEchoesDetails.Short(entry)}, which {label} does not");
            if (undecided is not null) return Judgement.Review(Subset.UndecidedReview($"delegated from {label}, {undecided}"));
        }
        return e.Delegated.Succeeded
            ? Judgement.Pass($"every delegated entry is a subset of the delegating token's{(e.NarrowedDelegated is { Succeeded: true } ? ", the narrowed token's delegation included" : "")}")
            : Judgement.Skip($"not judged: the delegation was refused ({DelegatedTokenEvidence.Refused(e.Delegated)}, see MBO-AS-DEL-001)");
    }
}

public sealed class DelegatedTokenBoundToDelegateKey : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-003";

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.Unbound.Succeeded)
        {
            return Judgement.Fail($"a delegated token was issued to {e.DelegateId} without a DPoP proof of its key: delegated tokens are sender-constrained to the delegate (oauth-profile.md §8)");
        }
        if (e.NotDelegated() is { } why) return Judgement.Skip(why);
        if (!e.Delegated.Succeeded) return Judgement.Skip($"not judged: the delegation was refused ({DelegatedTokenEvidence.Refused(e.Delegated)}, see MBO-AS-DEL-001)");
        var jkt = e.Delegated.Claims!.Value.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object ? Subset.Text(cnf, "jkt") : null;
        return Judgement.That(jkt == e.DelegateKeyThumbprint, "the delegated token's cnf.jkt is the thumbprint of the delegate's DPoP key; without a proof, no token",
            jkt is null ? "the delegated token carries no cnf.jkt" : $"the delegated token is bound to {jkt}, not the delegate's key {e.DelegateKeyThumbprint}");
    }
}

public sealed class DelegatedEntriesEligible : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-004";

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.NotDelegated() is { } why) return Judgement.Skip(why);
        if (!e.Delegated.Succeeded) return Judgement.Skip($"not judged: the delegation was refused ({DelegatedTokenEvidence.Refused(e.Delegated)}, see MBO-AS-DEL-001)");
        // The profile the AS asserted for the delegate; with no act (see DEL-001) a sub_profile matcher cannot be judged.
        var profile = e.Act is { } act ? Subset.Text(act, "sub_profile") : null;
        var subjectEntries = e.SubjectEntries;
        foreach (var (token, depth) in new[] { (e.Delegated, 1), (e.Redelegated, 2) })
        {
            if (token is not { Succeeded: true }) continue;
            foreach (var entry in token.Entries)
            {
                var source = subjectEntries.FirstOrDefault(s => Subset.Contains(entry, s) != Containment.Outside);
                if (source.ValueKind != JsonValueKind.Object) continue;  // beyond the agent's token: DEL-002's
                if (DelegatedTokenEvidence.Delegable(source, depth, e.DelegateId, profile) == false)
                {
                    return Judgement.Fail($"a token delegated at depth {depth} carries the entry for {Subset.Text(entry, "resource")}, whose delegation member "
                        + (source.TryGetProperty("delegation", out var d) ? $"{d.GetRawText()} does not admit {e.DelegateId} there" : "is absent (non-delegable)"));
                }
            }
        }
        var excluded = subjectEntries.Count - e.Delegated.Entries.Count;
        return Judgement.Pass($"every delegated entry has a delegation member admitting {e.DelegateId} at its depth ({excluded} of the agent's {subjectEntries.Count} entries left out)");
    }
}

public sealed class EmptyDelegationRefused : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-005";

    public override PositiveControl Control => Controls.DelegationServed;

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.Redelegated is not { } again) return Judgement.Skip("not judged: the first delegation gave no token to delegate again (see MBO-AS-DEL-001)");
        if (e.SubjectEntries.Any(s => DelegatedTokenEvidence.Delegable(s, 2, e.DelegateId, null) != false))
        {
            return Judgement.Skip("not judged: an entry of the Mission allows a second hop, so the second delegation need not narrow to nothing");
        }
        var error = e.Edition.EmptyDelegationError;
        if (!again.Succeeded)
        {
            return Judgement.That(again.Response.ErrorCode == error, $"a delegation that leaves no entry (depth beyond every max_depth) is refused with {error}",
                $"a delegation that leaves no entry was refused with {again.Response.Outcome()}, not {error} (edition {e.Edition.Name})");
        }
        return again.Entries.Count == 0
            ? Judgement.Fail($"a delegation that leaves no entry issued a token with no authorization_details; it must be refused with {error}")
            : Judgement.Skip("not judged: the second delegation kept entries beyond max_depth (see MBO-AS-DEL-004)");
    }
}

public sealed class SelfAssertedProfileIgnored : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-006";

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.ForeignId is null) return Judgement.Skip("not judged: the target file names no second client (role \"foreign\") to claim a profile it was not given");
        if (e.ClaimedProfile is null || e.SelfAsserted is not { } attempt) return Judgement.Skip("not judged: no entry of the agent's token admits delegates by sub_profile");
        if (!attempt.Succeeded) return Judgement.Pass($"{e.ForeignId}, claiming sub_profile {e.ClaimedProfile} in an actor_token, was refused: {DelegatedTokenEvidence.Refused(attempt)}");
        var gained = attempt.Entries
            .Where(entry => e.SubjectEntries.FirstOrDefault(s => Subset.Contains(entry, s) != Containment.Outside) is { ValueKind: JsonValueKind.Object } source
                && DelegatedTokenEvidence.Delegable(source, 1, e.ForeignId, null) is null)
            .Select(entry => Subset.Text(entry, "resource")).ToList();
        return Judgement.That(gained.Count == 0, $"{e.ForeignId}'s self-asserted sub_profile {e.ClaimedProfile} admitted no entry",
            $"{e.ForeignId} claimed sub_profile {e.ClaimedProfile} in its own actor_token and received {string.Join(", ", gained)}: only an AS-asserted profile may match allowed_delegates");
    }
}

public sealed class DelegationGatedOnMissionState : Check<DelegatedTokenEvidence>
{
    public override string RequirementId => "MBO-AS-DEL-007";

    public override PositiveControl Control => Controls.DelegationServed;

    public override Judgement Judge(DelegatedTokenEvidence e)
    {
        if (e.Gated is not { } gated) return Judgement.Skip("not judged: the Mission could not be suspended (see MBO-AS-LC-002)");
        return RefreshGatedCheck.Gated("delegation", gated.Operation, gated.StateAfterOperation, gated.Exchange.Response, gated.ExpectedState, gated.Exchange.Edition);
    }
}
