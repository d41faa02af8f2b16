using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

/// <summary>A refresh request's resource parameter is ignored: the token is for every resource of the grant (RFC 8707 §2.2).</summary>
[FaultHook(Fault.RefreshIgnoresResource)]
internal sealed class RefreshIgnoresResource : ITokenHook
{
    public void Selecting(EntrySelection selection)
    {
        if (selection.Grant == GrantKind.Refresh) selection.Request.Resources = null;
    }
}

/// <summary>An exchanged token draws on the whole Authority Set, not only on the subject token's entries.</summary>
[FaultHook(Fault.ExchangeWidensAuthority)]
internal sealed class ExchangeWidensAuthority : ITokenHook
{
    public void Selecting(EntrySelection selection)
    {
        if (selection.Grant == GrantKind.Exchange) selection.Source = selection.AuthoritySet;
    }
}

/// <summary>A resource the Mission does not cover is accepted at PAR and at the token endpoint, and becomes an audience of the token.</summary>
[FaultHook(Fault.AcceptUncoveredResource)]
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
[FaultHook(Fault.BroadenOnResourceNarrowing)]
internal sealed class BroadenOnResourceNarrowing : ITokenHook
{
    public void SelectionChecked(EntrySelection selection, SelectionCheck check)
    {
        if (check == SelectionCheck.ResourcesCovered) selection.Requested = [.. selection.Covered];
    }
}

/// <summary>Requested authorization_details outside the Mission's Authority Set are issued (MBO-AS-SUB-003).</summary>
[FaultHook(Fault.DeriveOutsideSet)]
internal sealed class DeriveOutsideSet : ITokenHook
{
    public void SelectionChecked(EntrySelection selection, SelectionCheck check)
    {
        if (check == SelectionCheck.EntriesWithinSource) selection.Refusal = null;
    }
}

/// <summary>A narrowed token loses its entries' constraints.</summary>
[FaultHook(Fault.DropConstraintOnNarrowing)]
internal sealed class DropConstraintOnNarrowing : ITokenHook
{
    public void Selected(EntrySelection selection)
    {
        if (!selection.Narrowed) return;
        foreach (var entry in selection.Entries) entry!.AsObject().Remove("constraints");
    }
}
