using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

/// <summary>A refresh request's resource parameter is ignored: the token is for every resource of the grant (RFC 8707 §2.2).</summary>
[FaultHook(
    Fault.RefreshIgnoresResource,
    "a refresh with RFC 8707 resource returns a token for every resource of the grant, so no single-audience token can be had",
    "MC-AS-PRJ-101")]
internal sealed class RefreshIgnoresResource : ITokenHook
{
    public void Selecting(EntrySelection selection)
    {
        if (selection.Grant == GrantKind.Refresh) selection.Request.Resources = null;
    }
}

/// <summary>An exchanged token draws on the whole Authority Set, not only on the subject token's entries.</summary>
[FaultHook(
    Fault.ExchangeWidensAuthority,
    "Token Exchange draws on the whole Authority Set, so a token for one resource is exchanged for another's",
    "MC-AS-XCH-102")]
internal sealed class ExchangeWidensAuthority : ITokenHook
{
    public void Selecting(EntrySelection selection)
    {
        if (selection.Grant == GrantKind.Exchange) selection.Source = selection.AuthoritySet;
    }
}

/// <summary>A resource the Mission does not cover is accepted at PAR and at the token endpoint, and becomes an audience of the token.</summary>
[FaultHook(
    Fault.AcceptUncoveredResource,
    "accepts a resource value no derived entry covers, at PAR and at the token endpoint, and issues the token for it",
    "MBO-AS-PAR-012")]
internal sealed class AcceptUncoveredResource : ITokenHook, Endpoints.IAuthorizationHook
{
    public void ParChecked(Endpoints.ParCheck check)
    {
        if (check.Rule == Endpoints.ParRule.ResourcesCovered) check.Refusal = null;
    }

    public void SelectionChecked(EntrySelection selection, SelectionCheck check)
    {
        if (check == SelectionCheck.ResourcesCovered) selection.Refusal = null;
    }

    public void TokenDrafted(TokenDraft draft) => draft.Audiences.AddRange(draft.Resources.Except(draft.Audiences, StringComparer.Ordinal));
}

/// <summary>A token narrowed to some resources is issued for all of them.</summary>
[FaultHook(
    Fault.BroadenOnResourceNarrowing,
    "ignores RFC 8707 resource at the token endpoint and issues the full set to every audience",
    "MBO-AS-TOK-008",
    "MC-AS-PRJ-101")]
internal sealed class BroadenOnResourceNarrowing : ITokenHook
{
    public void SelectionChecked(EntrySelection selection, SelectionCheck check)
    {
        if (check == SelectionCheck.ResourcesCovered) selection.Requested = [.. selection.Covered];
    }
}

/// <summary>Requested authorization_details outside the Mission's Authority Set are issued (MBO-AS-SUB-003).</summary>
[FaultHook(Fault.DeriveOutsideSet, "token-endpoint authorization_details outside the Authority Set are granted", "MBO-AS-SUB-003")]
internal sealed class DeriveOutsideSet : ITokenHook
{
    public void SelectionChecked(EntrySelection selection, SelectionCheck check)
    {
        if (check == SelectionCheck.EntriesWithinSource) selection.Refusal = null;
    }
}

/// <summary>A narrowed token loses its entries' constraints.</summary>
[FaultHook(
    Fault.DropConstraintOnNarrowing,
    "entries narrowed by resource or authorization_details (in Token Exchange too) lose their constraints",
    "MBO-AS-SUB-002",
    "MC-AS-XCH-102")]
internal sealed class DropConstraintOnNarrowing : ITokenHook
{
    public void Selected(EntrySelection selection)
    {
        if (!selection.Narrowed) return;
        foreach (var entry in selection.Entries) entry!.AsObject().Remove("constraints");
    }
}
