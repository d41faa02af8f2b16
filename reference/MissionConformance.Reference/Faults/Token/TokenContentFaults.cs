using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(Fault.RefreshChangesSubject)]
internal sealed class RefreshChangesSubject : ITokenHook
{
    public void TokenDrafted(TokenDraft draft)
    {
        if (draft.Grant == GrantKind.Refresh) draft.Subject += "-refreshed";
    }
}

/// <summary>Every issued entry gains an action the Mission never approved.</summary>
[FaultHook(Fault.WidenTokenDetails)]
internal sealed class WidenTokenDetails : ITokenHook
{
    public void TokenDrafted(TokenDraft draft)
    {
        foreach (var entry in draft.Entries) entry!["actions"]!.AsArray().Add("admin_override");
    }
}

[FaultHook(Fault.MissingMissionClaim)]
internal sealed class MissingMissionClaim : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.MissionClaim = null;
}

[FaultHook(Fault.AudienceIncludesUnrelated)]
internal sealed class AudienceIncludesUnrelated : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.Audiences.Add("https://unrelated.example/api");
}

[FaultHook(Fault.ScopeBroaderThanDetails)]
internal sealed class ScopeBroaderThanDetails : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.Scopes = ["admin"];
}

/// <summary>The scope a front-channel request asked for is granted beside the Mission's entries.</summary>
[FaultHook(Fault.FrontChannelScopeGranted)]
internal sealed class FrontChannelScopeGranted : ITokenHook
{
    public void TokenDrafted(TokenDraft draft)
    {
        if (draft.Mission.FrontChannelScope is { } scope) draft.Scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>Access tokens get their full lifetime even when the Mission expires sooner (MBO-AS-TOK-007).</summary>
[FaultHook(Fault.TokenOutlivesMissionExpiry)]
internal sealed class TokenOutlivesMissionExpiry : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.AccessTokenLifetime = ReferenceSettings.AccessTokenLifetime;
}

[FaultHook(Fault.DpopAnnouncedAsBearer)]
internal sealed class DpopAnnouncedAsBearer : ITokenHook
{
    public void Binding(TokenBinding binding) => binding.AnnouncedAsBearer = true;
}

/// <summary>A public client's refresh token is not bound to its DPoP key (and, with the stack, not rotated either).</summary>
[FaultHook(Fault.PublicRefreshNeitherRotatedNorBound)]
internal sealed class PublicRefreshNeitherRotatedNorBound : ITokenHook, IStackFault
{
    public void Binding(TokenBinding binding) => binding.BindsRefreshToken = false;

    public RefreshRotation Rotation(RefreshRotation rotation) => rotation with { Public = false };
}
