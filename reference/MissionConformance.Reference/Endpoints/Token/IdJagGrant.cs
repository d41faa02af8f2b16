using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// oauth-profile.md §14: an ID-JAG projecting the Mission into another trust domain, from the Mission's refresh token only
/// (MBO-AS-XD-001), for a Resource AS this policy knows (invalid_target otherwise), while the Mission is active (MBO-AS-XD-004):
/// signed by this AS, audienced to that Resource AS, short-lived, with a fresh jti for single use, bound to the key of the
/// request's DPoP proof, the mission claim unchanged and only that domain's entries (MBO-AS-XD-002/003).
/// </summary>
public sealed class IdJagGrant(MissionStore store, ReferenceSettings settings, GatingPolicy gate, MissionClaimBuilder claims, TokenRequestProof proof,
    JwsSigner signer, TimeProvider clock, Hooks<ITokenHook> hooks)
{
    public async Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request, IReadOnlyList<string> audiences)
    {
        var asked = new IdJagRequest();
        hooks.Run(h => h.IdJagRequested(asked));
        var fromAccessToken = asked.AcceptsAccessToken && request.SubjectTokenType == TokenTypeIdentifiers.AccessToken;
        if (request.SubjectTokenType != TokenTypeIdentifiers.RefreshToken && !fromAccessToken)
        {
            return TokenEndpoint.OAuthError("invalid_request", "an ID-JAG is issued from the Mission's refresh token (subject_token_type " + TokenTypeIdentifiers.RefreshToken + "), never from an access or delegated token");
        }
        // OpenIddict has validated the subject token: signature, lifetime, not revoked. Who may present it is
        // checked here, as AuthorizedPartyHandler leaves that to this endpoint for every exchange.
        var subject = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        var issuedTo = subject.GetPresenters().FirstOrDefault() ?? subject.GetClaim(Claims.ClientId);
        if (issuedTo != request.ClientId)
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the subject token was issued to another client");
        }
        var missionId = subject.GetClaim(TokenEndpoint.MissionRecordClaim)
            ?? (subject.GetClaim("mission") is { } claim ? (string?)JsonNode.Parse(claim)?["id"] : null);
        var mission = missionId is null ? null : await store.FindAsync(missionId, http.RequestAborted);
        if (mission is null)
        {
            return gate.Refusal(GatingPolicy.MissionNotFound);
        }
        var (derivable, inactive) = gate.Judge(mission, GrantKind.IdJag);
        if (inactive is not null)
        {
            return inactive;
        }
        if (audiences is not [var audience] || settings.Catalogue.FindAuthority(audience) is not { } authority)
        {
            return TokenEndpoint.OAuthError("invalid_target", "audience must name one Resource AS this AS projects Missions to: "
                + string.Join(", ", (settings.Catalogue.PartnerDomains ?? []).Select(d => d.Issuer.AbsoluteUri)));
        }
        var (jkt, invalidProof) = await proof.KeyAsync(http, "an ID-JAG is sender-constrained to the key of the request's DPoP proof");
        if (invalidProof is not null) return invalidProof;
        if ((TokenRequestProof.BoundKey(subject) ?? subject.GetClaim(TokenEndpoint.RefreshKeyClaim)) is { } subjectKey && subjectKey != jkt)
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the subject token is bound to a key this request's DPoP proof does not show");
        }

        // Only what the grant carries, and of that only the entries the target domain is authoritative for.
        var authoritySet = JsonNode.Parse(mission.AuthoritySetJson)!.AsArray();
        var granted = AuthorityDeriver.GrantedResources(subject);
        var carried = fromAccessToken
            ? AuthorityDeriver.CarriedEntries(subject)
            : new JsonArray(authoritySet.Where(e => granted is null || granted.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());
        var entries = asked.KeepsOtherDomainsOut
            ? new JsonArray(carried.Where(e => authority.Resources.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray())
            : carried;
        if (entries.Count == 0)
        {
            return TokenEndpoint.OAuthError("invalid_target", $"the grant carries no authority at {authority.Issuer}: none of its entries is for a resource that Resource AS is authoritative for");
        }
        if (await gate.ConsumeAsync(mission.Id, derivable, http.RequestAborted) is { } refusal)
        {
            return refusal;
        }

        var now = clock.GetUtcNow();
        var payload = new JsonObject
        {
            ["iss"] = settings.Issuer.AbsoluteUri,
            ["sub"] = mission.Subject,
            ["aud"] = authority.Issuer.AbsoluteUri,
            ["client_id"] = request.ClientId,
            ["jti"] = "jag_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18)),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["cnf"] = new JsonObject { ["jkt"] = jkt },
            // A projection issuer asks Mission Status by the canonical id; every other domain is a pairwise sector, unless the
            // sector is the Resource Servers of this domain.
            ["mission"] = authority.ProjectionIssuer || settings.PairwiseSector != ReferenceSettings.ResourceAsSector
                ? claims.Canonical(mission)
                : await claims.PairwiseAsync(mission, authority.Issuer.AbsoluteUri, http.RequestAborted),
            ["authorization_details"] = entries,
        };
        var draft = new IdJagDraft(mission, authority.Issuer.AbsoluteUri, payload, TokenEndpoint.IdJagLifetime, p => signer.Sign(TokenEndpoint.IdJagMediaType, p));
        hooks.Run(h => h.IdJagDrafted(draft));
        payload["exp"] = (now + draft.Lifetime).ToUnixTimeSeconds();
        return new NoStoreJsonResult(new Dictionary<string, object>
        {
            ["access_token"] = draft.Sign(payload),
            ["issued_token_type"] = draft.IssuedTokenType,
            ["token_type"] = draft.TokenType,
            ["expires_in"] = (long)draft.Lifetime.TotalSeconds,
        }, StatusCodes.Status200OK);
    }
}
