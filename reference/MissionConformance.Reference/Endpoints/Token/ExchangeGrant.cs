using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// RFC 8693 Token Exchange of a Mission-bound access token (oauth-profile.md §9): the same Mission, gated on its state
/// (MBO-AS-GATE-005), counted against its derivation budget, and never more authority than the subject token carries
/// (conformance.md §5 L2 item 2), narrowed by resource and authorization_details like any other derivation. Another client
/// presenting the token asks for a delegated token (<see cref="DelegationGrant"/>); a refresh token asks for an ID-JAG
/// (<see cref="IdJagGrant"/>).
/// </summary>
public sealed class ExchangeGrant(MissionStore store, GatingPolicy gate, AuthorityDeriver deriver, MissionClaimBuilder claims, TokenPrincipalBuilder tokens,
    TokenRequestProof proof, DelegationGrant delegation, IdJagGrant idJag)
{
    public async Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request)
    {
        if ((string?)request[IdJagRequestHandler.RequestedIdJag] is { } audiences)
        {
            return await idJag.HandleAsync(http, request, JsonSerializer.Deserialize<List<string>>(audiences)!);
        }
        if (request.SubjectTokenType != TokenTypeIdentifiers.AccessToken)
        {
            // A refresh token as subject is for ID-JAG issuance only (oauth-profile.md §14).
            return TokenEndpoint.OAuthError("invalid_request", "only Mission-bound access tokens (subject_token_type " + TokenTypeIdentifiers.AccessToken + ") are exchanged for access tokens; a refresh token is exchanged for an ID-JAG");
        }
        // OpenIddict has validated the subject token: signature, lifetime, and that it is not revoked.
        var subject = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        if (subject.GetClaim("mission") is not { } missionClaim || JsonNode.Parse(missionClaim) is not JsonObject claimed
            || ((string?)claimed["id"] ?? (string?)claimed["ref"]) is null)
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the subject token is not Mission-bound");
        }
        // A token for a Resource Server of a pairwise sector names the Mission by that server's ref (oauth-profile.md §15).
        var mission = (string?)claimed["id"] is { } missionId ? await store.FindAsync(missionId, http.RequestAborted)
            : (await store.ResolvePairwiseAsync((string)claimed["ref"]!, http.RequestAborted))?.Mission;
        if (mission is null)
        {
            return gate.Refusal(GatingPolicy.MissionNotFound);
        }
        if (subject.GetClaim(Claims.ClientId) is { } delegating && request.ClientId is { } caller && caller != delegating)
        {
            return await delegation.HandleAsync(http, request, subject, mission, delegating, TestPrincipals.FindClient(caller)!);
        }
        // A token derived from a DPoP-bound one stays bound to the same key; under DpopBoundTokens any proof binds the new token.
        string? shown = null;
        if (TokenRequestProof.BoundKey(subject) is not null || proof.Offered(http))
        {
            (shown, var invalidProof) = await proof.KeyAsync(http, "the subject token is DPoP-bound");
            if (invalidProof is not null) return invalidProof;
            if (TokenRequestProof.BoundKey(subject) is { } key && shown != key) return TokenEndpoint.OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
        }
        var (derivable, inactive) = gate.Judge(mission, GrantKind.Exchange);
        if (inactive is not null)
        {
            return inactive;
        }

        // What the exchange may draw from: the subject token's entries, never the rest of the Mission.
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var selection = deriver.Select(GrantKind.Exchange, request, grantedResources: null, AuthorityDeriver.CarriedEntries(subject), authoritySet);
        if (selection.Error is { } error)
        {
            return error;
        }
        var (sectorClaim, misfit) = await claims.ForSectorAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }
        if (await gate.ConsumeAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var principal = tokens.Build(mission, GrantKind.Exchange, selection.Entries!, selection.Resources!, missionClaim: sectorClaim);
        if (shown is not null) http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(ClientId: null, shown);
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, IsRefresh: false);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
