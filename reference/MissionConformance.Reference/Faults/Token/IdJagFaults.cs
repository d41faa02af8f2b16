using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(
    Fault.IdJagFromAccessToken,
    "an ID-JAG is issued from a Mission-bound access token, not only from the Mission's refresh token",
    "MBO-AS-XD-001")]
internal sealed class IdJagFromAccessToken : ITokenHook
{
    public void IdJagRequested(IdJagRequest request) => request.AcceptsAccessToken = true;
}

[FaultHook(
    Fault.IdJagDisclosesOtherDomains,
    "an ID-JAG carries every entry of the Mission, those of resources other domains are authoritative for included",
    "MBO-AS-XD-003")]
internal sealed class IdJagDisclosesOtherDomains : ITokenHook
{
    public void IdJagRequested(IdJagRequest request) => request.KeepsOtherDomainsOut = false;
}

[FaultHook(Fault.IdJagLongLived, "an ID-JAG lives an hour, not at most 300 s", "MBO-AS-XD-002")]
internal sealed class IdJagLongLived : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Lifetime = TimeSpan.FromHours(1);
}

/// <summary>The jti is derived from the Mission and audience, so every ID-JAG for them repeats it.</summary>
[FaultHook(
    Fault.IdJagRepeatsJti,
    "an ID-JAG's jti is derived from the Mission and the Resource AS, so every grant for that Resource AS repeats it: the second is a replay there",
    "MBO-AS-XD-002")]
internal sealed class IdJagRepeatsJti : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft)
        => draft.Payload["jti"] = "jag_" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(draft.Mission.Id + " " + draft.Audience)).AsSpan(0, 18));
}

[FaultHook(Fault.IdJagBoundToOtherKey, "an ID-JAG's cnf.jkt names a key other than the one the request's DPoP proof holds", "MBO-AS-XD-002")]
internal sealed class IdJagBoundToOtherKey : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Payload["cnf"] = new JsonObject { ["jkt"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)) };
}

[FaultHook(Fault.IdJagMislabelled, "the ID-JAG response says issued_token_type access_token and token_type Bearer", "MBO-AS-XD-005")]
internal sealed class IdJagMislabelled : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft)
    {
        draft.IssuedTokenType = TokenTypeIdentifiers.AccessToken;
        draft.TokenType = "Bearer";
    }
}

[FaultHook(Fault.IdJagSignedByUnknownKey, "an ID-JAG is signed with a key the AS's jwks_uri does not publish", "MBO-AS-XD-002")]
internal sealed class IdJagSignedByUnknownKey : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Sign = payload => JwsSigner.SignWithStrayKey(TokenEndpoint.IdJagMediaType, payload);
}
