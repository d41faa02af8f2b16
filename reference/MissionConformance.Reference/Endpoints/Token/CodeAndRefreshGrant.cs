using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// authorization_code and refresh_token (passthrough after OpenIddict validated the client, the code and PKCE, or the refresh
/// token): resolves the Mission from the grant, gates on its state and budget, narrows by RFC 8707 resource and RFC 9396
/// authorization_details, and issues the Mission-bound token.
/// </summary>
public sealed class CodeAndRefreshGrant(MissionStore store, GatingPolicy gate, AuthorityDeriver deriver, MissionClaimBuilder claims, TokenPrincipalBuilder tokens,
    TokenRequestProof proof, OneTimeUse once, RefreshRotation rotation, TimeProvider clock, Hooks<ITokenHook> hooks)
{
    public async Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request)
    {
        var grant = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        var kind = request.IsRefreshTokenGrantType() ? GrantKind.Refresh : GrantKind.AuthorizationCode;

        // Variant DpopBoundTokens (RFC 9449 §5): a proof binds what is issued to its key, and a refresh token bound to a key is
        // redeemed only with a proof of it. Judged before anything is spent, so a nonce challenge costs the client nothing.
        string? jkt = null;
        if (proof.Offered(http))
        {
            (jkt, var invalidProof) = await proof.KeyAsync(http, "the DPoP proof of a token request");
            if (invalidProof is not null) return invalidProof;
        }
        if (kind == GrantKind.Refresh && grant.GetClaim(TokenEndpoint.RefreshKeyClaim) is { } refreshKey && refreshKey != jkt)
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the refresh token is bound to a DPoP key this request does not prove (RFC 9449 §5)");
        }

        // The Mission is resolved from the presented grant, never from client input (MBO-AS-APR-006).
        var lookup = new MissionLookup(kind, request, store, http.RequestAborted) { MissionId = grant.GetClaim(TokenEndpoint.MissionRecordClaim) };
        hooks.Run(h => h.ResolvingMission(lookup));
        lookup.Mission = lookup.MissionId is null ? null : await store.FindAsync(lookup.MissionId, http.RequestAborted);
        await hooks.RunAsync(h => h.MissionFoundAsync(lookup));
        if (lookup.Mission is not { } mission)
        {
            return gate.Refusal(GatingPolicy.MissionNotFound);  // MBO-AS-GATE-012
        }
        var (derivable, inactive) = gate.Judge(mission, kind);
        if (inactive is not null)
        {
            return inactive;
        }

        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var granted = AuthorityDeriver.GrantedResources(grant)
            ?? (mission.RequestedResourcesJson is { } pushed ? System.Text.Json.JsonSerializer.Deserialize<List<string>>(pushed) : null);
        var selection = deriver.Select(kind, request, granted, authoritySet, authoritySet);
        if (selection.Error is { } error)
        {
            return error;
        }
        var (sectorClaim, misfit) = await claims.ForSectorAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }

        // A rotated refresh token is redeemed once (MBO-AS-RT-002): OpenIddict marks it redeemed only after the new tokens are
        // made (or not at all, where it rolls no token itself), so racing requests would each pass its validation; one
        // conditional insert lets exactly one of them through.
        if (kind == GrantKind.Refresh && rotation.Rotates(TestPrincipals.FindClient(request.ClientId))
            && !await once.TryClaimAsync("refresh:" + grant.GetTokenId(), grant.GetExpirationDate() ?? clock.GetUtcNow().AddDays(1), http.RequestAborted))
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the refresh token has already been redeemed");
        }
        if (await gate.ConsumeAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        // RFC 8707 §2.2: the refresh token keeps the original grant's resources, whichever one this access token was narrowed to.
        var principal = tokens.Build(mission, kind, selection.Entries!, selection.Resources!, missionClaim: sectorClaim,
            grantResources: granted ?? [.. authoritySet.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal)]);
        if (jkt is not null)
        {
            // A confidential client's refresh token is bound by its client authentication instead (RFC 9449 §5).
            var binding = new TokenBinding(kind, publicClient: TestPrincipals.FindClient(request.ClientId)?.IsPublic == true);
            hooks.Run(h => h.Binding(binding));
            http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(ClientId: null, jkt) { AnnouncedAsBearer = binding.AnnouncedAsBearer };
            if (binding.BindsRefreshToken) principal.SetClaim(TokenEndpoint.RefreshKeyClaim, jkt);
        }
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, kind == GrantKind.Refresh);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
