using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Security;

namespace MissionConformance.Reference.Faults.StateAuthority;

[FaultHook(Fault.StatusAcceptsClientSecret, "the Mission Status endpoint takes client_secret_basic instead of answering 401", "MBO-MS-002")]
internal sealed class StatusAcceptsClientSecret : IStateAuthorityHook
{
    public void Authenticating(ClientAuthentication authentication)
    {
        if (authentication.Path == MissionStatusEndpoint.Path) authentication.AcceptsClientSecret = true;
    }
}

[FaultHook(Fault.StatusErrorsWithoutNonce, "Mission Status error bodies (401, 404) do not echo the nonce", "MBO-MS-008")]
internal sealed class StatusErrorsWithoutNonce : IStateAuthorityHook
{
    public void ErrorAnswered(EndpointError answer)
    {
        if (answer.Path == MissionStatusEndpoint.Path) answer.Body["nonce"] = null;
    }
}

/// <summary>The rate-limit window is keyed by the Mission asked about, not by the consumer (MBO-MS-017).</summary>
[FaultHook(
    Fault.StatusRateLimitPerMission,
    "Mission Status counts requests per Mission asked about, not per consumer: one client's burst shuts out every other asking about that Mission",
    "MBO-MS-017")]
internal sealed class StatusRateLimitPerMission : IStateAuthorityHook
{
    public void RateLimiting(StatusConsumer consumer) => consumer.Key = "mission:" + consumer.Mission;
}

[FaultHook(Fault.StatusRateLimitWithoutRetryAfter, "rate-limited Mission Status requests get 429 without Retry-After or retry_after", "MBO-MS-016")]
internal sealed class StatusRateLimitWithoutRetryAfter : IStateAuthorityHook
{
    public void RateLimited(RateLimitedAnswer answer)
    {
        answer.Headers.Remove("Retry-After");
        answer.Body.Remove("retry_after");
    }
}

/// <summary>Any nonce is taken, and the answer carries one of the AS's own instead of the caller's (MBO-MS-004, MS-009).</summary>
[FaultHook(
    Fault.StatusIgnoresNonce,
    "Mission Status neither checks the request nonce's format nor echoes it: the payload carries a nonce of its own",
    "MBO-MS-004",
    "MBO-MS-009")]
internal sealed class StatusIgnoresNonce : IStateAuthorityHook
{
    public void StatusRequested(StatusRequest request) => request.Refusal = null;

    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["nonce"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
}

/// <summary>A pairwise ref never resolves at Mission Status (MBO-AS-PW-004).</summary>
[FaultHook(
    Fault.PairwiseRefUnresolvable,
    "Mission Status answers not_found for a pairwise ref, even asked by an audience of its sector",
    "MBO-AS-PW-004")]
internal sealed class PairwiseRefUnresolvable : IStateAuthorityHook
{
    public void StatusMissionFound(StatusLookup lookup)
    {
        if (!lookup.ByPairwiseRef) return;
        (lookup.Mission, lookup.PairwiseRef, lookup.Resources, lookup.ByPairwiseRef) = (null, null, [lookup.Audience], false);
    }
}

/// <summary>A Mission that exists but is not the caller's is told apart from an unknown one (MBO-MS-007).</summary>
[FaultHook(
    Fault.StatusForeignMissionOracle,
    "a real Mission with no entry for the caller's audience gets 403 where an unknown id gets 404",
    "MBO-MS-007")]
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

[FaultHook(
    Fault.StatusHidesInactiveMissions,
    "a suspended, revoked or completed Mission gets 404 instead of a signed status saying so",
    "MBO-MS-010")]
internal sealed class StatusHidesInactiveMissions : IStateAuthorityHook
{
    public void StatusDecided(StatusDecision decision)
    {
        if (decision.Visible && decision.Mission!.State is not MissionState.Active) decision.Refusal = decision.NotFound();
    }
}

/// <summary>The answer lives an hour, whatever the Mission's state.</summary>
[FaultHook(Fault.StatusLongLived, "Mission Status responses for active Missions live an hour", "MBO-MS-011")]
internal sealed class StatusLongLived : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((long)payload.Payload["iat"]!).AddHours(1);
        payload.Payload["exp"] = expires.ToUnixTimeSeconds();
        payload.Payload["expires_at"] = MissionIntentValidator.FormatRfc3339(expires);
    }
}

[FaultHook(
    Fault.StatusLeaksForeignAudience,
    "the authority_projection carries the whole Authority Set, other audiences' entries included",
    "MBO-MS-006")]
internal sealed class StatusLeaksForeignAudience : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["authority_projection"] = JsonNode.Parse(payload.Mission.AuthoritySetJson);
}

[FaultHook(Fault.StatusWrongAudience, "the Mission Status payload's aud is the caller's client id, not the audience it asked for", "MBO-MS-004")]
internal sealed class StatusWrongAudience : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload["aud"] = payload.Payload["sub"]!.DeepClone();
}

[FaultHook(Fault.StatusOmitsAnchors, "the Mission Status payload carries no integrity_anchors", "MBO-MS-005")]
internal sealed class StatusOmitsAnchors : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload.Remove("integrity_anchors");
}

[FaultHook(
    Fault.StatusOmitsPolicyVersion,
    "Mission Status answers carry no policy_version, though the AS advertises runtime_enforcement",
    "MBO-MS-013")]
internal sealed class StatusOmitsPolicyVersion : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload) => payload.Payload.Remove("policy_version");
}

[FaultHook(
    Fault.StatusMissionWithIdAndRef,
    "the Mission Status mission member carries both id and ref (so a pairwise audience learns the canonical id)",
    "MBO-MS-014",
    "MBO-AS-PW-004")]
internal sealed class StatusMissionWithIdAndRef : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        payload.Payload["mission"]!["ref"] ??= "ref_" + payload.Mission.Id[^12..];
        payload.Payload["mission"]!["id"] = payload.Mission.Id;
    }
}

/// <summary>freshness_at is later than issued_at (MBO-MS-013).</summary>
[FaultHook(Fault.StatusFreshnessAfterIssue, "freshness_at is 30 s later than issued_at", "MBO-MS-012")]
internal sealed class StatusFreshnessAfterIssue : IStateAuthorityHook
{
    public void StatusPayloadBuilt(StatusPayload payload)
    {
        var issued = DateTimeOffset.Parse((string)payload.Payload["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        payload.Payload["freshness_at"] = MissionIntentValidator.FormatRfc3339(issued.AddSeconds(30));
    }
}

[FaultHook(Fault.StatusUnsigned, "Mission Status answers with the payload as plain JSON, unsigned", "MBO-MS-001", "MBO-MS-003")]
internal sealed class StatusUnsigned : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.Instead = Results.Content(answer.Payload.ToJsonString(), "application/json");
}

[FaultHook(Fault.StatusSignedByUnknownKey, "Mission Status is signed with a key the AS's jwks_uri does not publish", "MBO-MS-003")]
internal sealed class StatusSignedByUnknownKey : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.Sign = payload => JwsSigner.SignWithStrayKey(MissionStatusResponseGenerator.MediaType, payload);
}

[FaultHook(
    Fault.StatusAsIntrospectionJwt,
    "Mission Status is served as application/token-introspection+jwt (the RFC 9701 form)",
    "MBO-MS-001",
    "MBO-MS-018")]
internal sealed class StatusAsIntrospectionJwt : IStateAuthorityHook
{
    public void StatusAnswering(StatusAnswer answer) => answer.MediaType = "application/token-introspection+jwt";
}

[FaultHook(
    Fault.StatusMtlsRefused,
    "Mission Status advertises mtls and an alias for it, but refuses the client's certificate of its registered key",
    "MBO-MS-001")]
internal sealed class StatusMtlsRefused : IStateAuthorityHook
{
    public void MutualTlsChecked(MutualTlsCheck check)
    {
        if (check.CertificatePresented && check.Client is not null) check.Failure = "client certificate refused";
    }
}

[FaultHook(
    Fault.StatusMtlsCertificateUnchecked,
    "Mission Status's mtls alias takes the client_id of any client certificate: one of a key the client is not registered with answers",
    "MBO-MS-002")]
internal sealed class StatusMtlsCertificateUnchecked : IStateAuthorityHook
{
    public void MutualTlsChecked(MutualTlsCheck check)
    {
        if (check.CertificatePresented && check.Client is not null && !check.KeyMatches) check.Failure = null;
    }
}

[FaultHook(
    Fault.StatusDpopBearerRefused,
    "Mission Status advertises dpop_bearer and the token endpoint issues the token, but Mission Status refuses it",
    "MBO-MS-001")]
internal sealed class StatusDpopBearerRefused : IStateAuthorityHook
{
    public void DpopTokenChecked(DpopTokenCheck check) => check.Failure = "authenticate with private_key_jwt";
}

/// <summary>A valid Mission-Status-scoped token is taken without a proof of its key.</summary>
[FaultHook(
    Fault.StatusDpopProofUnchecked,
    "Mission Status takes a Mission-Status-scoped DPoP token without its proof: presented as a bearer token, or with another key's proof, it answers",
    "MBO-MS-002")]
internal sealed class StatusDpopProofUnchecked : IStateAuthorityHook
{
    public void DpopTokenChecked(DpopTokenCheck check)
    {
        if (check.ProofChecked) check.Failure = null;
    }
}
