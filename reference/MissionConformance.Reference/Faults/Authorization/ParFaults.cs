using System.Globalization;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Faults.Authorization;

[FaultHook(Fault.AcceptIntentWithAuthorizationDetails, "accepts mission_intent together with authorization_details", "MBO-AS-PAR-008")]
internal sealed class AcceptIntentWithAuthorizationDetails : IAuthorizationHook
{
    public void ParChecked(ParCheck check)
    {
        if (check.Rule == ParRule.IntentAlone) check.Refusal = null;
    }
}

/// <summary>A refused PAR leaves a pending record behind (MBO-AS-PAR-013).</summary>
[FaultHook(
    Fault.CreateStateOnRefusedPar,
    "records a pending Mission for a PAR it refuses",
    "MBO-AS-PAR-003",
    "MBO-AS-PAR-004",
    "MBO-AS-PAR-005",
    "MBO-AS-PAR-006",
    "MBO-AS-PAR-007",
    "MBO-AS-PAR-008",
    "MBO-AS-PAR-009",
    "MBO-AS-PAR-011",
    "MBO-AS-PAR-015")]
internal sealed class CreateStateOnRefusedPar : IAuthorizationHook
{
    public async ValueTask ParRefusedAsync(ParRefusal refusal)
    {
        var junk = new JsonObject { ["goal"] = "(refused)", ["raw"] = refusal.RawIntent };
        var placeholder = new AdmittedIntent(junk, junk, [], [], DateTimeOffset.UtcNow.AddHours(1), null, null);
        await refusal.Store.CreatePendingAsync(placeholder, refusal.ClientId, "refused:" + MissionStore.RandomToken(12), [], null, refusal.Aborted);
    }
}

[FaultHook(Fault.ParWithoutExpiresIn, "the PAR response omits expires_in", "MBO-AS-PAR-001")]
internal sealed class ParWithoutExpiresIn : IAuthorizationHook
{
    public void ParAnswered(OpenIddictResponse response) => response.ExpiresIn = null;
}

/// <summary>
/// mission_intent is taken on the front channel: the request passes the front-channel check, a pending Mission is admitted
/// from it, and the consent form carries the request's parameters and the record's key itself (MBO-AS-PAR-002).
/// </summary>
[FaultHook(Fault.AcceptFrontChannelIntent, "accepts mission_intent on a front-channel /authorize request", "MBO-AS-PAR-002")]
internal sealed class AcceptFrontChannelIntent : IAuthorizationHook
{
    public const string PendingField = "mission_pending";

    public void FrontChannelRequested(FrontChannelRequest request)
    {
        if (request.HasIntent) request.Refused = false;
    }

    public async ValueTask PendingFoundAsync(PendingMission pending)
    {
        if (!string.IsNullOrEmpty(pending.Request.RequestUri)) return;
        var http = pending.Http;
        if (Microsoft.AspNetCore.Http.HttpMethods.IsPost(http.Request.Method))
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            pending.Mission = await pending.Store.FindByRequestUriAsync(form[PendingField].ToString(), http.RequestAborted);
            return;
        }
        var validation = pending.Validator.Validate((string?)pending.Request[MissionParameters.MissionIntent] ?? "", TestPrincipals.FindClient(pending.Request.ClientId)!);
        pending.Mission = validation.Admitted is { } admitted
            ? await pending.Store.CreatePendingAsync(admitted, pending.Request.ClientId!, "front:" + MissionStore.RandomToken(12), [], pending.Request.LoginHint, http.RequestAborted)
            : null;
    }

    public void ConsentRendering(ConsentForm form)
    {
        if (!string.IsNullOrEmpty(form.Request.RequestUri)) return;
        var fields = form.Request.GetParameters().ToDictionary(p => p.Key, p => (string?)p.Value ?? "");
        fields[PendingField] = form.Mission.RequestUri!;
        form.HiddenFields = fields;
    }
}

/// <summary>mission_intent_max_size is a string, not a number.</summary>
[FaultHook(Fault.MalformedMissionMetadata, "advertises mission_intent_max_size as a string", "MBO-AS-MD-003")]
internal sealed class MalformedMissionMetadata : IAuthorizationHook
{
    public void MetadataBuilt(IDictionary<string, OpenIddictParameter> metadata)
        => metadata["mission_intent_max_size"] = new OpenIddictParameter(MissionIntentValidator.DefaultMaxSize.ToString(CultureInfo.InvariantCulture));
}

[FaultHook(Fault.PairwiseWithoutSector, "advertises mission_pairwise_supported=true without mission_pairwise_sector", "MBO-AS-MD-004")]
internal sealed class PairwiseWithoutSector : IAuthorizationHook
{
    public void MetadataBuilt(IDictionary<string, OpenIddictParameter> metadata) => metadata.Remove("mission_pairwise_sector");
}

/// <summary>The capability advertisement lists a level and a tier outside the enums.</summary>
[FaultHook(Fault.CapabilityOutOfEnum, "advertises ladder level 6 and tier AD-4", "MBO-AS-MD-007")]
internal sealed class CapabilityOutOfEnum : IAuthorizationHook
{
    public void MetadataBuilt(IDictionary<string, OpenIddictParameter> metadata)
    {
        metadata["mission_ladder_levels_supported"] = MetadataHandler.Numbers([.. ReferenceSettings.LadderLevels, 6]);
        metadata["mission_authorization_domain_tiers_supported"] = MetadataHandler.Array([.. ReferenceSettings.DomainTiers, "AD-4"]);
    }
}

/// <summary>An RFC 8414 list member written as a bare string (MC-AS-MD-101).</summary>
[FaultHook(Fault.ResponseTypesAsString, "advertises response_types_supported as the string \"code\", not an array", "MC-AS-MD-101")]
internal sealed class ResponseTypesAsString : IAuthorizationHook
{
    public void MetadataBuilt(IDictionary<string, OpenIddictParameter> metadata) => metadata["response_types_supported"] = "code";
}

/// <summary>The token response echoes the whole Authority Set, not what the token carries (MBO-AS-TOK-004).</summary>
[FaultHook(
    Fault.TokenResponseDetailsDiffer,
    "token and exchange responses return the full Authority Set while the token carries a narrowed one",
    "MBO-AS-TOK-004",
    "MBO-AS-RT-004")]
internal sealed class TokenResponseDetailsDiffer : ITokenHook
{
    public void TokenResponding(TokenResponseDraft response)
        => response.Response[MissionParameters.AuthorizationDetails] = new OpenIddictParameter(System.Text.Json.JsonSerializer.SerializeToElement(response.Issued.AuthoritySet));
}

[FaultHook(Fault.RefreshResponseWithoutDetails, "refresh responses omit authorization_details", "MBO-AS-RT-004")]
internal sealed class RefreshResponseWithoutDetails : ITokenHook
{
    public void TokenResponding(TokenResponseDraft response)
    {
        if (response.Issued.IsRefresh) response.Response.RemoveParameter(MissionParameters.AuthorizationDetails);
    }
}

/// <summary>Access tokens carry typ JWT, not at+jwt (RFC 9068 §2.1).</summary>
[FaultHook(
    Fault.WrongTokenType,
    "access tokens have JOSE typ JWT instead of at+jwt, so the AS's own Token Exchange (delegation included) refuses them as subject tokens",
    "MBO-AS-TOK-012",
    "MC-AS-XCH-101",
    "MBO-AS-DEL-001")]
internal sealed class WrongTokenType : ITokenHook
{
    public void TokenResponding(TokenResponseDraft response) => response.Response.AccessToken = response.Signer.WithHeaderType(response.Response.AccessToken!, "JWT");
}
