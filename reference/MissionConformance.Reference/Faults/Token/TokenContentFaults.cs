using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(Fault.RefreshChangesSubject, "refreshed tokens carry a different sub", "MBO-AS-TOK-010")]
internal sealed class RefreshChangesSubject : ITokenHook
{
    public void TokenDrafted(TokenDraft draft)
    {
        if (draft.Grant == GrantKind.Refresh) draft.Subject += "-refreshed";
    }
}

/// <summary>Every issued entry gains an action the Mission never approved.</summary>
[FaultHook(Fault.WidenTokenDetails, "token entries carry an action the Authority Set lacks", "MBO-AS-TOK-005", "MBO-AS-SUB-001")]
internal sealed class WidenTokenDetails : ITokenHook
{
    public void TokenDrafted(TokenDraft draft)
    {
        foreach (var entry in draft.Entries) entry!["actions"]!.AsArray().Add("admin_override");
    }
}

[FaultHook(Fault.MissingMissionClaim, "access tokens carry no mission claim", "MBO-AS-TOK-001", "MBO-AS-TOK-002", "MBO-AS-TOK-003", "MBO-AS-RT-001")]
internal sealed class MissingMissionClaim : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.MissionClaim = null;
}

[FaultHook(Fault.AudienceIncludesUnrelated, "aud includes an audience no carried entry belongs to", "MBO-AS-TOK-008", "MC-AS-PRJ-101")]
internal sealed class AudienceIncludesUnrelated : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.Audiences.Add("https://unrelated.example/api");
}

[FaultHook(Fault.ScopeBroaderThanDetails, "token scope includes a value no entry supports", "MBO-AS-TOK-009")]
internal sealed class ScopeBroaderThanDetails : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.Scopes = ["admin"];
}

/// <summary>Access tokens get their full lifetime even when the Mission expires sooner (MBO-AS-TOK-007).</summary>
[FaultHook(Fault.TokenOutlivesMissionExpiry, "access-token exp is not capped at mission_expiry", "MBO-AS-TOK-007")]
internal sealed class TokenOutlivesMissionExpiry : ITokenHook
{
    public void TokenDrafted(TokenDraft draft) => draft.AccessTokenLifetime = ReferenceSettings.AccessTokenLifetime;
}

[FaultHook(
    Fault.DpopAnnouncedAsBearer,
    "an access token bound to the redemption's DPoP key (cnf.jkt) is announced as token_type Bearer, not DPoP (RFC 9449 §5)",
    "MBO-AS-TOK-011",
    Under = Configuration.Variant.DpopBoundTokens)]
internal sealed class DpopAnnouncedAsBearer : ITokenHook
{
    public void Binding(TokenBinding binding) => binding.AnnouncedAsBearer = true;
}

/// <summary>A public client's refresh token is not bound to its DPoP key (and, with the stack, not rotated either).</summary>
[FaultHook(
    Fault.PublicRefreshNeitherRotatedNorBound,
    "a public client's refresh token is neither rotated nor bound to its DPoP key: another key's proof redeems it (RFC 9700 §4.14.2)",
    "MBO-AS-RT-003",
    Under = Configuration.Variant.DpopBoundTokens)]
internal sealed class PublicRefreshNeitherRotatedNorBound : ITokenHook, IStackFault
{
    public void Binding(TokenBinding binding) => binding.BindsRefreshToken = false;

    public RefreshRotation Rotation(RefreshRotation rotation) => rotation with { Public = false };
}
