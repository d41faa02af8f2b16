using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Security;

namespace MissionConformance.Reference.Faults.StateAuthority;

[FaultHook(Fault.StatusAcceptsClientSecret)]
internal sealed class StatusAcceptsClientSecret : IStateAuthorityHook
{
    public void Authenticating(ClientAuthentication authentication)
    {
        if (authentication.Path == MissionStatusEndpoint.Path) authentication.AcceptsClientSecret = true;
    }
}

[FaultHook(Fault.StatusErrorsWithoutNonce)]
internal sealed class StatusErrorsWithoutNonce : IStateAuthorityHook
{
    public void ErrorAnswered(EndpointError answer)
    {
        if (answer.Path == MissionStatusEndpoint.Path) answer.Body["nonce"] = null;
    }
}

/// <summary>The rate-limit window is keyed by the Mission asked about, not by the consumer (MBO-MS-017).</summary>
[FaultHook(Fault.StatusRateLimitPerMission)]
internal sealed class StatusRateLimitPerMission : IStateAuthorityHook
{
    public void RateLimiting(StatusConsumer consumer) => consumer.Key = "mission:" + consumer.Mission;
}

[FaultHook(Fault.StatusRateLimitWithoutRetryAfter)]
internal sealed class StatusRateLimitWithoutRetryAfter : IStateAuthorityHook
{
    public void RateLimited(RateLimitedAnswer answer)
    {
        answer.Headers.Remove("Retry-After");
        answer.Body.Remove("retry_after");
    }
}

/// <summary>Any nonce is taken, and the answer carries one of the AS's own instead of the caller's (MBO-MS-004, MS-009).</summary>
[FaultHook(Fault.StatusIgnoresNonce)]
internal sealed class StatusIgnoresNonce : IStateAuthorityHook
{
    public void StatusRequested(StatusRequest request) => request.Refusal = null;

    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["nonce"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
}

/// <summary>A pairwise ref never resolves at Mission Status (MBO-AS-PW-004).</summary>
[FaultHook(Fault.PairwiseRefUnresolvable)]
internal sealed class PairwiseRefUnresolvable : IStateAuthorityHook
{
    public void StatusMissionFound(StatusLookup lookup)
    {
        if (!lookup.ByPairwiseRef) return;
        (lookup.Mission, lookup.PairwiseRef, lookup.Resources, lookup.ByPairwiseRef) = (null, null, [lookup.Audience], false);
    }
}

/// <summary>A Mission that exists but is not the caller's is told apart from an unknown one (MBO-MS-007).</summary>
[FaultHook(Fault.StatusForeignMissionOracle)]
internal sealed class StatusForeignMissionOracle : IStateAuthorityHook
{
    public void StatusDecided(StatusDecision decision)
    {
        if (!decision.Visible && decision.Mission is not null)
        {
            decision.Refusal = decision.Error(StatusCodes.Status403Forbidden, "forbidden", "this Mission has no entry for your audience");
        }
    }
}

[FaultHook(Fault.StatusHidesInactiveMissions)]
internal sealed class StatusHidesInactiveMissions : IStateAuthorityHook
{
    public void StatusDecided(StatusDecision decision)
    {
        if (decision.Visible && decision.Mission!.State is not MissionState.Active) decision.Refusal = decision.NotFound();
    }
}

/// <summary>The answer lives an hour, whatever the Mission's state.</summary>
[FaultHook(Fault.StatusLongLived)]
internal sealed class StatusLongLived : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((long)payload.Payload["iat"]!).AddHours(1);
        payload.Payload["exp"] = expires.ToUnixTimeSeconds();
        payload.Payload["expires_at"] = MissionIntentValidator.FormatRfc3339(expires);
    }
}

[FaultHook(Fault.StatusLeaksForeignAudience)]
internal sealed class StatusLeaksForeignAudience : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["authority_projection"] = JsonNode.Parse(payload.Mission.AuthoritySetJson);
}

[FaultHook(Fault.StatusWrongAudience)]
internal sealed class StatusWrongAudience : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["aud"] = payload.Payload["sub"]!.DeepClone();
}

[FaultHook(Fault.StatusOmitsAnchors)]
internal sealed class StatusOmitsAnchors : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload.Remove("integrity_anchors");
}

[FaultHook(Fault.StatusOmitsPolicyVersion)]
internal sealed class StatusOmitsPolicyVersion : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload.Remove("policy_version");
}

[FaultHook(Fault.StatusMissionWithIdAndRef)]
internal sealed class StatusMissionWithIdAndRef : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        payload.Payload["mission"]!["ref"] ??= "ref_" + payload.Mission.Id[^12..];
        payload.Payload["mission"]!["id"] = payload.Mission.Id;
    }
}

/// <summary>freshness_at is later than issued_at (MBO-MS-013).</summary>
[FaultHook(Fault.StatusFreshnessAfterIssue)]
internal sealed class StatusFreshnessAfterIssue : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        var issued = DateTimeOffset.Parse((string)payload.Payload["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        payload.Payload["freshness_at"] = MissionIntentValidator.FormatRfc3339(issued.AddSeconds(30));
    }
}

[FaultHook(Fault.StatusUnsigned)]
internal sealed class StatusUnsigned : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.Instead = Results.Content(answer.Payload.ToJsonString(), "application/json");
}

[FaultHook(Fault.StatusSignedByUnknownKey)]
internal sealed class StatusSignedByUnknownKey : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.Sign = payload => JwsSigner.SignWithStrayKey(MissionStatusResponseGenerator.MediaType, payload);
}

[FaultHook(Fault.StatusAsIntrospectionJwt)]
internal sealed class StatusAsIntrospectionJwt : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.MediaType = "application/token-introspection+jwt";
}

[FaultHook(Fault.StatusMtlsRefused)]
internal sealed class StatusMtlsRefused : IStateAuthorityHook
{
    public void MutualTlsChecked(MutualTlsCheck check)
    {
        if (check.CertificatePresented && check.Client is not null) check.Failure = "client certificate refused";
    }
}

[FaultHook(Fault.StatusMtlsCertificateUnchecked)]
internal sealed class StatusMtlsCertificateUnchecked : IStateAuthorityHook
{
    public void MutualTlsChecked(MutualTlsCheck check)
    {
        if (check.CertificatePresented && check.Client is not null && !check.KeyMatches) check.Failure = null;
    }
}

[FaultHook(Fault.StatusDpopBearerRefused)]
internal sealed class StatusDpopBearerRefused : IStateAuthorityHook
{
    public void DpopTokenChecked(DpopTokenCheck check) => check.Failure = "authenticate with private_key_jwt";
}

/// <summary>A valid Mission-Status-scoped token is taken without a proof of its key.</summary>
[FaultHook(Fault.StatusDpopProofUnchecked)]
internal sealed class StatusDpopProofUnchecked : IStateAuthorityHook
{
    public void DpopTokenChecked(DpopTokenCheck check)
    {
        if (check.ProofChecked) check.Failure = null;
    }
}
