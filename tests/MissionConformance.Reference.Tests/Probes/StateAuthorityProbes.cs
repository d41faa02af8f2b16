using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

public static partial class FaultProbes
{
    /// <summary>The probes of the faults in reference/…/Faults/StateAuthority/.</summary>
    private static Dictionary<Fault, Probe> StateAuthorityProbes() => new()
    {
        [Fault.CompleteNotSupported] = async (r, clock) =>
            (await r.LifecycleAsync((await r.ObtainAsync()).MissionId, "complete")).Status != HttpStatusCode.OK,
        [Fault.LeakForeignMissionOnLifecycle] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var nonce = MissionClient.NewNonce();
            var foreign = await r.Client.LifecycleAsync(RunningReference.Other, issued.MissionId, "revoke", nonce, RunningReference.Ct);
            var unknown = await r.Client.LifecycleAsync(RunningReference.Other, "msn_" + new string('Q', 24), "revoke", nonce, RunningReference.Ct);
            return foreign.Status != unknown.Status || foreign.Body != unknown.Body;
        },
        [Fault.LifecycleAcceptsClientSecret] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var basic = await r.Client.LifecycleAsync(RunningReference.Confidential, issued.MissionId, "suspend", null, RunningReference.Ct, withAssertion: false);
            return basic.Status == HttpStatusCode.OK;
        },
        [Fault.StatusAcceptsClientSecret] = async (r, clock) =>
            (await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId, RunningReference.Confidential, withAssertion: false)).Status != HttpStatusCode.Unauthorized,
        [Fault.StatusUnsigned] = async (r, clock) => (await ActiveStatusAsync(r, clock)).ContentType == "application/json",
        [Fault.StatusDpopProofUnchecked] = async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var key = new DpopKey();
            var token = await StatusTokenAsync(r, key);
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            return (await DpopStatusAsync(r, missionId, token, proof: null)).Status == HttpStatusCode.OK;
        },
        [Fault.StatusDpopBearerRefused] = async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var key = new DpopKey();
            var token = await StatusTokenAsync(r, key);
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            var endpoint = r.Client.Metadata.MissionStatusEndpoint!.AbsoluteUri;
            return (await DpopStatusAsync(r, missionId, token, key.Proof("POST", endpoint, token))).Status != HttpStatusCode.OK;
        },
        [Fault.StatusMtlsCertificateUnchecked] = async (r, _) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var strangerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var stranger = MutualTls.SelfSigned(strangerKey, DocsStatusClient.ClientId);
            return (await MutualTlsStatusAsync(r, missionId, stranger)).Status == HttpStatusCode.OK;
        },
        [Fault.StatusMtlsRefused] = async (r, _) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var certificate = MutualTls.SelfSignedCertificate(DocsStatusClient.Key!, DocsStatusClient.ClientId)!;
            return (await MutualTlsStatusAsync(r, missionId, certificate)).Status != HttpStatusCode.OK;
        },
        [Fault.StatusSignedByUnknownKey] = async (r, clock) =>
            !await DecodedJwt.VerifySignatureAsync((await ActiveStatusAsync(r, clock)).Body, await r.Client.GetJwksAsync(RunningReference.Ct)),
        [Fault.StatusAsIntrospectionJwt] = async (r, clock) => (await ActiveStatusAsync(r, clock)).ContentType == "application/token-introspection+jwt",
        [Fault.StatusIgnoresNonce] = async (r, clock) =>
            (await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId, nonce: "abc")).Status == HttpStatusCode.OK,
        [Fault.StatusWrongAudience] = async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("aud").GetString() != ResourceCatalogue.DocsResource,
        [Fault.StatusOmitsAnchors] = async (r, clock) => !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("integrity_anchors", out _),
        [Fault.StatusLeaksForeignAudience] = async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("authority_projection").GetArrayLength() != 1,
        [Fault.StatusForeignMissionOracle] = async (r, clock) =>
        {
            var withoutDocs = await r.ObtainAsync(Edited(i => i["objects"] = new JsonArray(ResourceCatalogue.FinanceResource, ResourceCatalogue.WorkflowResource)));
            var foreign = await StatusAsync(r, clock, withoutDocs.MissionId);
            var unknown = await StatusAsync(r, clock, "msn_" + new string('Q', 24));
            return foreign.Status != unknown.Status;
        },
        [Fault.StatusErrorsWithoutNonce] = async (r, clock) =>
        {
            var unauthenticated = await StatusAsync(r, clock, "msn_" + new string('Q', 24), new ClientCredentials(DocsStatusClient.ClientId), withAssertion: false);
            return unauthenticated.Status == HttpStatusCode.Unauthorized && unauthenticated.Member("nonce") is null;
        },
        [Fault.StatusHidesInactiveMissions] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await StatusAsync(r, clock, issued.MissionId)).Status != HttpStatusCode.OK;
        },
        [Fault.StatusLongLived] = async (r, clock) =>
        {
            var payload = StatusPayload(await ActiveStatusAsync(r, clock));
            return payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64() > 120;
        },
        [Fault.StatusFreshnessAfterIssue] = async (r, clock) =>
        {
            var payload = StatusPayload(await ActiveStatusAsync(r, clock));
            return DateTimeOffset.Parse(payload.GetProperty("freshness_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                > DateTimeOffset.Parse(payload.GetProperty("issued_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        },
        [Fault.StatusMissionWithIdAndRef] = async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("mission").TryGetProperty("ref", out _),
        [Fault.StatusRateLimitWithoutRetryAfter] = async (r, clock) =>
        {
            // Its own client (workflow), so the fault-free instance's other probes are never rate-limited by this one.
            var missionId = (await r.ObtainAsync()).MissionId;
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            for (var i = 0; i <= Endpoints.StatusRateLimiter.Limit; i++)
            {
                var response = await StatusAsync(r, clock, missionId, WorkflowStatusClient, audience: ResourceCatalogue.WorkflowResource, advance: false);
                if (response.Status == HttpStatusCode.TooManyRequests) return response.Header("Retry-After") is null;
            }
            throw new InvalidOperationException($"no 429 after {Endpoints.StatusRateLimiter.Limit + 1} requests within one window");
        },
        [Fault.StatusRateLimitPerMission] = async (r, clock) =>
        {
            // The workflow client spends its window on one Mission; the docs client then asks about the same Mission, within the window.
            var missionId = (await r.ObtainAsync()).MissionId;
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            for (var i = 0; i <= Endpoints.StatusRateLimiter.Limit; i++)
            {
                var response = await StatusAsync(r, clock, missionId, WorkflowStatusClient, audience: ResourceCatalogue.WorkflowResource, advance: false);
                if (response.Status == HttpStatusCode.TooManyRequests) break;
            }
            return (await StatusAsync(r, clock, missionId, advance: false)).Status == HttpStatusCode.TooManyRequests;
        },
        [Fault.StatusOmitsPolicyVersion] = async (r, clock) => !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("policy_version", out _),
        [Fault.MissionAuthorityIssuerMismatch] = async (r, clock) =>
            JsonDocument.Parse((await MissionAuthorityAsync(r)).Body).RootElement.GetProperty("issuer").GetString() != r.Issuer,
        [Fault.MissionAuthorityNotJson] = async (r, clock) => (await MissionAuthorityAsync(r)).ContentType != "application/json",
        [Fault.MasProfileUnadvertised] = async (r, clock) => !(await ProjectionIssuerTests.ProfilesAsync(r)).Contains("mas"),
        [Fault.IntrospectionActiveForInactiveMission] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await IntrospectAsync(r, issued.AccessToken)).Json.GetProperty("active").GetBoolean();
        },
        [Fault.IntrospectionOmitsMission] = async (r, clock) => !(await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken)).Json.TryGetProperty("mission", out _),
        [Fault.StateAuthorityWithoutHash] = async (r, clock) =>
            !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("integrity_anchors", out _)
            && !(await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken)).Json.GetProperty("mission").TryGetProperty("authority_hash", out _),
        [Fault.IntrospectionLeaksToNonAudience] = async (r, clock) =>
        {
            var open = await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken, withAssertion: false);
            return open.Status == HttpStatusCode.OK && open.Json.TryGetProperty("mission", out _);
        },
        [Fault.IntrospectionErrorsOnMalformedToken] = async (r, clock) => (await IntrospectAsync(r, "not-a-token")).Status != HttpStatusCode.OK,
        [Fault.IntrospectionNeverSigned] = async (r, clock) =>
            (await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken, accept: "application/token-introspection+jwt")).ContentType != "application/token-introspection+jwt",
        [Fault.PairwiseRefUnresolvable] = async (r, clock) =>
        {
            using var key = new DpopKey();
            var reference = await r.PairwiseRefAsync((await r.ObtainAsync()).RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer);
            return (await StatusAsync(r, clock, reference, RunningReference.StatusClient("ras-workflow"), audience: ResourceCatalogue.WorkflowAuthorizationServer)).Status
                == HttpStatusCode.NotFound;
        },
    };
}
