using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Faults.Token;

/// <summary>A delegated token is not bound to the delegate's own key (MBO-AS-DEL-003).</summary>
[FaultHook(Fault.DelegationUnbound, "a delegated token is a bearer token: no DPoP proof is asked for and it carries no cnf", "MBO-AS-DEL-003")]
internal sealed class DelegationUnbound : ITokenHook
{
    public void Delegating(Delegation delegation) => delegation.BindsDelegateKey = false;
}

/// <summary>The delegate's profile is taken from its own actor_token (MBO-AS-DEL-006).</summary>
[FaultHook(Fault.DelegationTrustsSelfAssertedProfile, "the sub_profile an actor_token claims satisfies allowed_delegates", "MBO-AS-DEL-006")]
internal sealed class DelegationTrustsSelfAssertedProfile : ITokenHook
{
    public void Delegating(Delegation delegation)
    {
        if (delegation.SelfAssertedProfile is { } claimed) delegation.Profile = claimed;
    }
}

/// <summary>A delegation draws on the whole Authority Set, not only on the subject token's entries.</summary>
[FaultHook(Fault.DelegationWidens, "a delegated token draws on the Mission's Authority Set, not the delegating token's entries", "MBO-AS-DEL-002")]
internal sealed class DelegationWidens : ITokenHook
{
    public void Delegating(Delegation delegation) => delegation.Source = delegation.AuthoritySet;
}

/// <summary>Every entry goes on to the delegate, whatever its delegation member says (MBO-AS-DEL-004).</summary>
[FaultHook(
    Fault.DelegationIgnoresEntryRules,
    "a delegated token keeps entries without delegation, beyond max_depth or for other delegates (a client claiming a profile included)",
    "MBO-AS-DEL-004",
    "MBO-AS-DEL-006")]
internal sealed class DelegationIgnoresEntryRules : ITokenHook
{
    public void Delegating(Delegation delegation) => delegation.Eligible = _ => true;
}

/// <summary>A delegation to no entries is issued, with none, instead of refused (MBO-AS-DEL-005).</summary>
[FaultHook(
    Fault.DelegationIssuesEmptyToken,
    "a delegation that leaves no entry issues a token with empty authorization_details instead of invalid_grant",
    "MBO-AS-DEL-005")]
internal sealed class DelegationIssuesEmptyToken : ITokenHook
{
    public void Delegating(Delegation delegation) => delegation.RefusesNothingToDelegate = false;
}

/// <summary>A delegated token has no act and names the delegate as client_id (MBO-AS-DEL-001/002).</summary>
[FaultHook(
    Fault.DelegationNamesNoActor,
    "a delegated token has no act and names the delegate as client_id, so the AS itself loses count of the delegation depth",
    "MBO-AS-DEL-001",
    "MBO-AS-DEL-004")]
internal sealed class DelegationNamesNoActor : ITokenHook
{
    public void Delegating(Delegation delegation) => delegation.NamesActor = false;
}
