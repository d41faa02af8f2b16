using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>Which grant a token request is: each has its own handler, and the gate and the deriver say which asked.</summary>
public enum GrantKind { AuthorizationCode, Refresh, Exchange, Delegation, IdJag }

/// <summary>
/// The points of the token endpoint where a registered hook may change what it is about to do, in the order a request meets
/// them. The correct stack registers no <see cref="ITokenHook"/>; each fault of the token endpoint is one (Faults/Token/).
/// </summary>
public interface ITokenHook
{
    /// <summary>The Mission id a code or refresh grant carries, before it is looked up.</summary>
    void ResolvingMission(MissionLookup lookup) { }

    /// <summary>The Mission a code or refresh grant resolved to, before it is gated.</summary>
    ValueTask MissionFoundAsync(MissionLookup lookup) => default;

    /// <summary>The states a derivation may start from, and the state the gate judges.</summary>
    void Gating(Gate gate) { }

    /// <summary>A gating refusal's body and caching, before it is written.</summary>
    void GatingRefused(GatingRefusal refusal) { }

    /// <summary>What a derivation draws its entries from, and the resources it asks for, before they are checked.</summary>
    void Selecting(EntrySelection selection) { }

    /// <summary>A check of the selection was made: <see cref="EntrySelection.Refusal"/> is its answer (null: it holds).</summary>
    void SelectionChecked(EntrySelection selection, SelectionCheck check) { }

    /// <summary>The entries and resources selected.</summary>
    void Selected(EntrySelection selection) { }

    /// <summary>What a delegation draws from, who it believes the delegate is, and how it binds and names it.</summary>
    void Delegating(Delegation delegation) { }

    /// <summary>The canonical mission claim, as built for a token or an ID-JAG.</summary>
    void MissionClaimBuilt(MissionClaimDraft draft) { }

    /// <summary>A pairwise sector's mission claim, its canonical id removed (oauth-profile.md §15).</summary>
    void PairwiseClaimBuilt(MissionClaimDraft draft) { }

    /// <summary>An access token's contents, before OpenIddict signs it.</summary>
    void TokenDrafted(TokenDraft draft) { }

    /// <summary>How an issued token is bound to the request's DPoP key, and announced.</summary>
    void Binding(TokenBinding binding) { }

    /// <summary>A token response (authorization_details echoed, RFC 9396 §7), before it is written.</summary>
    void TokenResponding(TokenResponseDraft response) { }

    /// <summary>An ID-JAG request's subject, before it is accepted.</summary>
    void IdJagRequested(IdJagRequest request) { }

    /// <summary>An ID-JAG's payload and answer, before it is signed.</summary>
    void IdJagDrafted(IdJagDraft draft) { }
}

/// <summary>The Mission a code or refresh grant names.</summary>
public sealed class MissionLookup(GrantKind grant, OpenIddictRequest request, MissionStore store, CancellationToken ct)
{
    public GrantKind Grant { get; } = grant;

    public OpenIddictRequest Request { get; } = request;

    public MissionStore Store { get; } = store;

    public CancellationToken Aborted { get; } = ct;

    public string? MissionId { get; set; }

    public MissionRecord? Mission { get; set; }
}

/// <summary>The gate a derivation passes: only from a state in <see cref="Derivable"/> (MBO-AS-GATE-*).</summary>
public sealed class Gate(GrantKind grant, MissionRecord mission)
{
    public GrantKind Grant { get; } = grant;

    public MissionRecord Mission { get; } = mission;

    /// <summary>The state judged: the Mission's.</summary>
    public string State { get; set; } = mission.State;

    public HashSet<string> Derivable { get; } = new(StringComparer.Ordinal) { MissionState.Active };
}

/// <summary>An invalid_grant answer with mission_state (oauth-profile.md §9).</summary>
public sealed class GatingRefusal(Dictionary<string, string> body)
{
    public Dictionary<string, string> Body { get; } = body;

    public bool Cacheable { get; set; }
}

/// <summary>The checks <see cref="AuthorityDeriver"/> makes of a selection.</summary>
public enum SelectionCheck
{
    /// <summary>Every requested resource is one the source carries (RFC 8707 invalid_target).</summary>
    ResourcesCovered,

    /// <summary>Every requested authorization_details entry is a subset of a source entry (MBO-AS-SUB-003).</summary>
    EntriesWithinSource,
}

/// <summary>One derivation's selection of entries out of <see cref="Source"/>.</summary>
public sealed class EntrySelection(GrantKind grant, OpenIddictRequest request, JsonArray source, JsonArray authoritySet)
{
    public GrantKind Grant { get; } = grant;

    public OpenIddictRequest Request { get; } = request;

    /// <summary>What entries may be drawn from: the Mission's Authority Set, or the subject token's entries.</summary>
    public JsonArray Source { get; set; } = source;

    /// <summary>The whole Authority Set of the Mission.</summary>
    public JsonArray AuthoritySet { get; } = authoritySet;

    /// <summary>The resources the source covers.</summary>
    public IReadOnlyList<string> Covered { get; set; } = [];

    /// <summary>The resources asked for (RFC 8707 resource, RFC 8693 audience), or by default those of the grant.</summary>
    public List<string> Requested { get; set; } = [];

    public JsonArray Entries { get; set; } = [];

    /// <summary>Whether the entries are fewer than the source's, by resource or by authorization_details.</summary>
    public bool Narrowed { get; set; }

    /// <summary>The answer of the last check made (null: it holds).</summary>
    public IResult? Refusal { get; set; }
}

/// <summary>A delegated token's derivation (oauth-profile.md §10) for <see cref="DelegateId"/> at <see cref="Depth"/>.</summary>
public sealed class Delegation(JsonArray carried, JsonArray authoritySet, string delegateId, int depth, string? profile, string? selfAssertedProfile)
{
    /// <summary>What the delegation draws from: the subject token's entries.</summary>
    public JsonArray Source { get; set; } = carried;

    public JsonArray AuthoritySet { get; } = authoritySet;

    public string DelegateId { get; } = delegateId;

    /// <summary>The depth after this delegate is appended (the agent's own token is depth 0).</summary>
    public int Depth { get; } = depth;

    /// <summary>The delegate's profile: what the AS knows of the client (MBO-AS-DEL-006).</summary>
    public string? Profile { get; set; } = profile;

    /// <summary>What an actor_token says the profile is; read, never believed by the correct path.</summary>
    public string? SelfAssertedProfile { get; } = selfAssertedProfile;

    /// <summary>Which entries go on to the delegate: those that allow it at this depth (MBO-AS-DEL-004).</summary>
    public Func<JsonNode, bool>? Eligible { get; set; }

    /// <summary>Whether delegation to no entries is refused (MBO-AS-DEL-005) rather than issued with none.</summary>
    public bool RefusesNothingToDelegate { get; set; } = true;

    /// <summary>Whether the delegated token is bound to the delegate's own key (MBO-AS-DEL-003).</summary>
    public bool BindsDelegateKey { get; set; } = true;

    /// <summary>Whether the token names the delegate in act and the agent in client_id (MBO-AS-DEL-001/002).</summary>
    public bool NamesActor { get; set; } = true;
}

/// <summary>A mission claim as built (oauth-profile.md §8).</summary>
public sealed class MissionClaimDraft(JsonObject claim, MissionRecord mission, bool isRefresh, bool isExchange, string tenant)
{
    public JsonObject Claim { get; } = claim;

    public MissionRecord Mission { get; } = mission;

    public bool IsRefresh { get; } = isRefresh;

    public bool IsExchange { get; } = isExchange;

    /// <summary>The tenant of this AS (ReferenceSettings.Tenant).</summary>
    public string Tenant { get; } = tenant;
}

/// <summary>An access token's contents, before OpenIddict signs it.</summary>
public sealed class TokenDraft(MissionRecord mission, GrantKind grant, JsonArray entries, IReadOnlyList<string> resources)
{
    public MissionRecord Mission { get; } = mission;

    public GrantKind Grant { get; } = grant;

    public required string Subject { get; set; }

    /// <summary>authorization_details; the same array the token response echoes.</summary>
    public JsonArray Entries { get; } = entries;

    /// <summary>The resources selected for this token.</summary>
    public IReadOnlyList<string> Resources { get; } = resources;

    public JsonObject? MissionClaim { get; set; }

    public required List<string> Audiences { get; init; }

    /// <summary>null: no scope claim, the entries say it all.</summary>
    public IReadOnlyList<string>? Scopes { get; set; }

    public required TimeSpan AccessTokenLifetime { get; set; }
}

/// <summary>How an issued token is bound to the request's DPoP key (RFC 9449 §5), and how it is announced.</summary>
public sealed class TokenBinding(GrantKind grant, bool publicClient)
{
    public GrantKind Grant { get; } = grant;

    /// <summary>Whether a public client's refresh token is bound to the proof's key.</summary>
    public bool BindsRefreshToken { get; set; } = publicClient;

    /// <summary>Whether the bound token is announced as token_type Bearer, not DPoP.</summary>
    public bool AnnouncedAsBearer { get; set; }
}

/// <summary>An ID-JAG request's subject (oauth-profile.md §14).</summary>
public sealed class IdJagRequest
{
    /// <summary>Whether an access token is taken as subject, where only the refresh token is (MBO-AS-XD-001).</summary>
    public bool AcceptsAccessToken { get; set; }

    /// <summary>Whether the entries are only those the audience domain is authoritative for (MBO-AS-XD-003).</summary>
    public bool KeepsOtherDomainsOut { get; set; } = true;
}

/// <summary>An ID-JAG before it is signed, and the answer carrying it.</summary>
public sealed class IdJagDraft(MissionRecord mission, string audience, JsonObject payload, TimeSpan lifetime, Func<JsonObject, string> sign)
{
    public MissionRecord Mission { get; } = mission;

    public string Audience { get; } = audience;

    public JsonObject Payload { get; } = payload;

    public TimeSpan Lifetime { get; set; } = lifetime;

    /// <summary>How the payload is signed: with the AS's key, published in its JWKS.</summary>
    public Func<JsonObject, string> Sign { get; set; } = sign;

    public string IssuedTokenType { get; set; } = TokenEndpoint.IdJagTokenType;

    public string TokenType { get; set; } = "N_A";
}

/// <summary>A token response before it is written, with what the token endpoint issued.</summary>
public sealed class TokenResponseDraft(OpenIddictResponse response, TokenIssuance issued, Security.JwsSigner signer)
{
    public OpenIddictResponse Response { get; } = response;

    public TokenIssuance Issued { get; } = issued;

    public Security.JwsSigner Signer { get; } = signer;
}
