using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// oauth-profile.md §10: a delegated token for a delegate from the agent's token. sub, client_id and mission stay; the outermost
/// act names the delegate with the profile the AS knows it by; only entries of the subject token that carry delegation, allow
/// this depth and match the delegate remain (none: invalid_grant); cnf is the delegate's own DPoP key; gated like any derivation.
/// </summary>
public sealed class DelegationGrant(ReferenceSettings settings, GatingPolicy gate, AuthorityDeriver deriver, MissionClaimBuilder claims, TokenPrincipalBuilder tokens,
    TokenRequestProof proof, Hooks<ITokenHook> hooks)
{
    public async Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request, ClaimsPrincipal subject, MissionRecord mission, string delegating, TestClient actor)
    {
        var (derivable, inactive) = gate.Judge(mission, GrantKind.Delegation);
        if (inactive is not null)
        {
            return inactive;  // MBO-AS-DEL-007
        }
        var priorAct = subject.GetClaim("act") is { } prior ? JsonNode.Parse(prior) as JsonObject : null;
        var depth = 1;  // the agent's token is depth 0; depth counts after appending this delegate
        for (var act = priorAct; act is not null; act = act["act"] as JsonObject) depth++;
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var delegation = new Delegation(AuthorityDeriver.CarriedEntries(subject), authoritySet, actor.ClientId, depth, actor.SubProfile,
            SelfAssertedProfile((string?)request[ActorTokenHandler.SelfAssertedActor]));
        delegation.Eligible = e => AuthorityDeriver.Delegable(e, delegation.Depth, delegation.DelegateId, delegation.Profile);
        hooks.Run(h => h.Delegating(delegation));

        string? jkt = null;
        if (delegation.BindsDelegateKey)
        {
            (jkt, var invalidProof) = await proof.KeyAsync(http, "a delegated token is bound to the delegate's own key");  // MBO-AS-DEL-003
            if (invalidProof is not null) return invalidProof;
            // A delegated token delegated further is presented by the holder of the key it is bound to; the agent's own token (no
            // act), even DPoP-bound, is the delegate's to present with its own key.
            if (subject.GetClaim("act") is not null && TokenRequestProof.BoundKey(subject) is { } bound && bound != jkt)
            {
                return TokenEndpoint.OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
            }
        }

        var eligible = new JsonArray(delegation.Source.Where(e => delegation.Eligible(e!)).Select(e => e!.DeepClone()).ToArray());
        Selection selection;
        if (eligible.Count > 0)
        {
            selection = deriver.Select(GrantKind.Delegation, request, grantedResources: null, eligible, authoritySet);
            if (selection.Error is { } error) return error;
        }
        else if (delegation.RefusesNothingToDelegate)
        {
            return TokenEndpoint.OAuthError("invalid_grant", $"delegation narrows to no entries: none of the token's entries may be delegated to {actor.ClientId} at depth {depth}");  // MBO-AS-DEL-005
        }
        else
        {
            selection = new Selection([], [], null);
        }
        var (sectorClaim, misfit) = selection.Entries!.Count == 0 ? (null, null) : await claims.ForSectorAsync(mission, selection.Entries!, http.RequestAborted);
        if (misfit is not null)
        {
            return misfit;
        }
        if (await gate.ConsumeAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (delegation.NamesActor)
        {
            var act = new JsonObject { ["sub"] = actor.ClientId, ["iss"] = settings.Issuer.AbsoluteUri };
            if (actor.SubProfile is { } asserted) act["sub_profile"] = asserted;
            if (priorAct is not null) act["act"] = priorAct.DeepClone();
            extra["act"] = JsonSerializer.SerializeToElement(act);
        }
        // client_id stays the approved agent (MBO-AS-DEL-001); cnf is the delegate's key (MBO-AS-DEL-003).
        http.Items[DelegatedTokenHandler.Item] = new DelegatedToken(delegation.NamesActor ? delegating : null, jkt);
        var principal = tokens.Build(mission, GrantKind.Delegation, selection.Entries!, selection.Resources!, extra, sectorClaim);
        http.Items[MissionParameters.TokenIssuanceItem] = new TokenIssuance(selection.Entries!, authoritySet, IsRefresh: false);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>What an actor_token says the actor is: read, not verified, and believed by no correct path (MBO-AS-DEL-006).</summary>
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
}
