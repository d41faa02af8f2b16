using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Faults.Missions;
using MissionConformance.Reference.Missions;

namespace MissionConformance.Reference.Faults.Authorization;

/// <summary>The front channel's authorization_details are added to the pending Authority Set (MBO-AS-PAR-010).</summary>
[FaultHook(Fault.FrontChannelWidensAuthority)]
internal sealed class FrontChannelWidensAuthority : IAuthorizationHook
{
    public async ValueTask PendingFoundAsync(PendingMission pending)
    {
        if (pending.Mission is { } mission && !string.IsNullOrEmpty(pending.Request.RequestUri)
            && pending.Http.Request.Query[MissionParameters.AuthorizationDetails] is { Count: > 0 } extra)
        {
            pending.Mission = await pending.Store.WidenPendingAsync(mission.Id, extra[0]!, pending.Http.RequestAborted);
        }
    }
}

/// <summary>The front channel's scope is kept, and granted in the Mission's tokens (MBO-AS-PAR-010).</summary>
[FaultHook(Fault.FrontChannelScopeGranted)]
internal sealed class FrontChannelScopeKept : IAuthorizationHook
{
    public async ValueTask PendingFoundAsync(PendingMission pending)
    {
        if (pending.Mission is { } mission && !string.IsNullOrEmpty(pending.Request.RequestUri) && pending.Http.Request.Query["scope"] is { Count: > 0 } scope)
        {
            pending.Mission = await pending.Store.GrantFrontChannelScopeAsync(mission.Id, scope[0]!, pending.Http.RequestAborted);
        }
    }
}

[FaultHook(Fault.IgnoreAcr)]
internal sealed class IgnoreAcr : IAuthorizationHook
{
    public void AcrChecked(AcrCheck check) => check.Satisfied = true;
}

/// <summary>An approver who stepped up is trusted with more than the Intent asked for (MBO-AS-EXP-005).</summary>
[FaultHook(Fault.StepUpWidensAuthority)]
public sealed class StepUpWidensAuthority : IAuthorizationHook
{
    /// <summary>What the fault adds to the first entry once the approver has stepped up.</summary>
    public const string SteppedUpAuthorityAction = "approve_payments";

    public async ValueTask ApproverReadyAsync(ConsentStep consent)
    {
        if (consent.Mission.RequiredAcr is not null) consent.Mission = await consent.Store.AddActionToPendingAsync(consent.Mission.Id, SteppedUpAuthorityAction, consent.Aborted) ?? consent.Mission;
    }
}

/// <summary>A "policy change" adds an action after the consent page was rendered: what is approved is not what was shown.</summary>
[FaultHook(Fault.ChangeAuthorityAfterRender)]
public sealed class ChangeAuthorityAfterRender : IAuthorizationHook
{
    public const string ChangedAuthorityAction = "delete_records";

    public async ValueTask ApprovingAsync(ConsentStep consent) => await consent.Store.AddActionToPendingAsync(consent.Mission.Id, ChangedAuthorityAction, consent.Aborted);
}

/// <summary>The subject is taken from the client's login_hint, not from who signed in (MBO-AS-APR-005).</summary>
[FaultHook(Fault.SubjectFromLoginHint)]
internal sealed class SubjectFromLoginHint : IAuthorizationHook
{
    public void ChoosingSubject(SubjectChoice choice)
    {
        if (choice.Mission.LoginHint is { } hint) choice.Subject = TestPrincipals.Accounts.FirstOrDefault(a => a.Username == hint || a.Subject == hint) ?? choice.Approver;
    }
}

[FaultHook(Fault.OmitExpiryFromConsent)]
internal sealed class OmitExpiryFromConsent : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft) => draft.Disclosure.Remove("mission_expiry");
}

[FaultHook(Fault.HideNarrowingDecisions)]
internal sealed class HideNarrowingDecisions : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft) => draft.Disclosure.Remove("narrowing");
}

[FaultHook(Fault.HideSubjectOnBehalf)]
internal sealed class HideSubjectOnBehalf : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft)
    {
        if (draft.OnBehalf) draft.Disclosure.Remove("subject");
    }
}

[FaultHook(Fault.NoAntiForgery)]
internal sealed class NoAntiForgery : IAuthorizationHook
{
    public void AntiForgeryChecked(AntiForgeryCheck check) => check.Valid = true;
}

/// <summary>A denial still ends in a code, as if approved (MBO-AS-APR-003).</summary>
[FaultHook(Fault.DenyIssuesCode)]
internal sealed class DenyIssuesCode : IAuthorizationHook
{
    public void Denied(DenialResult result) => result.Answer = AuthorizationEndpoint.IssueCode(result.Mission, result.Subject);
}
