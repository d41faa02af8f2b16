using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Faults.Missions;

namespace MissionConformance.Reference.Faults.Authorization;

/// <summary>The front channel's authorization_details are added to the pending Authority Set (MBO-AS-PAR-010).</summary>
[FaultHook(
    Fault.FrontChannelWidensAuthority,
    "adds front-channel authorization_details on request_uri redemption to the Authority Set",
    "MBO-AS-PAR-010")]
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

/// <summary>The front channel's scope is kept, and granted in the Mission's tokens beside their entries (MBO-AS-PAR-010).</summary>
[FaultHook(
    Fault.FrontChannelScopeGranted,
    "a scope added on the front-channel request that redeems the request_uri is granted to the Mission's tokens (scope claim)",
    "MBO-AS-PAR-010")]
internal sealed class FrontChannelScopeGranted : IAuthorizationHook, Endpoints.Token.ITokenHook
{
    public void TokenDrafted(Endpoints.Token.TokenDraft draft)
    {
        if (draft.Mission.FrontChannelScope is { } scope) draft.Scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask PendingFoundAsync(PendingMission pending)
    {
        if (pending.Mission is { } mission && !string.IsNullOrEmpty(pending.Request.RequestUri) && pending.Http.Request.Query["scope"] is { Count: > 0 } scope)
        {
            pending.Mission = await pending.Store.GrantFrontChannelScopeAsync(mission.Id, scope[0]!, pending.Http.RequestAborted);
        }
    }
}

[FaultHook(
    Fault.IgnoreAcr,
    "an Intent's context.acr asking for the second factor is not enforced: password sign-in reaches consent",
    "MC-AS-APR-101")]
internal sealed class IgnoreAcr : IAuthorizationHook
{
    public void AcrChecked(AcrCheck check) => check.Satisfied = true;
}

/// <summary>An approver who stepped up is trusted with more than the Intent asked for (MBO-AS-EXP-005).</summary>
[FaultHook(
    Fault.StepUpWidensAuthority,
    "an approver who steps up to the Intent's context.acr is granted an action the Intent did not ask for (approve_payments on its first resource): stronger sign-in widens the Mission",
    "MBO-AS-EXP-005")]
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
[FaultHook(
    Fault.ChangeAuthorityAfterRender,
    "between rendering and approval the docs entry gains the delete_doc action, and the Mission is activated with it without a fresh approval",
    "MBO-AS-APR-001")]
public sealed class ChangeAuthorityAfterRender : IAuthorizationHook
{
    public const string ChangedAuthorityAction = "delete_records";

    public async ValueTask ApprovingAsync(ConsentStep consent) => await consent.Store.AddActionToPendingAsync(consent.Mission.Id, ChangedAuthorityAction, consent.Aborted);
}

/// <summary>The subject is taken from the client's login_hint, not from who signed in (MBO-AS-APR-005).</summary>
[FaultHook(Fault.SubjectFromLoginHint, "takes the Mission subject from the PAR login_hint instead of the authenticated user", "MBO-AS-APR-005")]
internal sealed class SubjectFromLoginHint : IAuthorizationHook
{
    public void ChoosingSubject(SubjectChoice choice)
    {
        if (choice.Mission.LoginHint is { } hint) choice.Subject = TestPrincipals.Accounts.FirstOrDefault(a => a.Username == hint || a.Subject == hint) ?? choice.Approver;
    }
}

[FaultHook(Fault.OmitExpiryFromConsent, "the consent page does not show mission_expiry", "MBO-AS-APR-001")]
internal sealed class OmitExpiryFromConsent : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft) => draft.Disclosure.Remove("mission_expiry");
}

[FaultHook(Fault.HideNarrowingDecisions, "the consent page does not disclose narrowing decisions", "MBO-AS-APR-002")]
internal sealed class HideNarrowingDecisions : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft) => draft.Disclosure.Remove("narrowing");
}

[FaultHook(
    Fault.HideSubjectOnBehalf,
    "when an assistant approves for someone else, the consent page names only the approver, not the subject the Mission is for",
    "MC-AS-APR-104")]
internal sealed class HideSubjectOnBehalf : IAuthorizationHook
{
    public void DisclosureBuilt(DisclosureDraft draft)
    {
        if (draft.OnBehalf) draft.Disclosure.Remove("subject");
    }
}

[FaultHook(Fault.NoAntiForgery, "the consent POST is accepted without its anti-forgery token", "MC-AS-APR-102")]
internal sealed class NoAntiForgery : IAuthorizationHook
{
    public void AntiForgeryChecked(AntiForgeryCheck check) => check.Valid = true;
}

/// <summary>A denial still ends in a code, as if approved (MBO-AS-APR-003).</summary>
[FaultHook(Fault.DenyIssuesCode, "a denial at consent still issues an authorization code", "MBO-AS-APR-003")]
internal sealed class DenyIssuesCode : IAuthorizationHook
{
    public void Denied(DenialResult result) => result.Answer = AuthorizationEndpoint.IssueCode(result.Mission, result.Subject);
}
