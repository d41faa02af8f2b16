using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Faults.Token;

[FaultHook(Fault.IdJagFromAccessToken)]
internal sealed class IdJagFromAccessToken : ITokenHook
{
    public void IdJagRequested(IdJagRequest request) => request.AcceptsAccessToken = true;
}

[FaultHook(Fault.IdJagDisclosesOtherDomains)]
internal sealed class IdJagDisclosesOtherDomains : ITokenHook
{
    public void IdJagRequested(IdJagRequest request) => request.KeepsOtherDomainsOut = false;
}

[FaultHook(Fault.IdJagLongLived)]
internal sealed class IdJagLongLived : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Lifetime = TimeSpan.FromHours(1);
}

/// <summary>The jti is derived from the Mission and audience, so every ID-JAG for them repeats it.</summary>
[FaultHook(Fault.IdJagRepeatsJti)]
internal sealed class IdJagRepeatsJti : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft)
        => draft.Payload["jti"] = "jag_" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(draft.Mission.Id + " " + draft.Audience)).AsSpan(0, 18));
}

[FaultHook(Fault.IdJagBoundToOtherKey)]
internal sealed class IdJagBoundToOtherKey : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Payload["cnf"] = new JsonObject { ["jkt"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)) };
}

[FaultHook(Fault.IdJagMislabelled)]
internal sealed class IdJagMislabelled : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft)
    {
        draft.IssuedTokenType = TokenTypeIdentifiers.AccessToken;
        draft.TokenType = "Bearer";
    }
}

[FaultHook(Fault.IdJagSignedByUnknownKey)]
internal sealed class IdJagSignedByUnknownKey : ITokenHook
{
    public void IdJagDrafted(IdJagDraft draft) => draft.Sign = payload => JwsSigner.SignWithStrayKey(TokenEndpoint.IdJagMediaType, payload);
}
