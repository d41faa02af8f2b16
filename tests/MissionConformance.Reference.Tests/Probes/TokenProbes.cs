using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

public static partial class FaultProbes
{
    /// <summary>The probes of the faults in reference/…/Faults/Token/.</summary>
    private static Dictionary<Fault, Probe> TokenProbes() => new()
    {
        [Fault.AcceptUncoveredResource] = async (r, clock) => (await r.PushAsync(Intent().ToJsonString(), Pkce.Create(), null, ("resource", "https://unrelated.example/api"))).Status == HttpStatusCode.Created,
        [Fault.MissionFromClientParameter] = async (r, clock) =>
        {
            var victim = await r.ObtainAsync();
            var other = await r.ObtainAsync(tokenExtra: [new("mission_id", victim.MissionId)]);
            return other.MissionId == victim.MissionId;
        },
        [Fault.OriginWithQuery] = async (r, clock) => MissionMember(await r.ObtainAsync(), "origin")!.Contains('?', StringComparison.Ordinal),
        [Fault.AuthorityHashChangesOnRefresh] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync(issued.RefreshToken!)).Member("access_token")!);
            return refreshed.Payload.GetProperty("mission").GetProperty("authority_hash").GetString() != MissionMember(issued, "authority_hash");
        },
        // ObtainAsync reads mission.id from the token, so this probe redeems the code itself.
        [Fault.MissingMissionClaim] = async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            var token = await r.RedeemAsync(consent.Code!, pkce.Verifier);
            return !DecodedJwt.Decode(token.Member("access_token")!).Payload.TryGetProperty("mission", out _);
        },
        [Fault.WrongAuthorityHash] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            return MissionMember(issued, "authority_hash") != (string?)(await r.RecordAsync(issued.MissionId))!["integrity"]!["authority_hash"];
        },
        [Fault.MissionClaimWithIdAndRef] = async (r, clock) => MissionMember(await r.ObtainAsync(), "ref") is not null,
        [Fault.WidenTokenDetails] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var allowed = (await r.RecordAsync(issued.MissionId))!["authority_set"]!.AsArray().SelectMany(e => e!["actions"]!.AsArray().Select(a => (string?)a)).ToHashSet();
            return Actions(issued).Any(a => !allowed.Contains(a));
        },
        [Fault.TokenOutlivesMissionExpiry] = async (r, clock) =>
        {
            var expiry = clock.GetUtcNow().AddSeconds(90).ToUnixTimeSeconds();
            var issued = await r.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromSeconds(90)));
            return issued.Claims.Payload.GetProperty("exp").GetInt64() > expiry;
        },
        [Fault.AudienceIncludesUnrelated] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var resources = issued.Claims.Payload.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).ToHashSet();
            return Audiences(issued).Any(a => !resources.Contains(a));
        },
        [Fault.BroadenOnResourceNarrowing] = async (r, clock) => Audiences(await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)])).Count > 1,
        [Fault.ScopeBroaderThanDetails] = async (r, clock) => Claim(await r.ObtainAsync(), "scope") is not null,
        [Fault.RefreshChangesSubject] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync(issued.RefreshToken!)).Member("access_token")!);
            return refreshed.Payload.GetProperty("sub").GetString() != Claim(issued, "sub");
        },
        [Fault.DropConstraintOnNarrowing] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return !issued.Claims.Payload.GetProperty("authorization_details")[0].TryGetProperty("constraints", out _);
        },
        [Fault.DeriveOutsideSet] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var wider = "[{\"type\":\"mission_resource_access\",\"resource\":\"" + ResourceCatalogue.FinanceResource + "\",\"actions\":[\"delete_ledger\"]}]";
            return (await r.RefreshAsync(issued.RefreshToken!, null, ("authorization_details", wider))).Status == HttpStatusCode.OK;
        },
        [Fault.RefreshWhileSuspended] = (r, clock) => RefreshAfterAsync(r, "suspend"),
        [Fault.RefreshAfterRevoke] = (r, clock) => RefreshAfterAsync(r, "revoke"),
        [Fault.RefreshAfterComplete] = (r, clock) => RefreshAfterAsync(r, "complete"),
        [Fault.NonStandardMissionState] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await r.RefreshAsync(issued.RefreshToken!)).Member("mission_state") is not ("suspended" or null);
        },
        [Fault.ResumeDoesNotRestore] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            await r.LifecycleAsync(issued.MissionId, "resume");
            return (await r.RefreshAsync(issued.RefreshToken!)).Status != HttpStatusCode.OK;
        },
        [Fault.CacheableGatingError] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.RefreshAsync(issued.RefreshToken!)).CacheControl?.Contains("no-store", StringComparison.Ordinal) != true;
        },
        [Fault.DpopAnnouncedAsBearer] = async (r, clock) =>
        {
            // Under DpopBoundTokens: a redemption proving a key gets a token bound to it; the fault says Bearer all the same.
            using var key = new DpopKey();
            var (pkce, consent) = await r.PushAndApproveAsync();
            var redeemed = await r.RedeemAsync(consent.Code!, pkce.Verifier, extra: null, dpop: key);
            Assert.Equal(key.Thumbprint, DecodedJwt.Decode(redeemed.Member("access_token")!).Payload.GetProperty("cnf").GetProperty("jkt").GetString());
            return redeemed.Member("token_type") != "DPoP";
        },
        [Fault.PublicRefreshNeitherRotatedNorBound] = async (r, clock) =>
        {
            // Under DpopBoundTokens a public client's refresh token is rotated and bound; with the fault, another key redeems it twice.
            using var key = new DpopKey();
            using var stranger = new DpopKey();
            var (pkce, consent) = await r.PushAndApproveAsync(client: RunningReference.Public);
            var refreshToken = (await r.RedeemAsync(consent.Code!, pkce.Verifier, RunningReference.Public, dpop: key)).Member("refresh_token")!;
            var first = await r.Client.RefreshAsync(RunningReference.Public, refreshToken, null, RunningReference.Ct, stranger);
            var again = await r.Client.RefreshAsync(RunningReference.Public, refreshToken, null, RunningReference.Ct, stranger);
            return first.Status == HttpStatusCode.OK && again.Status == HttpStatusCode.OK;
        },
        [Fault.RefreshIgnoresResource] = async (r, clock) =>
        {
            var refreshed = await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!, null, ("resource", ResourceCatalogue.DocsResource));
            return DecodedJwt.Decode(refreshed.Member("access_token")!).Payload.GetProperty("aud").ValueKind == JsonValueKind.Array;
        },
        [Fault.MissionClaimModeVaries] = async (r, clock) =>
        {
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!)).Member("access_token")!);
            return !refreshed.Payload.GetProperty("mission").TryGetProperty("id", out _);
        },
        [Fault.ExchangeAfterRevoke] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.ExchangeAsync(issued.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Status == HttpStatusCode.OK;
        },
        [Fault.ExchangeWidensAuthority] = async (r, clock) =>
        {
            var narrowed = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return (await r.ExchangeAsync(narrowed.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Status == HttpStatusCode.OK;
        },
        [Fault.ExchangeLosesMission] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var exchanged = DecodedJwt.Decode((await r.ExchangeAsync(issued.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Member("access_token")!);
            return exchanged.Payload.GetProperty("mission").GetProperty("id").GetString() != issued.MissionId;
        },
        [Fault.IdJagFromAccessToken] = async (r, clock) =>
        {
            using var key = new DpopKey();
            return (await r.IdJagAsync((await r.ObtainAsync()).AccessToken, key, TokenTypes.AccessToken)).Status == HttpStatusCode.OK;
        },
        [Fault.IdJagLongLived] = async (r, clock) =>
        {
            var grant = (await IdJagClaimsAsync(r)).Payload;
            return grant.GetProperty("exp").GetInt64() - grant.GetProperty("iat").GetInt64() > 300;
        },
        [Fault.IdJagRepeatsJti] = async (r, clock) =>
        {
            var refreshToken = (await r.ObtainAsync()).RefreshToken!;
            using var key = new DpopKey();
            var first = await r.IdJagGrantAsync(refreshToken, key);
            return first.Payload.GetProperty("jti").GetString() == (await r.IdJagGrantAsync(refreshToken, key)).Payload.GetProperty("jti").GetString();
        },
        [Fault.IdJagSignedByUnknownKey] = async (r, clock) =>
        {
            using var key = new DpopKey();
            var issued = await r.IdJagAsync((await r.ObtainAsync()).RefreshToken!, key);
            return !await DecodedJwt.VerifySignatureAsync(issued.Member("access_token")!, await r.Client.GetJwksAsync(RunningReference.Ct));
        },
        [Fault.IdJagBoundToOtherKey] = async (r, clock) =>
        {
            using var key = new DpopKey();
            var grant = await r.IdJagGrantAsync((await r.ObtainAsync()).RefreshToken!, key);
            return grant.Payload.GetProperty("cnf").GetProperty("jkt").GetString() != key.Thumbprint;
        },
        [Fault.IdJagDisclosesOtherDomains] = async (r, clock) =>
            (await IdJagClaimsAsync(r)).Payload.GetProperty("authorization_details").EnumerateArray().Any(e => e.GetProperty("resource").GetString() != ResourceCatalogue.WorkflowResource),
        [Fault.IdJagAfterRevoke] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            using var key = new DpopKey();
            return (await r.IdJagAsync(issued.RefreshToken!, key)).Status == HttpStatusCode.OK;
        },
        [Fault.IdJagMislabelled] = async (r, clock) =>
        {
            using var key = new DpopKey();
            return (await r.IdJagAsync((await r.ObtainAsync()).RefreshToken!, key)).Member("issued_token_type") != TokenTypes.IdJag;
        },
        [Fault.PairwiseLeaksCanonicalId] = async (r, clock) => (await IdJagClaimsAsync(r)).Payload.GetProperty("mission").TryGetProperty("id", out _),
        [Fault.DelegationNamesNoActor] = async (r, clock) =>
        {
            var claims = await DelegatedClaimsAsync(r);
            return !claims.TryGetProperty("act", out _) || claims.GetProperty("client_id").GetString() != RunningReference.Confidential.ClientId;
        },
        [Fault.DelegationWidens] = async (r, clock) =>
        {
            var narrowed = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.DocsResource)]);
            using var key = new DpopKey();
            var delegated = DecodedJwt.Decode((await r.DelegateAsync(narrowed.AccessToken, key)).Member("access_token")!).Payload;
            return DelegatedResources(delegated).Contains(ResourceCatalogue.WorkflowResource);
        },
        [Fault.DelegationUnbound] = async (r, clock) => (await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key: null)).Status == HttpStatusCode.OK,
        [Fault.DelegationIgnoresEntryRules] = async (r, clock) => DelegatedResources(await DelegatedClaimsAsync(r)).Contains(ResourceCatalogue.FinanceResource),
        [Fault.DelegationIssuesEmptyToken] = async (r, clock) =>
        {
            var financeOnly = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            using var key = new DpopKey();
            return (await r.DelegateAsync(financeOnly.AccessToken, key)).Status == HttpStatusCode.OK;
        },
        [Fault.DelegationTrustsSelfAssertedProfile] = async (r, clock) =>
        {
            using var key = new DpopKey();
            var claimsToBeAnAgent = DecodedJwtTestTokens.Unsigned(new { sub = "agent-other", sub_profile = TestPrincipals.AgentProfile });
            return (await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key, RunningReference.Other, ("actor_token", claimsToBeAnAgent),
                ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"))).Status == HttpStatusCode.OK;
        },
        [Fault.DelegationWhileInactive] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            using var key = new DpopKey();
            return (await r.DelegateAsync(issued.AccessToken, key)).Status == HttpStatusCode.OK;
        },
    };
}
