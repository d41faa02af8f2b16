using System.Net;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

public static partial class FaultProbes
{
    /// <summary>The probes of the faults in reference/…/Faults/Stack/.</summary>
    private static Dictionary<Fault, Probe> StackProbes() => new()
    {
        [Fault.SkipPkceVerification] = async (r, clock) =>
        {
            var (_, consent) = await r.PushAndApproveAsync();
            return (await r.RedeemAsync(consent.Code!, Pkce.Create().Verifier)).Status == HttpStatusCode.OK;
        },
        [Fault.AuthorizationCodeReusable] = async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            await r.RedeemAsync(consent.Code!, pkce.Verifier);
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Status == HttpStatusCode.OK;
        },
        [Fault.TokenResponseCacheable] = async (r, clock) => (await r.ObtainAsync()).TokenResponse.CacheControl?.Contains("no-store", StringComparison.Ordinal) != true,
        [Fault.AuthorizationResponseWithoutIss] = async (r, clock) => (await r.PushAndApproveAsync()).Consent.Issuer is null,
        [Fault.ParNotRequired] = async (r, clock) => await r.FrontChannelIntentErrorAsync(withIntent: false) is null,
        [Fault.FramableConsent] = async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).Page("consent")?.Header("X-Frame-Options") is null;
        },
        [Fault.TokenRevocationRevokesMission] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.Client.RevokeTokenAsync(RunningReference.Confidential, issued.AccessToken, RunningReference.Ct);
            return await r.StateAsync(issued.MissionId) != "active";
        },
        [Fault.NoRefreshRotation] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.RefreshAsync(issued.RefreshToken!);
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        [Fault.StatusDpopAnswerReplayed] = async (r, clock) =>
        {
            var earlier = await ActiveStatusAsync(r, clock);
            var missionId = (await r.ObtainAsync()).MissionId;
            using var key = new DpopKey();
            var token = await StatusTokenAsync(r, key);
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            var endpoint = r.Client.Metadata.MissionStatusEndpoint!.AbsoluteUri;
            var answer = await DpopStatusAsync(r, missionId, token, key.Proof("POST", endpoint, token));
            return answer.Status == HttpStatusCode.OK && answer.Body == earlier.Body;
        },
        [Fault.ExchangeCopiesPairwiseRef] = async (r, clock) =>
        {
            using var key = new DpopKey();
            var issued = await r.ObtainAsync();
            var first = await r.IdJagAsync(issued.RefreshToken!, key);
            var reprojected = await r.IdJagAsync(first.Member("access_token")!, key, TokenTypes.IdJag, ResourceCatalogue.DocsAuthorizationServer);
            var firstRef = DecodedJwt.Decode(first.Member("access_token")!).Payload.GetProperty("mission").GetProperty("ref").GetString()!;
            return reprojected.Status == HttpStatusCode.OK
                && DecodedJwt.Decode(reprojected.Member("access_token")!).Payload.GetProperty("mission").GetProperty("ref").GetString() == firstRef;
        },
    };
}
