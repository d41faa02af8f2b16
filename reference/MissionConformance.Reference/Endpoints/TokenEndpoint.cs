using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// The token endpoint (passthrough after OpenIddict validated the client, the code and PKCE, or the
/// refresh token): resolves the Mission from the grant, gates on its state and budget, narrows by
/// RFC 8707 resource and RFC 9396 authorization_details, and issues the Mission-bound token.
/// </summary>
public sealed class TokenEndpoint(MissionStore store, ReferenceSettings settings, FaultSet faults, TimeProvider clock, DpopVerifier dpop, JwsSigner signer,
    OneTimeUse once, RefreshRotation rotation, SenderConstraint binding, DpopNonces nonces)
{
    public const string Path = "token";

    /// <summary>oauth-profile.md §14; the JOSE typ of the Identity Assertion JWT Authorization Grant draft.</summary>
    public const string IdJagTokenType = "urn:ietf:params:oauth:token-type:id-jag";
    public const string IdJagMediaType = "oauth-id-jag+jwt";

    /// <summary>How long an ID-JAG lives: well inside the 300 s oauth-profile.md §14 allows.</summary>
    public static readonly TimeSpan IdJagLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Private claims kept in codes and refresh tokens, never in access tokens.</summary>
    public const string MissionRecordClaim = "mbo_mission_record";
    public const string GrantedResourcesClaim = "mbo_granted_resources";

    /// <summary>The DPoP key a public client's refresh token is bound to (RFC 9449 §5), kept in the refresh token only.</summary>
    public const string RefreshKeyClaim = "mbo_refresh_jkt";

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("the OpenIddict request is missing from the passthrough token endpoint");
        if (request.IsTokenExchangeGrantType())
        {
            return await ExchangeAsync(http, request);
        }
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return OAuthError("unsupported_grant_type", "only authorization_code, refresh_token and token exchange are supported");
        }

        var grant = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        var isRefresh = request.IsRefreshTokenGrantType();

        // Variant DpopBoundTokens (RFC 9449 §5): a proof binds what is issued to its key, and a refresh token bound to a key is
        // redeemed only with a proof of it. Judged before anything is spent, so a nonce challenge costs the client nothing.
        string? jkt = null;
        if (binding.Dpop && http.Request.Headers.ContainsKey("DPoP"))
        {
            (jkt, var invalidProof) = await ProofKeyAsync(http, "the DPoP proof of a token request");
            if (invalidProof is not null) return invalidProof;
        }
        if (isRefresh && grant.GetClaim(RefreshKeyClaim) is { } refreshKey && refreshKey != jkt)
        {
            return OAuthError("invalid_grant", "the refresh token is bound to a DPoP key this request does not prove (RFC 9449 §5)");
        }

        // The Mission is resolved from the presented grant, never from client input (MBO-AS-APR-006).
        var missionId = grant.GetClaim(MissionRecordClaim);
        if (faults.Has(Fault.MissionFromClientParameter) && (string?)request["mission_id"] is { Length: > 0 } supplied)
        {
            missionId = supplied;
        }
        var mission = missionId is null ? null : await store.FindAsync(missionId, http.RequestAborted);
        if (mission is not null && !isRefresh && faults.Has(Fault.ActivateOnRedemption))
        {
            mission = await store.ActivateLateAsync(mission.Id, http.RequestAborted) ?? mission;
        }
        if (mission is null)
        {
            return GatingError("mission_not_found");  // MBO-AS-GATE-012
        }

        var derivable = DerivableStates(isRefresh);
        if (!derivable.Contains(mission.State))
        {
            return GatingError(mission.State);
        }
        if (isRefresh && faults.Has(Fault.ResumeDoesNotRestore) && mission.HistoryJson.Contains("\"suspend\"", StringComparison.Ordinal))
        {
            return GatingError(MissionState.Suspended);
        }

        if (isRefresh && faults.Has(Fault.RefreshIgnoresResource))
        {
            request.Resources = null;
        }
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var granted = grant.GetClaim(GrantedResourcesClaim) is { } grantedText
            ? JsonSerializer.Deserialize<List<string>>(grantedText)!
            : mission.RequestedResourcesJson is { } pushed ? JsonSerializer.Deserialize<List<string>>(pushed) : null;
        var selection = SelectEntries(request, granted, authoritySet);
        if (selection.Error is { } error)
        {
            return error;
        }
        var (sectorClaim, misfit) = await SectorClaimAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }

        // A rotated refresh token is redeemed once (MBO-AS-RT-002): OpenIddict marks it redeemed only after the new tokens are
        // made (or not at all, where it rolls no token itself), so racing requests would each pass its validation; one
        // conditional insert lets exactly one of them through.
        if (isRefresh && rotation.Rotates(TestPrincipals.FindClient(request.ClientId))
            && !await once.TryClaimAsync("refresh:" + grant.GetTokenId(), grant.GetExpirationDate() ?? clock.GetUtcNow().AddDays(1), http.RequestAborted))
        {
            return OAuthError("invalid_grant", "the refresh token has already been redeemed");
        }
        if (await ConsumeDerivationAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        // RFC 8707 §2.2: the refresh token keeps the original grant's resources, whichever one this access token was narrowed to.
        var principal = BuildPrincipal(mission, selection.Entries!, selection.Resources!, isRefresh, missionClaim: sectorClaim,
            grantResources: granted ?? [.. authoritySet.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal)]);
        if (jkt is not null)
        {
            http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(ClientId: null, jkt) { AnnouncedAsBearer = faults.Has(Fault.DpopAnnouncedAsBearer) };
            // A confidential client's refresh token is bound by its client authentication instead (RFC 9449 §5).
            if (TestPrincipals.FindClient(request.ClientId)?.IsPublic == true && !faults.Has(Fault.PublicRefreshNeitherRotatedNorBound)) principal.SetClaim(RefreshKeyClaim, jkt);
        }
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, isRefresh);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// RFC 8693 Token Exchange of a Mission-bound access token (oauth-profile.md §9): the same Mission,
    /// gated on its state (MBO-AS-GATE-005), counted against its derivation budget, and never more
    /// authority than the subject token carries (conformance.md §5 L2 item 2), narrowed by resource
    /// and authorization_details like any other derivation.
    /// </summary>
    private async Task<IResult> ExchangeAsync(HttpContext http, OpenIddictRequest request)
    {
        if ((string?)request[IdJagRequestHandler.RequestedIdJag] is { } audiences)
        {
            return await IssueIdJagAsync(http, request, JsonSerializer.Deserialize<List<string>>(audiences)!);
        }
        if (request.SubjectTokenType != TokenTypeIdentifiers.AccessToken)
        {
            // A refresh token as subject is for ID-JAG issuance only (oauth-profile.md §14).
            return OAuthError("invalid_request", "only Mission-bound access tokens (subject_token_type " + TokenTypeIdentifiers.AccessToken + ") are exchanged for access tokens; a refresh token is exchanged for an ID-JAG");
        }
        // OpenIddict has validated the subject token: signature, lifetime, and that it is not revoked.
        var subject = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        if (subject.GetClaim("mission") is not { } missionClaim || JsonNode.Parse(missionClaim) is not JsonObject claimed
            || ((string?)claimed["id"] ?? (string?)claimed["ref"]) is null)
        {
            return OAuthError("invalid_grant", "the subject token is not Mission-bound");
        }
        // A token for a Resource Server of a pairwise sector names the Mission by that server's ref (oauth-profile.md §15).
        var mission = (string?)claimed["id"] is { } missionId ? await store.FindAsync(missionId, http.RequestAborted)
            : (await store.ResolvePairwiseAsync((string)claimed["ref"]!, http.RequestAborted))?.Mission;
        if (mission is null)
        {
            return GatingError("mission_not_found");
        }
        // Another client presenting the agent's token is a delegate asking for a delegated token (oauth-profile.md §10).
        var delegating = subject.GetClaim(Claims.ClientId);
        if (delegating is not null && request.ClientId is { } caller && caller != delegating)
        {
            return await DelegateAsync(http, request, subject, mission, delegating, TestPrincipals.FindClient(caller)!);
        }
        // A token derived from a DPoP-bound one stays bound to the same key; under DpopBoundTokens any proof binds the new token.
        string? shown = null;
        if (BoundKey(subject) is not null || (binding.Dpop && http.Request.Headers.ContainsKey("DPoP")))
        {
            (shown, var invalidProof) = await ProofKeyAsync(http, "the subject token is DPoP-bound");
            if (invalidProof is not null) return invalidProof;
            if (BoundKey(subject) is { } key && shown != key) return OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
        }
        var derivable = ExchangeableStates(Fault.ExchangeAfterRevoke);
        if (!derivable.Contains(mission.State))
        {
            return GatingError(mission.State);
        }

        // What the exchange may draw from: the subject token's entries, never the rest of the Mission.
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var subjectEntries = CarriedEntries(subject);
        var source = faults.Has(Fault.ExchangeWidensAuthority) ? authoritySet : subjectEntries;
        var selection = SelectEntries(request, grantedResources: null, source);
        if (selection.Error is { } error)
        {
            return error;
        }
        var (sectorClaim, misfit) = await SectorClaimAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }

        if (await ConsumeDerivationAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var principal = BuildPrincipal(mission, selection.Entries!, selection.Resources!, isRefresh: false, isExchange: true, missionClaim: sectorClaim);
        if (shown is not null) http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(ClientId: null, shown);
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, IsRefresh: false);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// oauth-profile.md §10: a delegated token for <paramref name="actor"/> from the agent's token. sub,
    /// client_id and mission stay; the outermost act names the delegate with the profile the AS knows it
    /// by; only entries of the subject token that carry delegation, allow this depth and match the
    /// delegate remain (none: invalid_grant); cnf is the delegate's own DPoP key; gated like any derivation.
    /// </summary>
    private async Task<IResult> DelegateAsync(HttpContext http, OpenIddictRequest request, ClaimsPrincipal subject, MissionRecord mission, string delegating, TestClient actor)
    {
        var derivable = ExchangeableStates(Fault.DelegationWhileInactive);
        if (!derivable.Contains(mission.State))
        {
            return GatingError(mission.State);  // MBO-AS-DEL-007
        }
        string? jkt = null;
        if (!faults.Has(Fault.DelegationUnbound))
        {
            (jkt, var invalidProof) = await ProofKeyAsync(http, "a delegated token is bound to the delegate's own key");  // MBO-AS-DEL-003
            if (invalidProof is not null) return invalidProof;
        }

        // A delegated token delegated further is presented by the holder of the key it is bound to; the agent's own token (no
        // act), even DPoP-bound, is the delegate's to present with its own key.
        if (subject.GetClaim("act") is not null && BoundKey(subject) is { } bound && bound != jkt && !faults.Has(Fault.DelegationUnbound))
        {
            return OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
        }
        var priorAct = subject.GetClaim("act") is { } prior ? JsonNode.Parse(prior) as JsonObject : null;
        var depth = 1;  // the agent's token is depth 0; depth counts after appending this delegate
        for (var act = priorAct; act is not null; act = act["act"] as JsonObject) depth++;
        // MBO-AS-DEL-006: the profile is what the AS knows of the client, never what an actor_token says.
        var profile = faults.Has(Fault.DelegationTrustsSelfAssertedProfile) && SelfAssertedProfile((string?)request[ActorTokenHandler.SelfAssertedActor]) is { } claimed ? claimed : actor.SubProfile;

        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var source = faults.Has(Fault.DelegationWidens) ? authoritySet : CarriedEntries(subject);
        var eligible = faults.Has(Fault.DelegationIgnoresEntryRules)
            ? source
            : new JsonArray(source.Where(e => Delegable(e!, depth, actor.ClientId, profile)).Select(e => e!.DeepClone()).ToArray());
        Selection selection;
        if (eligible.Count > 0)
        {
            selection = SelectEntries(request, grantedResources: null, eligible);
            if (selection.Error is { } error) return error;
        }
        else if (faults.Has(Fault.DelegationIssuesEmptyToken))
        {
            selection = new Selection([], [], null);
        }
        else
        {
            return OAuthError("invalid_grant", $"delegation narrows to no entries: none of the token's entries may be delegated to {actor.ClientId} at depth {depth}");  // MBO-AS-DEL-005
        }
        var (sectorClaim, misfit) = selection.Entries!.Count == 0 ? (null, null) : await SectorClaimAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }

        if (await ConsumeDerivationAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!faults.Has(Fault.DelegationNamesNoActor))
        {
            var act = new JsonObject { ["sub"] = actor.ClientId, ["iss"] = settings.Issuer.AbsoluteUri };
            if (actor.SubProfile is { } asserted) act["sub_profile"] = asserted;
            if (priorAct is not null) act["act"] = priorAct.DeepClone();
            extra["act"] = JsonSerializer.SerializeToElement(act);
        }
        // client_id stays the approved agent (MBO-AS-DEL-001); cnf is the delegate's key (MBO-AS-DEL-003).
        http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(faults.Has(Fault.DelegationNamesNoActor) ? null : delegating, jkt);
        var principal = BuildPrincipal(mission, selection.Entries!, selection.Resources!, isRefresh: false, isExchange: true, extra, sectorClaim);
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, IsRefresh: false);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// oauth-profile.md §14: an ID-JAG projecting the Mission into another trust domain, from the
    /// Mission's refresh token only (MBO-AS-XD-001), for a Resource AS this policy knows
    /// (invalid_target otherwise), while the Mission is active (MBO-AS-XD-004): signed by this AS,
    /// audienced to that Resource AS, short-lived, with a fresh jti for single use, bound to the key of the
    /// request's DPoP proof, the mission claim unchanged and only that domain's entries (MBO-AS-XD-002/003).
    /// </summary>
    private async Task<IResult> IssueIdJagAsync(HttpContext http, OpenIddictRequest request, IReadOnlyList<string> audiences)
    {
        var fromAccessToken = request.SubjectTokenType == TokenTypeIdentifiers.AccessToken && faults.Has(Fault.IdJagFromAccessToken);
        if (request.SubjectTokenType != TokenTypeIdentifiers.RefreshToken && !fromAccessToken)
        {
            return OAuthError("invalid_request", "an ID-JAG is issued from the Mission's refresh token (subject_token_type " + TokenTypeIdentifiers.RefreshToken + "), never from an access or delegated token");
        }
        // OpenIddict has validated the subject token: signature, lifetime, not revoked. Who may present it is
        // checked here, as AuthorizedPartyHandler leaves that to this endpoint for every exchange.
        var subject = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        var issuedTo = subject.GetPresenters().FirstOrDefault() ?? subject.GetClaim(Claims.ClientId);
        if (issuedTo != request.ClientId)
        {
            return OAuthError("invalid_grant", "the subject token was issued to another client");
        }
        var missionId = subject.GetClaim(MissionRecordClaim)
            ?? (subject.GetClaim("mission") is { } claim ? (string?)JsonNode.Parse(claim)?["id"] : null);
        var mission = missionId is null ? null : await store.FindAsync(missionId, http.RequestAborted);
        if (mission is null)
        {
            return GatingError("mission_not_found");
        }
        var derivable = ExchangeableStates(Fault.IdJagAfterRevoke);
        if (!derivable.Contains(mission.State))
        {
            return GatingError(mission.State);
        }
        if (audiences is not [var audience] || settings.Catalogue.FindAuthority(audience) is not { } authority)
        {
            return OAuthError("invalid_target", "audience must name one Resource AS this AS projects Missions to: "
                + string.Join(", ", (settings.Catalogue.PartnerDomains ?? []).Select(d => d.Issuer.AbsoluteUri)));
        }
        var (jkt, invalidProof) = await ProofKeyAsync(http, "an ID-JAG is sender-constrained to the key of the request's DPoP proof");
        if (invalidProof is not null) return invalidProof;
        if ((BoundKey(subject) ?? subject.GetClaim(RefreshKeyClaim)) is { } subjectKey && subjectKey != jkt)
        {
            return OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
        }

        // Only what the grant carries, and of that only the entries the target domain is authoritative for.
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var granted = subject.GetClaim(GrantedResourcesClaim) is { } grantedText ? JsonSerializer.Deserialize<List<string>>(grantedText)! : null;
        var carried = fromAccessToken ? CarriedEntries(subject) : new JsonArray(authoritySet.Where(e => granted is null || granted.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());
        var entries = faults.Has(Fault.IdJagDisclosesOtherDomains)
            ? carried
            : new JsonArray(carried.Where(e => authority.Resources.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());
        if (entries.Count == 0)
        {
            return OAuthError("invalid_target", $"the grant carries no authority at {authority.Issuer}: none of its entries is for a resource that Resource AS is authoritative for");
        }

        if (await ConsumeDerivationAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var now = clock.GetUtcNow();
        var lifetime = faults.Has(Fault.IdJagLongLived) ? TimeSpan.FromHours(1) : IdJagLifetime;
        var grant = new JsonObject
        {
            ["iss"] = settings.Issuer.AbsoluteUri,
            ["sub"] = mission.Subject,
            ["aud"] = authority.Issuer.AbsoluteUri,
            ["client_id"] = request.ClientId,
            ["jti"] = "jag_" + Base64Url.EncodeToString(faults.Has(Fault.IdJagRepeatsJti)
                ? System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(mission.Id + " " + authority.Issuer.AbsoluteUri))[..18]
                : System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["cnf"] = new JsonObject { ["jkt"] = faults.Has(Fault.IdJagBoundToOtherKey) ? Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) : jkt },
            // A projection issuer asks Mission Status by the canonical id; every other domain is a pairwise sector, unless the
            // sector is the Resource Servers of this domain.
            ["mission"] = authority.ProjectionIssuer || settings.PairwiseSector != ReferenceSettings.ResourceAsSector
                ? MissionClaim(mission, isRefresh: false, isExchange: false)
                : await PairwiseClaimAsync(mission, authority.Issuer.AbsoluteUri, http.RequestAborted),
            ["authorization_details"] = entries,
        };
        var mislabelled = faults.Has(Fault.IdJagMislabelled);
        return new NoStoreJsonResult(new Dictionary<string, object>
        {
            ["access_token"] = faults.Has(Fault.IdJagSignedByUnknownKey) ? JwsSigner.SignWithStrayKey(IdJagMediaType, grant) : signer.Sign(IdJagMediaType, grant),
            ["issued_token_type"] = mislabelled ? TokenTypeIdentifiers.AccessToken : IdJagTokenType,
            ["token_type"] = mislabelled ? "Bearer" : "N_A",
            ["expires_in"] = (long)lifetime.TotalSeconds,
        }, StatusCodes.Status200OK);
    }

    /// <summary>The DPoP key thumbprint a token is bound to (cnf.jkt), if any.</summary>
    public static string? BoundKey(ClaimsPrincipal? token)
        => token?.GetClaim("cnf") is { } cnf && JsonNode.Parse(cnf) is JsonObject binding && binding["jkt"] is JsonValue jkt && jkt.TryGetValue<string>(out var value) ? value : null;

    /// <summary>oauth-profile.md §10: an entry goes to a delegate only with a delegation member, within max_depth, and matching allowed_delegates (absent: any).</summary>
    private static bool Delegable(JsonNode entry, int depth, string delegateId, string? profile)
    {
        if (entry["delegation"] is not JsonObject delegation || delegation["max_depth"] is not JsonValue max || !max.TryGetValue<int>(out var maxDepth) || depth > maxDepth)
        {
            return false;
        }
        return delegation["allowed_delegates"] is not JsonArray allowed
            || allowed.OfType<JsonObject>().Any(m => (string?)m["sub"] == delegateId || (profile is not null && (string?)m["sub_profile"] == profile));
    }

    /// <summary>What an actor_token says the actor is (read, not verified: only the fault DelegationTrustsSelfAssertedProfile believes it).</summary>
    private static string? SelfAssertedProfile(string? actorToken)
    {
        try
        {
            return actorToken is null ? null : new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(actorToken).TryGetPayloadValue<string>("sub_profile", out var p) ? p : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A validated token's authorization_details: a JSON array claim comes back as one claim per entry.</summary>
    private static JsonArray CarriedEntries(ClaimsPrincipal token)
    {
        var entries = new JsonArray();
        foreach (var value in token.GetClaims("authorization_details"))
        {
            switch (JsonNode.Parse(value))
            {
                case JsonArray array: foreach (var entry in array) entries.Add(entry!.DeepClone()); break;
                case JsonObject entry: entries.Add(entry); break;
            }
        }
        return entries;
    }

    /// <summary>
    /// Counts one derivation against the Mission's budget, atomically with its state (MBO-AS-GATE-008/009);
    /// the refusal when the state changed meanwhile or the budget is spent.
    /// </summary>
    private async Task<IResult?> ConsumeDerivationAsync(string missionId, HashSet<string> derivable, CancellationToken ct)
    {
        var (consumed, current) = await store.TryConsumeDerivationAsync(missionId, derivable, ct);
        if (consumed) return null;
        return current is not null && !derivable.Contains(current.State)
            ? GatingError(current.State)
            : OAuthError("invalid_grant", "the Mission's derivation budget (context.max_derivations) is exhausted");
    }

    /// <summary>Only an active Mission's token is exchanged or delegated; <paramref name="lenient"/>, a fault, lets a suspended or revoked one through.</summary>
    private HashSet<string> ExchangeableStates(Fault lenient)
        => faults.Has(lenient)
            ? new(StringComparer.Ordinal) { MissionState.Active, MissionState.Suspended, MissionState.Revoked }
            : new(StringComparer.Ordinal) { MissionState.Active };

    /// <summary>The thumbprint of the key this request's one DPoP proof (RFC 9449, htu the token endpoint) is made with, or the invalid_dpop_proof refusal.</summary>
    /// <remarks>Under <see cref="Variant.DpopBoundTokens"/> a proof must carry this server's nonce (RFC 9449 §8).</remarks>
    private async Task<(string? Key, IResult? Refusal)> ProofKeyAsync(HttpContext http, string why)
    {
        try
        {
            return (await dpop.ProofKeyAsync(http, settings.Endpoint(Path), accessToken: null, binding.Dpop ? nonces.Accepts : null), null);
        }
        catch (DpopNonceRequiredException e)
        {
            http.Response.Headers["DPoP-Nonce"] = nonces.Current;
            return (null, OAuthError("use_dpop_nonce", e.Message));
        }
        catch (DpopProofException e)
        {
            return (null, OAuthError("invalid_dpop_proof", $"{why}: {e.Message}"));
        }
    }

    private HashSet<string> DerivableStates(bool isRefresh)
    {
        var states = new HashSet<string>(StringComparer.Ordinal) { MissionState.Active };
        if (!isRefresh) return states;
        if (faults.Has(Fault.RefreshWhileSuspended)) states.Add(MissionState.Suspended);
        if (faults.Has(Fault.RefreshAfterRevoke)) states.Add(MissionState.Revoked);
        if (faults.Has(Fault.RefreshAfterComplete)) states.Add(MissionState.Completed);
        return states;
    }

    private sealed record Selection(JsonArray? Entries, IReadOnlyList<string>? Resources, IResult? Error);

    /// <summary>
    /// The entries this token carries out of <paramref name="source"/> (the Mission's Authority Set, or
    /// an exchanged token's entries): those of the requested resources (RFC 8707, or RFC 8693
    /// audience; default: what the grant was issued for, else all), further narrowed by requested
    /// authorization_details, each a subset of a source entry (oauth-profile.md §4.3).
    /// </summary>
    private Selection SelectEntries(OpenIddictRequest request, IReadOnlyList<string>? grantedResources, JsonArray source)
    {
        var missionResources = source.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList();
        var requested = (request.Resources ?? []).Concat(request.Audiences ?? []).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (requested.Count == 0)
        {
            requested = grantedResources?.ToList() ?? missionResources;
        }
        if (requested.FirstOrDefault(r => !missionResources.Contains(r)) is { } outside && !faults.Has(Fault.AcceptUncoveredResource))
        {
            return new(null, null, OAuthError("invalid_target", $"resource {outside} is not covered by the authority this grant carries"));
        }
        if (faults.Has(Fault.BroadenOnResourceNarrowing))
        {
            requested = missionResources;
        }

        var narrowedByResource = requested.Count < missionResources.Count;
        var entries = new JsonArray(source.Where(e => requested.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());

        var narrowedByDetails = false;
        if ((string?)request[MissionParameters.AuthorizationDetails] is { Length: > 0 } detailsText)
        {
            if (!TryParseArray(detailsText, out var wanted))
            {
                return new(null, null, OAuthError("invalid_authorization_details", "authorization_details must be a JSON array of objects"));
            }
            foreach (var entry in wanted)
            {
                if (!faults.Has(Fault.DeriveOutsideSet) && !entries.Any(e => SubsetRule.IsSubset(entry!, e!)))
                {
                    // MBO-AS-SUB-003: never derive an entry that is not a subset of a Mission entry.
                    return new(null, null, OAuthError("invalid_authorization_details", "a requested entry is not a subset of the Mission's Authority Set"));
                }
            }
            entries = wanted;
            narrowedByDetails = true;
        }

        if ((narrowedByResource || narrowedByDetails) && faults.Has(Fault.DropConstraintOnNarrowing))
        {
            foreach (var entry in entries) entry!.AsObject().Remove("constraints");
        }
        return new(entries, requested, null);
    }

    /// <param name="missionClaim">The mission claim when it is not the canonical one: a pairwise sector's (<see cref="SectorClaimAsync"/>).</param>
    /// <param name="grantResources">The resources of the grant a refresh token carries on (RFC 8707 §2.2); <paramref name="resources"/> when not given.</param>
    private ClaimsPrincipal BuildPrincipal(MissionRecord mission, JsonArray entries, IReadOnlyList<string> resources, bool isRefresh, bool isExchange = false,
        IReadOnlyDictionary<string, JsonElement>? extraClaims = null, JsonObject? missionClaim = null, IReadOnlyList<string>? grantResources = null)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        var subject = isRefresh && faults.Has(Fault.RefreshChangesSubject) ? mission.Subject + "-refreshed" : mission.Subject!;
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaim(MissionRecordClaim, mission.Id);
        identity.SetClaim(GrantedResourcesClaim, JsonSerializer.Serialize(grantResources ?? resources));

        foreach (var entry in entries)
        {
            var actions = entry!["actions"]!.AsArray();
            if (faults.Has(Fault.WidenTokenDetails)) actions.Add("admin_override");
        }
        // One claim of type JSON_ARRAY: the array stays an array even with a single entry (RFC 9396 §2).
        identity.AddClaim(new Claim("authorization_details", entries.ToJsonString(), Microsoft.IdentityModel.JsonWebTokens.JsonClaimValueTypes.JsonArray));

        if (!faults.Has(Fault.MissingMissionClaim))
        {
            identity.SetClaim("mission", JsonSerializer.SerializeToElement(missionClaim ?? MissionClaim(mission, isRefresh, isExchange)));
        }

        foreach (var (type, value) in extraClaims ?? new Dictionary<string, JsonElement>())
        {
            identity.SetClaim(type, value);
        }

        var audiences = entries.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList();
        if (faults.Has(Fault.AudienceIncludesUnrelated)) audiences.Add("https://unrelated.example/api");
        if (faults.Has(Fault.AcceptUncoveredResource)) audiences.AddRange(resources.Except(audiences, StringComparer.Ordinal));
        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(audiences);
        if (faults.Has(Fault.ScopeBroaderThanDetails)) principal.SetScopes("admin");
        if (faults.Has(Fault.FrontChannelScopeGranted) && mission.FrontChannelScope is { } frontChannel) principal.SetScopes(frontChannel.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        // MBO-AS-TOK-007: no access token outlives the Mission.
        var remaining = DateTimeOffset.FromUnixTimeSeconds(mission.MissionExpiry) - clock.GetUtcNow();
        principal.SetAccessTokenLifetime(faults.Has(Fault.TokenOutlivesMissionExpiry) || remaining > ReferenceSettings.AccessTokenLifetime
            ? ReferenceSettings.AccessTokenLifetime
            : remaining);
        // The refresh token outlives the Mission by a day so that a late refresh meets the gate and
        // learns mission_state=expired (MBO-AS-GATE-004) instead of a bare "token expired".
        principal.SetRefreshTokenLifetime(remaining + TimeSpan.FromDays(1));

        principal.SetDestinations(claim => claim.Type switch
        {
            MissionRecordClaim or GrantedResourcesClaim or RefreshKeyClaim => [],
            _ => [Destinations.AccessToken],
        });
        return principal;
    }

    private JsonObject MissionClaim(MissionRecord mission, bool isRefresh, bool isExchange)
    {
        var claim = new JsonObject
        {
            ["id"] = mission.Id,
            ["origin"] = faults.Has(Fault.OriginWithQuery) ? mission.Origin + "?tenant=" + settings.Tenant : mission.Origin,
            ["authority_hash"] = mission.AuthorityHash,
        };
        if (faults.Has(Fault.MissionClaimWithIdAndRef)) claim["ref"] = "ref_" + mission.Id;
        if (faults.Has(Fault.WrongAuthorityHash)) claim["authority_hash"] = "sha-256:" + new string('A', 43);
        if (isRefresh && faults.Has(Fault.AuthorityHashChangesOnRefresh)) claim["authority_hash"] = "sha-256:" + new string('B', 43);
        if (isExchange && faults.Has(Fault.ExchangeLosesMission)) claim["id"] = "msn_exchanged_" + mission.Id[..Math.Min(12, mission.Id.Length)];
        if (isRefresh && faults.Has(Fault.MissionClaimModeVaries))
        {
            // A pairwise-style ref for an audience that got the canonical id before (MBO-AS-TOK-015).
            claim.Remove("id");
            claim["ref"] = "ref_" + Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(mission.Id)));
        }
        return claim;
    }

    /// <summary>
    /// oauth-profile.md §15 in the resource_server sector: a token is for one Resource Server, named by that server's ref, so a
    /// selection of several is refused (invalid_target) before anything is counted. Null claim: the canonical one applies.
    /// </summary>
    private async Task<(JsonObject? Claim, IResult? Misfit)> SectorClaimAsync(MissionRecord mission, JsonArray entries, CancellationToken ct)
    {
        if (settings.PairwiseSector != ReferenceSettings.ResourceServerSector) return (null, null);
        if (entries.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList() is not [var resource])
        {
            return (null, OAuthError("invalid_target", "in pairwise sector resource_server a token is for one Resource Server, which sees its own mission.ref: name one with resource (RFC 8707)"));
        }
        return (await PairwiseClaimAsync(mission, resource, ct), null);
    }

    /// <summary>
    /// The mission claim for an audience of pairwise sector <paramref name="sector"/> (oauth-profile.md §15; a Resource AS, or a
    /// Resource Server in the resource_server sector): the sector's ref in place of the canonical id, which that audience never sees.
    /// </summary>
    private async Task<JsonObject> PairwiseClaimAsync(MissionRecord mission, string sector, CancellationToken ct)
    {
        var claim = MissionClaim(mission, isRefresh: false, isExchange: false);
        if (!faults.Has(Fault.PairwiseLeaksCanonicalId)) claim.Remove("id");
        claim["ref"] = await store.PairwiseRefAsync(mission.Id, sector, ct);
        return claim;
    }

    /// <summary>oauth-profile.md §9: HTTP 400, JSON, no-store, invalid_grant with mission_state.</summary>
    private NoStoreJsonResult GatingError(string state)
    {
        var body = new Dictionary<string, string>
        {
            ["error"] = "invalid_grant",
            ["error_description"] = state == "mission_not_found" ? "the grant's Mission does not resolve" : $"mission not active ({state})",
            ["mission_state"] = faults.Has(Fault.NonStandardMissionState) ? "inactive" : state,
        };
        return new NoStoreJsonResult(body, StatusCodes.Status400BadRequest, cacheable: faults.Has(Fault.CacheableGatingError));
    }

    /// <summary>An RFC 6749 §5.2 error (HTTP 400 unless told otherwise), no-store.</summary>
    internal static NoStoreJsonResult OAuthError(string error, string description, int status = StatusCodes.Status400BadRequest)
        => new(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, status);

    private static bool TryParseArray(string text, out JsonArray array)
    {
        array = [];
        try
        {
            if (JsonNode.Parse(text) is JsonArray parsed && parsed.All(e => e is JsonObject))
            {
                array = parsed;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}

/// <summary>A JSON body (an error, or an answer OpenIddict does not write) with Cache-Control: no-store unless told otherwise (RFC 6749 §5.1, §5.2).</summary>
public sealed class NoStoreJsonResult(object body, int status, bool cacheable = false) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (!cacheable)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
        }
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(body, body.GetType());
    }
}
