using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// The positive controls of the suite's refusal checks (design.md principle 9): each the valid request
/// that the refused one must be compared with, tried by the same client in the same scenario.
/// </summary>
public static class Controls
{
    /// <summary>PAR refusals: the same client's valid Intent is accepted, so a refusal is about what was changed in it.</summary>
    public static readonly PositiveControl IntentAccepted = new("par.intent-accepted",
        "the target file's Intent, pushed by the same client, is accepted (PAR 201 with a request_uri)");

    /// <summary>Code redemption refusals: an approved code redeemed as RFC 6749 §4.1.3 says is served.</summary>
    public static readonly PositiveControl CodeRedeemed = new("token.code-redeemed",
        "a code from an approved consent, redeemed by the same client with its code_verifier, is served");

    /// <summary>Exchange gating: the same RFC 8693 exchange, for the same resource, is served while the Mission is active.</summary>
    public static readonly PositiveControl ExchangeServed = new("exchange.active-mission",
        "the same Token Exchange by the same client, for the same resource, is served while the Mission is active");

    /// <summary>Delegation refusals: a delegation exchange to the same delegate is served while the Mission is active.</summary>
    public static readonly PositiveControl DelegationServed = new("delegation.active-mission",
        "a delegation exchange to the same delegate, with a proof of its key, is served while the Mission is active");

    /// <summary>ID-JAG refusals: an ID-JAG for the Resource AS the target file declares is issued from the Mission's refresh token.</summary>
    public static readonly PositiveControl IdJagServed = new("id-jag.declared-resource-as",
        "an ID-JAG for a Resource AS the target file declares is issued from the active Mission's refresh token");

    /// <summary>Lifecycle refusals: the same client's operation is served on a Mission whose state allows it.</summary>
    public static readonly PositiveControl LifecycleServed = new("lifecycle.allowed-operation",
        "the same client's lifecycle operation, authenticated as the AS advertises, is served on a Mission whose state allows it");

    /// <summary>Lifecycle authentication refusals: the same request, authenticated as the AS advertises, gets past authentication.</summary>
    public static readonly PositiveControl LifecycleAuthenticated = new("lifecycle.authenticated",
        "the same lifecycle request, authenticated as the AS advertises, gets past authentication (an answer other than 401)");

    /// <summary>Mission Status refusals: the authenticated, well-formed request about the same Mission is answered.</summary>
    public static readonly PositiveControl StatusServed = new("status.authenticated",
        "a Mission Status request about the same Mission, authenticated as the target file's status client with a well-formed nonce, is answered 200");

    /// <summary>Resource Server refusals: the same server serves the target file's allowed probe for an active Mission.</summary>
    public static readonly PositiveControl AllowedCallServed = new("rs.allowed-probe",
        "the Resource Server serves the target file's allowed probe (resourceServers[].probes.allowed) with a valid token for an active Mission");

    /// <summary>
    /// Refusals of the forbidden probe (issue 22): the same server serves that very tool under a Mission whose entry lists it, so a
    /// tool that does not exist, or that is refused to everyone, cannot pass for a refusal by authority.
    /// </summary>
    public static readonly PositiveControl ForbiddenProbeServedWhenAuthorised = new("rs.forbidden-probe-authorised",
        "the Resource Server serves the target file's forbidden probe (resourceServers[].probes.forbidden) with a valid token for an active Mission whose entry lists that tool");

    /// <summary>PDP denials (runtime.md §4): the same PDP permits the target file's allowed action, asked by the same PEP for an active Mission.</summary>
    public static readonly PositiveControl PdpPermitsAllowed = new("pdp.allowed-evaluation",
        "the PDP permits the target file's allowed action (pdps[].probes.allowed) for an active Mission whose entry lists it, asked by the harness as PEP with a fresh, consistent Mission context");

    /// <summary>Resource AS refusals: a valid ID-JAG from the trusted origin, with a proof of its key, is redeemed.</summary>
    public static readonly PositiveControl IdJagRedeemed = new("ras.valid-id-jag",
        "the Resource AS redeems a valid ID-JAG from the origin it trusts, presented with a DPoP proof of the key it is bound to");

    /// <summary>The derivation budget race: one derivation of the kind raced is served on its own while the budget has room.</summary>
    public static readonly PositiveControl DerivationServed = new("budget.one-derivation",
        "one derivation of the kind raced (Token Exchange, or refresh), on its own, is served while the budget has room");

    /// <summary>Derivation refusals: the same kind of refresh of an active Mission is served.</summary>
    public static readonly PositiveControl ActiveRefreshServed = new("refresh.active-mission",
        "a refresh of an active Mission's refresh token by the same client is served (200 with an access token)");
}
