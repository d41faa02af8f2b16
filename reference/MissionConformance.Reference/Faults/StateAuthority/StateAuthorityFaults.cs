using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Missions;

namespace MissionConformance.Reference.Faults.StateAuthority;

/// <summary>Lifecycle and inventory take client_secret_basic beside private_key_jwt.</summary>
[FaultHook(Fault.LifecycleAcceptsClientSecret, "the lifecycle endpoint accepts client_secret_basic", "MBO-AS-LC-007")]
internal sealed class LifecycleAcceptsClientSecret : IStateAuthorityHook
{
    public void Authenticating(ClientAuthentication authentication)
    {
        if (authentication.Path != MissionStatusEndpoint.Path) authentication.AcceptsClientSecret = true;
    }
}

[FaultHook(Fault.LeakForeignMissionOnLifecycle, "a foreign Mission gets 403 where an unknown one gets 404", "MBO-AS-LC-003")]
internal sealed class LeakForeignMissionOnLifecycle : IStateAuthorityHook
{
    public void MissionHidden(HiddenMission hidden)
    {
        if (hidden.Mission is not null) hidden.Answer = hidden.Error(StatusCodes.Status403Forbidden, "forbidden", "this Mission belongs to another client");
    }
}

[FaultHook(Fault.CompleteNotSupported, "the lifecycle endpoint refuses the complete operation", "MBO-CM-005", "MBO-AS-LC-002")]
internal sealed class CompleteNotSupported : IStateAuthorityHook
{
    public void LifecycleRequested(LifecycleRequest request) => request.Supported.Remove(LifecycleOperation.Complete);
}

/// <summary>The mission-authority document's issuer drops the trailing slash mission.origin has.</summary>
[FaultHook(
    Fault.MissionAuthorityIssuerMismatch,
    "the mission-authority document's issuer drops the trailing slash mission.origin has",
    "MBO-AS-MD-005")]
internal sealed class MissionAuthorityIssuerMismatch : IStateAuthorityHook
{
    public void AuthorityDocumentBuilt(AuthorityDocument document) => document.Document["issuer"] = ((string)document.Document["issuer"]!).TrimEnd('/');
}

[FaultHook(Fault.MissionAuthorityNotJson, "the mission-authority document is served as text/plain", "MBO-AS-MD-006")]
internal sealed class MissionAuthorityNotJson : IStateAuthorityHook
{
    public void AuthorityDocumentBuilt(AuthorityDocument document) => document.MediaType = "text/plain";
}

/// <summary>A Mission Authority Server does not list the mas profile (mas.md Metadata).</summary>
[FaultHook(
    Fault.MasProfileUnadvertised,
    "the mission-authority document of an AS with projection issuers lists mission_profiles_supported [\"oauth\"], without \"mas\"",
    "MBO-MAS-004")]
internal sealed class MasProfileUnadvertised : IStateAuthorityHook
{
    public void AuthorityDocumentBuilt(AuthorityDocument document)
    {
        if (document.Document["mission_capability_advertisement"]?["mission_profiles_supported"] is JsonArray profiles)
        {
            foreach (var mas in profiles.Where(p => (string?)p == "mas").ToList()) profiles.Remove(mas);
        }
    }
}

/// <summary>Introspection answers an unauthenticated caller, and a caller the token is not for, in full.</summary>
[FaultHook(
    Fault.IntrospectionLeaksToNonAudience,
    "introspection answers anyone, unauthenticated callers and callers the token is not for included, with the Mission and every entry",
    "MBO-AS-INT-003")]
internal sealed class IntrospectionLeaksToNonAudience : IStateAuthorityHook
{
    public void IntrospectionChecked(IntrospectionCheck check)
    {
        if (check.Check is IntrospectionRule.Authenticated or IntrospectionRule.Audience) check.Refusal = null;
    }
}

[FaultHook(
    Fault.IntrospectionErrorsOnMalformedToken,
    "a malformed or unknown token gets 400 invalid_token instead of {\"active\":false}",
    "MBO-AS-INT-004")]
internal sealed class IntrospectionErrorsOnMalformedToken : IStateAuthorityHook
{
    public void IntrospectionChecked(IntrospectionCheck check)
    {
        if (check.Check == IntrospectionRule.KnownToken)
        {
            check.Refusal = Results.Json(new JsonObject { ["error"] = "invalid_token", ["error_description"] = "not a token this server issued" }, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}

[FaultHook(
    Fault.IntrospectionActiveForInactiveMission,
    "introspection says active:true for a valid token whose Mission is revoked",
    "MBO-AS-INT-002")]
internal sealed class IntrospectionActiveForInactiveMission : IStateAuthorityHook
{
    public void IntrospectionBuilt(IntrospectionAnswer answer)
    {
        if (answer.Mission is not null) answer.Response["active"] = true;
    }
}

[FaultHook(Fault.IntrospectionOmitsMission, "introspection answers carry no mission member", "MBO-AS-INT-001", "MBO-AS-INT-002")]
internal sealed class IntrospectionOmitsMission : IStateAuthorityHook
{
    public void IntrospectionBuilt(IntrospectionAnswer answer) => answer.Response.Remove("mission");
}

[FaultHook(
    Fault.IntrospectionNeverSigned,
    "introspection ignores Accept: application/token-introspection+jwt and always answers plain JSON",
    "MBO-AS-INT-006")]
internal sealed class IntrospectionNeverSigned : IStateAuthorityHook
{
    public void IntrospectionBuilt(IntrospectionAnswer answer) => answer.Signed = false;
}

/// <summary>The state authority answers without the authority hash: Mission Status without anchors, introspection without mission.authority_hash.</summary>
[FaultHook(
    Fault.StateAuthorityWithoutHash,
    "neither road of MBO-CM-006 shows the Mission's authority_hash: Mission Status has no integrity_anchors, introspection's mission no authority_hash",
    "MBO-MS-005",
    "MBO-CM-006")]
internal sealed class StateAuthorityWithoutHash : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload.Remove("integrity_anchors");

    public void IntrospectionBuilt(IntrospectionAnswer answer) => (answer.Response["mission"] as JsonObject)?.Remove("authority_hash");
}
