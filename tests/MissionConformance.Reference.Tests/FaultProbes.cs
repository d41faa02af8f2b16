using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// For each named fault, a probe that returns true when the fault's behaviour is visible on the
/// wire. The fault self-tests run every probe against the fault-free reference (must be false) and
/// against the reference started with that fault (must be true).
/// </summary>
public static class FaultProbes
{
    /// <summary>
    /// The policy every probe's reference runs with: the board packet's, with one projection issuer (never called), so the
    /// reference is also a Mission Authority Server and the MAS faults have something to change.
    /// </summary>
    public static Configuration.ResourceCatalogue Catalogue { get; } = Configuration.ResourceCatalogue.BoardPacket.WithProjectionIssuers(
        [new Configuration.ResourceAuthority(new Uri("https://pi.projection.example/"), [Configuration.ResourceCatalogue.WorkflowResource])]);

    public static Func<RunningReference, FakeTimeProvider, Task<bool>> For(Fault fault) => fault switch
    {
        Fault.MalformedMissionMetadata => (r, clock) => Task.FromResult(Metadata(r, "mission_intent_max_size").ValueKind == JsonValueKind.String),
        Fault.PairwiseWithoutSector => (r, clock) => Task.FromResult(Metadata(r, "mission_pairwise_supported").ValueKind == JsonValueKind.True
            && !r.Client.Metadata.Document.TryGetProperty("mission_pairwise_sector", out _)),
        Fault.CapabilityOutOfEnum => (r, clock) => Task.FromResult(
            Metadata(r, "mission_ladder_levels_supported").EnumerateArray().Any(l => l.GetInt32() is < 0 or > 5)
            || Metadata(r, "mission_authorization_domain_tiers_supported").EnumerateArray().Any(t => t.GetString() is not ("AD-1" or "AD-2" or "AD-3"))),

        Fault.ParWithoutExpiresIn => async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return par.Status == HttpStatusCode.Created && !par.Json.TryGetProperty("expires_in", out _);
        },
        Fault.AcceptFrontChannelIntent => async (r, clock) => await r.FrontChannelIntentErrorAsync() != "invalid_request",
        Fault.MalformedIntentServerError => async (r, clock) => (await r.PushAsync("{goal:", Pkce.Create())).Status != HttpStatusCode.BadRequest,
        Fault.AcceptDuplicateMembers => (r, clock) => AcceptedAsync(r, Intent().ToJsonString().Replace("{\"goal\":", "{\"goal\":\"x\",\"goal\":", StringComparison.Ordinal)),
        Fault.AcceptMissingRequiredMembers => (r, clock) => AcceptedAsync(r, Edit(i => i.Remove("goal"))),
        Fault.AcceptUnknownMembers => (r, clock) => AcceptedAsync(r, Edit(i => i["foo"] = 1)),
        Fault.IgnoreIntentSizeLimit => (r, clock) => AcceptedAsync(r, Edit(i => i["x_filler"] = new string('x', 17_000))),
        Fault.AcceptIntentWithAuthorizationDetails => async (r, clock) => (await r.PushAsync(Intent().ToJsonString(), Pkce.Create(), null,
            ("authorization_details", "[{\"type\":\"mission_resource_access\",\"resource\":\"" + ResourceCatalogue.DocsResource + "\",\"actions\":[\"create_doc\"]}]"))).Status == HttpStatusCode.Created,
        Fault.AcceptZeroMaxDerivations => (r, clock) => AcceptedAsync(r, Edit(i => i["context"]!["max_derivations"] = "0")),
        Fault.FrontChannelWidensAuthority => async (r, clock) =>
        {
            var extra = "[{\"type\":\"mission_resource_access\",\"resource\":\"https://payments.example/api\",\"actions\":[\"pay\"]}]";
            var (pkce, consent) = await r.PushAndApproveAsync(frontChannelExtra: new Dictionary<string, string> { ["authorization_details"] = extra });
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains("https://payments.example/api", StringComparison.Ordinal);
        },
        Fault.FrontChannelScopeGranted => async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync(frontChannelExtra: new Dictionary<string, string> { ["scope"] = "payments:write" });
            var token = (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Member("access_token")!;
            return DecodedJwt.Decode(token).Payload.TryGetProperty("scope", out var scope) && scope.GetString()!.Contains("payments:write", StringComparison.Ordinal);
        },
        Fault.AcceptUncoveredResource => async (r, clock) => (await r.PushAsync(Intent().ToJsonString(), Pkce.Create(), null, ("resource", "https://unrelated.example/api"))).Status == HttpStatusCode.Created,
        Fault.ReuseMissionIdForIdenticalIntent => async (r, clock) =>
        {
            var intent = Intent();
            return (await r.ObtainAsync((JsonObject)intent.DeepClone())).MissionId == (await r.ObtainAsync((JsonObject)intent.DeepClone())).MissionId;
        },
        Fault.ExtendMissionExpiry => async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            return DateTimeOffset.Parse((string)record!["mission_expiry"]!, System.Globalization.CultureInfo.InvariantCulture)
                > DateTimeOffset.Parse((string)intent["mission_expiry"]!, System.Globalization.CultureInfo.InvariantCulture);
        },
        Fault.NarrowingAddsObject => async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            var submitted = intent["objects"]!.AsArray().Select(o => (string?)o).ToHashSet();
            return record!["mission_intent"]!["objects"]!.AsArray().Any(o => !submitted.Contains((string?)o));
        },
        Fault.NarrowingDropsConstraint => async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            return record!["mission_intent"]!["constraints"]!.AsArray().Count < intent["constraints"]!.AsArray().Count;
        },
        Fault.AcceptUnregisteredPurpose => (r, clock) => AcceptedAsync(r, Edit(i => i["purpose"] = "urn:example:purpose:unregistered")),
        Fault.SkipPkceVerification => async (r, clock) =>
        {
            var (_, consent) = await r.PushAndApproveAsync();
            return (await r.RedeemAsync(consent.Code!, Pkce.Create().Verifier)).Status == HttpStatusCode.OK;
        },
        Fault.AuthorizationCodeReusable => async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            await r.RedeemAsync(consent.Code!, pkce.Verifier);
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Status == HttpStatusCode.OK;
        },
        Fault.TokenResponseCacheable => async (r, clock) => (await r.ObtainAsync()).TokenResponse.CacheControl?.Contains("no-store", StringComparison.Ordinal) != true,
        Fault.AuthorizationResponseWithoutIss => async (r, clock) => (await r.PushAndApproveAsync()).Consent.Issuer is null,
        Fault.ParNotRequired => async (r, clock) => await r.FrontChannelIntentErrorAsync(withIntent: false) is null,
        Fault.CreateStateOnRefusedPar => async (r, clock) =>
        {
            var before = await r.CountMissionsAsync();
            await r.PushAsync(Edit(i => i["foo"] = 1), Pkce.Create());
            return await r.CountMissionsAsync() != before;
        },

        Fault.OmitExpiryFromConsent => async (r, clock) => !(await ConsentPageAsync(r, Intent())).Contains("id=\"mission-expiry\"", StringComparison.Ordinal),
        Fault.ConstantRenderingHash => async (r, clock) =>
        {
            static string? Hash(JsonObject? record) => (string?)record?["integrity"]?["consent_rendering_hash"];
            var first = await r.RecordAsync((await r.ObtainAsync()).MissionId);
            var second = await r.RecordAsync((await r.ObtainAsync(Edited(i => i["goal"] = "Prepare the Q4 2026 board packet"))).MissionId);  // another disclosure
            return Hash(first) is { } a && a == Hash(second);
        },
        Fault.ChangeAuthorityAfterRender => async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains(Faults.Authorization.ChangeAuthorityAfterRender.ChangedAuthorityAction, StringComparison.Ordinal);
        },
        Fault.StepUpWidensAuthority => async (r, clock) =>
        {
            // Alice steps up with her second factor; the Mission must grant what the Intent asked, no more.
            var pkce = Pkce.Create();
            var par = await r.PushAsync(Edit(i => i["context"]!["acr"] = AuthenticationContext.SecondFactor), pkce);
            var alice = RunningReference.Alice with { SecondFactor = TestPrincipals.Accounts.Single(a => a.Username == RunningReference.Alice.Username).SecondFactor };
            var consent = await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: alice);
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains(Faults.Authorization.StepUpWidensAuthority.SteppedUpAuthorityAction, StringComparison.Ordinal);
        },
        Fault.IgnoreAcr => async (r, clock) =>
        {
            // Alice's test credentials here carry no second factor: only an AS that skips the step-up issues a code.
            var par = await r.PushAsync(Edit(i => i["context"]!["acr"] = AuthenticationContext.SecondFactor), Pkce.Create());
            try
            {
                return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).Code is not null;
            }
            catch (ConsentDriverException)
            {
                return false;  // stuck on the second-factor page, as it should be
            }
        },
        Fault.NoAntiForgery => async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.ForgedApproval)).Code is not null;
        },
        Fault.FramableConsent => async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).Page("consent")?.Header("X-Frame-Options") is null;
        },
        Fault.HideSubjectOnBehalf => async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            var consent = await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: RunningReference.CarolForAlice);
            return !consent.ConsentPageText.Contains("Alice Approver", StringComparison.Ordinal);
        },
        Fault.HideNarrowingDecisions => async (r, clock) =>
        {
            var intent = Intent();
            intent["objects"]!.AsArray().Add("https://unknown.example/api");
            return !(await ConsentPageAsync(r, intent)).Contains("data-field=\"objects\"", StringComparison.Ordinal);
        },
        Fault.ActivateOnRedemption => async (r, clock) =>
        {
            async Task<JsonArray> MissionsAsync() => JsonNode.Parse((await r.Client.InventoryAsync(RunningReference.Confidential, null, null, RunningReference.Ct)).Body)!["missions"]!.AsArray();
            var known = (await MissionsAsync()).Select(m => (string?)m!["mission"]!["id"]).ToHashSet();
            await r.PushAndApproveAsync();
            var approved = (await MissionsAsync()).Single(m => !known.Contains((string?)m!["mission"]!["id"]));
            return (string?)approved!["state"] != "active";  // between consent and redemption
        },
        Fault.DenyIssuesCode => async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny)).Code is not null;
        },
        Fault.SubjectFromLoginHint => async (r, clock) => Claim(await r.ObtainAsync(parExtra: [("login_hint", "bob")]), "sub") == "user-bob",
        Fault.MissionFromClientParameter => async (r, clock) =>
        {
            var victim = await r.ObtainAsync();
            var other = await r.ObtainAsync(tokenExtra: [new("mission_id", victim.MissionId)]);
            return other.MissionId == victim.MissionId;
        },

        Fault.SequentialMissionId => async (r, clock) => Regex.IsMatch((await r.ObtainAsync()).MissionId, "^msn_[0-9]+$"),
        Fault.MissionIdEmbedsSubject => async (r, clock) => (await r.ObtainAsync()).MissionId.Contains("agent-confidential", StringComparison.Ordinal),
        Fault.OriginWithQuery => async (r, clock) => MissionMember(await r.ObtainAsync(), "origin")!.Contains('?', StringComparison.Ordinal),
        Fault.PaddedAnchors => async (r, clock) => IntegrityAnchors.Classify(MissionMember(await r.ObtainAsync(), "authority_hash")) != AnchorFormat.Sha256,
        Fault.AuthorityHashChangesOnRefresh => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync(issued.RefreshToken!)).Member("access_token")!);
            return refreshed.Payload.GetProperty("mission").GetProperty("authority_hash").GetString() != MissionMember(issued, "authority_hash");
        },
        Fault.AuthorityHashWithoutEnvelope => async (r, clock) =>
        {
            var record = (await r.RecordAsync((await r.ObtainAsync()).MissionId))!;
            var recomputed = IntegrityAnchors.Framework("mission-authority-set", (string)record["anchor_profile"]!["mission-authority-set"]!,
                (string)record["tenant"]!, (string)record["mission"]!["origin"]!, record["authority_set"]!);
            return recomputed != (string?)record["integrity"]!["authority_hash"];
        },
        Fault.ProposalHashOverRawIntent => async (r, clock) =>
        {
            var record = (await r.RecordAsync((await r.ObtainAsync(RunningReference.BoardPacketIntent(lifetime: TimeSpan.FromDays(60)))).MissionId))!;
            var recomputed = IntegrityAnchors.Framework("mission-intent", (string)record["anchor_profile"]!["mission-intent"]!,
                (string)record["tenant"]!, (string)record["mission"]!["origin"]!, record["mission_intent"]!);
            return recomputed != (string?)record["integrity"]!["proposal_hash"];
        },

        // ObtainAsync reads mission.id from the token, so this probe redeems the code itself.
        Fault.MissingMissionClaim => async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            var token = await r.RedeemAsync(consent.Code!, pkce.Verifier);
            return !DecodedJwt.Decode(token.Member("access_token")!).Payload.TryGetProperty("mission", out _);
        },
        Fault.WrongAuthorityHash => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            return MissionMember(issued, "authority_hash") != (string?)(await r.RecordAsync(issued.MissionId))!["integrity"]!["authority_hash"];
        },
        Fault.MissionClaimWithIdAndRef => async (r, clock) => MissionMember(await r.ObtainAsync(), "ref") is not null,
        Fault.TokenResponseDetailsDiffer => async (r, clock) =>
        {
            var issued = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return !JsonNode.DeepEquals(JsonNode.Parse(issued.TokenResponse.Json.GetProperty("authorization_details").GetRawText()),
                JsonNode.Parse(issued.Claims.Payload.GetProperty("authorization_details").GetRawText()));
        },
        Fault.WidenTokenDetails => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var allowed = (await r.RecordAsync(issued.MissionId))!["authority_set"]!.AsArray().SelectMany(e => e!["actions"]!.AsArray().Select(a => (string?)a)).ToHashSet();
            return Actions(issued).Any(a => !allowed.Contains(a));
        },
        Fault.InvalidActionName => async (r, clock) => Actions(await r.ObtainAsync()).Any(a => !Regex.IsMatch(a!, "^[A-Za-z0-9_.:-]{1,64}$")),
        Fault.TokenOutlivesMissionExpiry => async (r, clock) =>
        {
            var expiry = clock.GetUtcNow().AddSeconds(90).ToUnixTimeSeconds();
            var issued = await r.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromSeconds(90)));
            return issued.Claims.Payload.GetProperty("exp").GetInt64() > expiry;
        },
        Fault.AudienceIncludesUnrelated => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var resources = issued.Claims.Payload.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).ToHashSet();
            return Audiences(issued).Any(a => !resources.Contains(a));
        },
        Fault.BroadenOnResourceNarrowing => async (r, clock) => Audiences(await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)])).Count > 1,
        Fault.ScopeBroaderThanDetails => async (r, clock) => Claim(await r.ObtainAsync(), "scope") is not null,
        Fault.RefreshChangesSubject => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync(issued.RefreshToken!)).Member("access_token")!);
            return refreshed.Payload.GetProperty("sub").GetString() != Claim(issued, "sub");
        },
        Fault.WrongTokenType => async (r, clock) => (await r.ObtainAsync()).Claims.Header.GetProperty("typ").GetString() != "at+jwt",
        Fault.DropConstraintOnNarrowing => async (r, clock) =>
        {
            var issued = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return !issued.Claims.Payload.GetProperty("authorization_details")[0].TryGetProperty("constraints", out _);
        },
        Fault.DeriveOutsideSet => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var wider = "[{\"type\":\"mission_resource_access\",\"resource\":\"" + ResourceCatalogue.FinanceResource + "\",\"actions\":[\"delete_ledger\"]}]";
            return (await r.RefreshAsync(issued.RefreshToken!, null, ("authorization_details", wider))).Status == HttpStatusCode.OK;
        },

        Fault.RefreshWhileSuspended => (r, clock) => RefreshAfterAsync(r, "suspend"),
        Fault.RefreshAfterRevoke => (r, clock) => RefreshAfterAsync(r, "revoke"),
        Fault.RefreshAfterComplete => (r, clock) => RefreshAfterAsync(r, "complete"),
        Fault.IgnoreMissionExpiry => async (r, clock) =>
        {
            var issued = await r.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromMinutes(2)));
            clock.Advance(TimeSpan.FromMinutes(3));
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        Fault.NonStandardMissionState => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await r.RefreshAsync(issued.RefreshToken!)).Member("mission_state") is not ("suspended" or null);
        },
        Fault.ResumeDoesNotRestore => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            await r.LifecycleAsync(issued.MissionId, "resume");
            return (await r.RefreshAsync(issued.RefreshToken!)).Status != HttpStatusCode.OK;
        },
        Fault.IgnoreMaxDerivations => async (r, clock) =>
        {
            var issued = await r.ObtainAsync(Edited(i => i["context"]!["max_derivations"] = "1"));
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        Fault.RacyDerivationCounter => async (r, clock) =>
        {
            var issued = await r.ObtainAsync(Edited(i => i["context"]!["max_derivations"] = "3"));
            var store = r.Stack.Services.GetRequiredService<MissionStore>();
            var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
                Task.Run(() => store.TryConsumeDerivationAsync(issued.MissionId, new HashSet<string> { MissionState.Active }, RunningReference.Ct))));
            return results.Count(x => x.Consumed) > 2;
        },
        Fault.CacheableGatingError => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.RefreshAsync(issued.RefreshToken!)).CacheControl?.Contains("no-store", StringComparison.Ordinal) != true;
        },
        Fault.TokenRevocationRevokesMission => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.Client.RevokeTokenAsync(RunningReference.Confidential, issued.AccessToken, RunningReference.Ct);
            return await r.StateAsync(issued.MissionId) != "active";
        },
        Fault.NoRefreshRotation => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.RefreshAsync(issued.RefreshToken!);
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        Fault.RefreshResponseWithoutDetails => async (r, clock) =>
            !(await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!)).Json.TryGetProperty("authorization_details", out _),

        Fault.RevokeIsNoOp => (r, clock) => StateAfterAsync(r, "revoke", "active"),
        Fault.SuspendIsNoOp => (r, clock) => StateAfterAsync(r, "suspend", "active"),
        Fault.CompleteNotSupported => async (r, clock) =>
            (await r.LifecycleAsync((await r.ObtainAsync()).MissionId, "complete")).Status != HttpStatusCode.OK,
        Fault.LeakForeignMissionOnLifecycle => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var nonce = MissionClient.NewNonce();
            var foreign = await r.Client.LifecycleAsync(RunningReference.Other, issued.MissionId, "revoke", nonce, RunningReference.Ct);
            var unknown = await r.Client.LifecycleAsync(RunningReference.Other, "msn_" + new string('Q', 24), "revoke", nonce, RunningReference.Ct);
            return foreign.Status != unknown.Status || foreign.Body != unknown.Body;
        },
        Fault.NonIdempotentLifecycle => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.LifecycleAsync(issued.MissionId, "revoke")).Status != HttpStatusCode.OK;
        },
        Fault.ResumeFromTerminal => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            await r.LifecycleAsync(issued.MissionId, "resume");
            return await r.StateAsync(issued.MissionId) == "active";
        },
        Fault.CompleteWhileSuspended => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await r.LifecycleAsync(issued.MissionId, "complete")).Status == HttpStatusCode.OK;
        },
        Fault.LifecycleAcceptsClientSecret => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var basic = await r.Client.LifecycleAsync(RunningReference.Confidential, issued.MissionId, "suspend", null, RunningReference.Ct, withAssertion: false);
            return basic.Status == HttpStatusCode.OK;
        },

        Fault.StatusAcceptsClientSecret => async (r, clock) =>
            (await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId, RunningReference.Confidential, withAssertion: false)).Status != HttpStatusCode.Unauthorized,
        Fault.StatusUnsigned => async (r, clock) => (await ActiveStatusAsync(r, clock)).ContentType == "application/json",
        Fault.StatusDpopProofUnchecked => async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var key = new DpopKey();
            var token = await StatusTokenAsync(r, key);
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            return (await DpopStatusAsync(r, missionId, token, proof: null)).Status == HttpStatusCode.OK;
        },
        Fault.StatusDpopBearerRefused => async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var key = new DpopKey();
            var token = await StatusTokenAsync(r, key);
            clock.Advance(Endpoints.StatusRateLimiter.Window);
            var endpoint = r.Client.Metadata.MissionStatusEndpoint!.AbsoluteUri;
            return (await DpopStatusAsync(r, missionId, token, key.Proof("POST", endpoint, token))).Status != HttpStatusCode.OK;
        },
        Fault.StatusDpopAnswerReplayed => async (r, clock) =>
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
        Fault.StatusMtlsCertificateUnchecked => async (r, _) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var strangerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            using var stranger = MutualTls.SelfSigned(strangerKey, DocsStatusClient.ClientId);
            return (await MutualTlsStatusAsync(r, missionId, stranger)).Status == HttpStatusCode.OK;
        },
        Fault.StatusMtlsRefused => async (r, _) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            using var certificate = MutualTls.SelfSignedCertificate(DocsStatusClient.Key!, DocsStatusClient.ClientId)!;
            return (await MutualTlsStatusAsync(r, missionId, certificate)).Status != HttpStatusCode.OK;
        },
        Fault.ExpansionWithoutSupersedes => async (r, _) =>
        {
            var (prior, successor) = await ExpandAsync(r);
            return (string?)(await r.RecordAsync(successor.MissionId))!["lifecycle"]!["supersedes"] != prior.MissionId;
        },
        Fault.ExpansionLeavesPriorActive => async (r, _) => (await r.RefreshAsync((await ExpandAsync(r)).Prior.RefreshToken!)).Status == HttpStatusCode.OK,
        Fault.DeniedExpansionEndsPrior => async (r, _) =>
        {
            var kept = await r.ObtainAsync(NarrowBoardPacketIntent());
            var par = await r.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, (Endpoints.MissionParameters.Supersedes, kept.MissionId));
            await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny);
            return (await r.RefreshAsync(kept.RefreshToken!)).Status != HttpStatusCode.OK;
        },
        Fault.StatusSignedByUnknownKey => async (r, clock) =>
            !await DecodedJwt.VerifySignatureAsync((await ActiveStatusAsync(r, clock)).Body, await r.Client.GetJwksAsync(RunningReference.Ct)),
        Fault.StatusAsIntrospectionJwt => async (r, clock) => (await ActiveStatusAsync(r, clock)).ContentType == "application/token-introspection+jwt",
        Fault.StatusIgnoresNonce => async (r, clock) =>
            (await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId, nonce: "abc")).Status == HttpStatusCode.OK,
        Fault.StatusWrongAudience => async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("aud").GetString() != ResourceCatalogue.DocsResource,
        Fault.StatusOmitsAnchors => async (r, clock) => !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("integrity_anchors", out _),
        Fault.StatusLeaksForeignAudience => async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("authority_projection").GetArrayLength() != 1,
        Fault.StatusForeignMissionOracle => async (r, clock) =>
        {
            var withoutDocs = await r.ObtainAsync(Edited(i => i["objects"] = new JsonArray(ResourceCatalogue.FinanceResource, ResourceCatalogue.WorkflowResource)));
            var foreign = await StatusAsync(r, clock, withoutDocs.MissionId);
            var unknown = await StatusAsync(r, clock, "msn_" + new string('Q', 24));
            return foreign.Status != unknown.Status;
        },
        Fault.StatusErrorsWithoutNonce => async (r, clock) =>
        {
            var unauthenticated = await StatusAsync(r, clock, "msn_" + new string('Q', 24), new ClientCredentials(DocsStatusClient.ClientId), withAssertion: false);
            return unauthenticated.Status == HttpStatusCode.Unauthorized && unauthenticated.Member("nonce") is null;
        },
        Fault.StatusHidesInactiveMissions => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await StatusAsync(r, clock, issued.MissionId)).Status != HttpStatusCode.OK;
        },
        Fault.StatusLongLived => async (r, clock) =>
        {
            var payload = StatusPayload(await ActiveStatusAsync(r, clock));
            return payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64() > 120;
        },
        Fault.StatusFreshnessAfterIssue => async (r, clock) =>
        {
            var payload = StatusPayload(await ActiveStatusAsync(r, clock));
            return DateTimeOffset.Parse(payload.GetProperty("freshness_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                > DateTimeOffset.Parse(payload.GetProperty("issued_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        },
        Fault.StatusMissionWithIdAndRef => async (r, clock) => StatusPayload(await ActiveStatusAsync(r, clock)).GetProperty("mission").TryGetProperty("ref", out _),
        Fault.StatusRateLimitWithoutRetryAfter => async (r, clock) =>
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
        Fault.StatusRateLimitPerMission => async (r, clock) =>
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
        Fault.DpopAnnouncedAsBearer => async (r, clock) =>
        {
            // Under DpopBoundTokens: a redemption proving a key gets a token bound to it; the fault says Bearer all the same.
            using var key = new DpopKey();
            var (pkce, consent) = await r.PushAndApproveAsync();
            var redeemed = await r.RedeemAsync(consent.Code!, pkce.Verifier, extra: null, dpop: key);
            Assert.Equal(key.Thumbprint, DecodedJwt.Decode(redeemed.Member("access_token")!).Payload.GetProperty("cnf").GetProperty("jkt").GetString());
            return redeemed.Member("token_type") != "DPoP";
        },
        Fault.PublicRefreshNeitherRotatedNorBound => async (r, clock) =>
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
        Fault.StatusOmitsPolicyVersion => async (r, clock) => !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("policy_version", out _),
        Fault.MissionAuthorityIssuerMismatch => async (r, clock) =>
            JsonDocument.Parse((await MissionAuthorityAsync(r)).Body).RootElement.GetProperty("issuer").GetString() != r.Issuer,
        Fault.MissionAuthorityNotJson => async (r, clock) => (await MissionAuthorityAsync(r)).ContentType != "application/json",
        Fault.MasProfileUnadvertised => async (r, clock) => !(await ProjectionIssuerTests.ProfilesAsync(r)).Contains("mas"),
        Fault.LifecycleEventsSkipSuspension => async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            await r.LifecycleAsync(missionId, "suspend");
            await r.LifecycleAsync(missionId, "revoke");
            var states = (await LifecycleEventTests.EventsForAsync(missionId, 2)).Select(e => e.State).ToList();
            Assert.Contains("revoked", states);
            return !states.Contains("suspended");
        },
        Fault.IntrospectionActiveForInactiveMission => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await IntrospectAsync(r, issued.AccessToken)).Json.GetProperty("active").GetBoolean();
        },
        Fault.IntrospectionOmitsMission => async (r, clock) => !(await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken)).Json.TryGetProperty("mission", out _),
        Fault.StateAuthorityWithoutHash => async (r, clock) =>
            !StatusPayload(await ActiveStatusAsync(r, clock)).TryGetProperty("integrity_anchors", out _)
            && !(await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken)).Json.GetProperty("mission").TryGetProperty("authority_hash", out _),
        Fault.IntrospectionLeaksToNonAudience => async (r, clock) =>
        {
            var open = await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken, withAssertion: false);
            return open.Status == HttpStatusCode.OK && open.Json.TryGetProperty("mission", out _);
        },
        Fault.IntrospectionErrorsOnMalformedToken => async (r, clock) => (await IntrospectAsync(r, "not-a-token")).Status != HttpStatusCode.OK,
        Fault.IntrospectionNeverSigned => async (r, clock) =>
            (await IntrospectAsync(r, (await r.ObtainAsync()).AccessToken, accept: "application/token-introspection+jwt")).ContentType != "application/token-introspection+jwt",
        Fault.RefreshIgnoresResource => async (r, clock) =>
        {
            var refreshed = await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!, null, ("resource", ResourceCatalogue.DocsResource));
            return DecodedJwt.Decode(refreshed.Member("access_token")!).Payload.GetProperty("aud").ValueKind == JsonValueKind.Array;
        },
        Fault.MissionClaimModeVaries => async (r, clock) =>
        {
            var refreshed = DecodedJwt.Decode((await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!)).Member("access_token")!);
            return !refreshed.Payload.GetProperty("mission").TryGetProperty("id", out _);
        },
        Fault.ExchangeAfterRevoke => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.ExchangeAsync(issued.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Status == HttpStatusCode.OK;
        },
        Fault.ExchangeWidensAuthority => async (r, clock) =>
        {
            var narrowed = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return (await r.ExchangeAsync(narrowed.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Status == HttpStatusCode.OK;
        },
        Fault.ExchangeLosesMission => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            var exchanged = DecodedJwt.Decode((await r.ExchangeAsync(issued.AccessToken, null, ("resource", ResourceCatalogue.DocsResource))).Member("access_token")!);
            return exchanged.Payload.GetProperty("mission").GetProperty("id").GetString() != issued.MissionId;
        },
        Fault.IdJagFromAccessToken => async (r, clock) =>
        {
            using var key = new DpopKey();
            return (await r.IdJagAsync((await r.ObtainAsync()).AccessToken, key, TokenTypes.AccessToken)).Status == HttpStatusCode.OK;
        },
        Fault.IdJagLongLived => async (r, clock) =>
        {
            var grant = (await IdJagClaimsAsync(r)).Payload;
            return grant.GetProperty("exp").GetInt64() - grant.GetProperty("iat").GetInt64() > 300;
        },
        Fault.IdJagRepeatsJti => async (r, clock) =>
        {
            var refreshToken = (await r.ObtainAsync()).RefreshToken!;
            using var key = new DpopKey();
            var first = await r.IdJagGrantAsync(refreshToken, key);
            return first.Payload.GetProperty("jti").GetString() == (await r.IdJagGrantAsync(refreshToken, key)).Payload.GetProperty("jti").GetString();
        },
        Fault.IdJagSignedByUnknownKey => async (r, clock) =>
        {
            using var key = new DpopKey();
            var issued = await r.IdJagAsync((await r.ObtainAsync()).RefreshToken!, key);
            return !await DecodedJwt.VerifySignatureAsync(issued.Member("access_token")!, await r.Client.GetJwksAsync(RunningReference.Ct));
        },
        Fault.IdJagBoundToOtherKey => async (r, clock) =>
        {
            using var key = new DpopKey();
            var grant = await r.IdJagGrantAsync((await r.ObtainAsync()).RefreshToken!, key);
            return grant.Payload.GetProperty("cnf").GetProperty("jkt").GetString() != key.Thumbprint;
        },
        Fault.IdJagDisclosesOtherDomains => async (r, clock) =>
            (await IdJagClaimsAsync(r)).Payload.GetProperty("authorization_details").EnumerateArray().Any(e => e.GetProperty("resource").GetString() != ResourceCatalogue.WorkflowResource),
        Fault.IdJagAfterRevoke => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            using var key = new DpopKey();
            return (await r.IdJagAsync(issued.RefreshToken!, key)).Status == HttpStatusCode.OK;
        },
        Fault.IdJagMislabelled => async (r, clock) =>
        {
            using var key = new DpopKey();
            return (await r.IdJagAsync((await r.ObtainAsync()).RefreshToken!, key)).Member("issued_token_type") != TokenTypes.IdJag;
        },
        Fault.PairwiseRefSharedAcrossSectors => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            using var key = new DpopKey();
            return await r.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer)
                == await r.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.DocsAuthorizationServer);
        },
        Fault.PairwiseLeaksCanonicalId => async (r, clock) => (await IdJagClaimsAsync(r)).Payload.GetProperty("mission").TryGetProperty("id", out _),
        Fault.ExchangeCopiesPairwiseRef => async (r, clock) =>
        {
            using var key = new DpopKey();
            var issued = await r.ObtainAsync();
            var first = await r.IdJagAsync(issued.RefreshToken!, key);
            var reprojected = await r.IdJagAsync(first.Member("access_token")!, key, TokenTypes.IdJag, ResourceCatalogue.DocsAuthorizationServer);
            var firstRef = DecodedJwt.Decode(first.Member("access_token")!).Payload.GetProperty("mission").GetProperty("ref").GetString()!;
            return reprojected.Status == HttpStatusCode.OK
                && DecodedJwt.Decode(reprojected.Member("access_token")!).Payload.GetProperty("mission").GetProperty("ref").GetString() == firstRef;
        },
        Fault.PairwiseRefUnresolvable => async (r, clock) =>
        {
            using var key = new DpopKey();
            var reference = await r.PairwiseRefAsync((await r.ObtainAsync()).RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer);
            return (await StatusAsync(r, clock, reference, RunningReference.StatusClient("ras-workflow"), audience: ResourceCatalogue.WorkflowAuthorizationServer)).Status
                == HttpStatusCode.NotFound;
        },
        Fault.DelegationNamesNoActor => async (r, clock) =>
        {
            var claims = await DelegatedClaimsAsync(r);
            return !claims.TryGetProperty("act", out _) || claims.GetProperty("client_id").GetString() != RunningReference.Confidential.ClientId;
        },
        Fault.DelegationWidens => async (r, clock) =>
        {
            var narrowed = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.DocsResource)]);
            using var key = new DpopKey();
            var delegated = DecodedJwt.Decode((await r.DelegateAsync(narrowed.AccessToken, key)).Member("access_token")!).Payload;
            return DelegatedResources(delegated).Contains(ResourceCatalogue.WorkflowResource);
        },
        Fault.DelegationUnbound => async (r, clock) => (await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key: null)).Status == HttpStatusCode.OK,
        Fault.DelegationIgnoresEntryRules => async (r, clock) => DelegatedResources(await DelegatedClaimsAsync(r)).Contains(ResourceCatalogue.FinanceResource),
        Fault.DelegationIssuesEmptyToken => async (r, clock) =>
        {
            var financeOnly = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            using var key = new DpopKey();
            return (await r.DelegateAsync(financeOnly.AccessToken, key)).Status == HttpStatusCode.OK;
        },
        Fault.DelegationTrustsSelfAssertedProfile => async (r, clock) =>
        {
            using var key = new DpopKey();
            var claimsToBeAnAgent = DecodedJwtTestTokens.Unsigned(new { sub = "agent-other", sub_profile = TestPrincipals.AgentProfile });
            return (await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key, RunningReference.Other, ("actor_token", claimsToBeAnAgent),
                ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"))).Status == HttpStatusCode.OK;
        },
        Fault.DelegationWhileInactive => async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            using var key = new DpopKey();
            return (await r.DelegateAsync(issued.AccessToken, key)).Status == HttpStatusCode.OK;
        },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "every fault needs a probe that shows its behaviour"),
    };

    private static JsonObject Intent() => RunningReference.BoardPacketIntent();

    /// <summary>The claims of a token agent-delegate obtained, with a DPoP proof, from the agent's first token of a new Mission.</summary>
    private static async Task<JsonElement> DelegatedClaimsAsync(RunningReference r)
    {
        using var key = new DpopKey();
        var delegated = await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key);
        Assert.True(delegated.Status == HttpStatusCode.OK, delegated.Body);
        return DecodedJwt.Decode(delegated.Member("access_token")!).Payload;
    }

    private static async Task<DecodedJwt> IdJagClaimsAsync(RunningReference r)
    {
        using var key = new DpopKey();
        return await r.IdJagGrantAsync((await r.ObtainAsync()).RefreshToken!, key);
    }

    private static List<string?> DelegatedResources(JsonElement claims)
        => claims.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).ToList();

    private static readonly ClientCredentials DocsStatusClient = RunningReference.StatusClient("rs-docs");
    private static readonly ClientCredentials WorkflowStatusClient = RunningReference.StatusClient("rs-workflow");

    /// <summary>
    /// A Mission Status request as the docs server. The fault-free instance is shared by every probe, so
    /// each request first moves its clock past the rate-limit window: no probe is ever answered 429 by accident.
    /// </summary>
    private static Task<WireResponse> StatusAsync(RunningReference r, FakeTimeProvider clock, string missionId, ClientCredentials? client = null,
        string? nonce = null, string audience = ResourceCatalogue.DocsResource, bool withAssertion = true, bool advance = true)
    {
        if (advance) clock.Advance(Endpoints.StatusRateLimiter.Window);
        return r.Client.MissionStatusAsync(r.Client.Metadata.MissionStatusEndpoint!, client ?? DocsStatusClient, missionId, audience,
            nonce ?? MissionClient.NewNonce(), RunningReference.Ct, withAssertion);
    }

    /// <summary>A Mission-Status-scoped DPoP token for the docs status client, bound to <paramref name="key"/> (StatusTokenEndpoint's convention).</summary>
    internal static async Task<string> StatusTokenAsync(RunningReference r, DpopKey key)
    {
        var issued = await r.Client.StatusTokenAsync(DocsStatusClient, r.Client.Metadata.MissionStatusEndpoint!, key, RunningReference.Ct);
        Assert.True(issued.Status == HttpStatusCode.OK, $"status token: {(int)issued.Status} {issued.Body}");
        return issued.Json.GetProperty("access_token").GetString()!;
    }

    internal static Task<WireResponse> DpopStatusAsync(RunningReference r, string missionId, string token, string? proof)
        => r.Client.MissionStatusWithTokenAsync(r.Client.Metadata.MissionStatusEndpoint!, token, proof, missionId, ResourceCatalogue.DocsResource, MissionClient.NewNonce(), RunningReference.Ct);

    /// <summary>
    /// Mission Status at the mtls alias as rs-docs, presenting <paramref name="certificate"/> (none: no certificate), trusting the stack's TLS
    /// certificate; with <paramref name="withAssertion"/>, a private_key_jwt assertion as well.
    /// </summary>
    internal static async Task<WireResponse> MutualTlsStatusAsync(RunningReference r, string missionId, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        bool withAssertion = false)
    {
        var alias = new Uri(r.Client.Metadata.Document.GetProperty("mtls_endpoint_aliases").GetProperty("mission_status_endpoint").GetString()!);
        using var http = MutualTls.Client(new Harness.Wire.WireLog(), certificate, [r.Stack.TlsCertificate], TimeSpan.FromSeconds(20));
        return await new MissionClient(http, r.Client.Metadata).MissionStatusAsync(alias, withAssertion ? DocsStatusClient : new ClientCredentials(DocsStatusClient.ClientId),
            missionId, ResourceCatalogue.DocsResource, MissionClient.NewNonce(), RunningReference.Ct, withAssertion);
    }

    /// <summary>The board-packet Intent without its last object: a Mission an expansion to the whole Intent widens.</summary>
    internal static JsonObject NarrowBoardPacketIntent()
    {
        var intent = RunningReference.BoardPacketIntent();
        var objects = intent["objects"]!.AsArray();
        objects.RemoveAt(objects.Count - 1);
        return intent;
    }

    /// <summary>Mission Expansion by the suite's convention: a narrow Mission, then the whole Intent pushed with mission_supersedes naming it, approved.</summary>
    internal static async Task<(IssuedMission Prior, IssuedMission Successor)> ExpandAsync(RunningReference r)
    {
        var prior = await r.ObtainAsync(NarrowBoardPacketIntent());
        return (prior, await r.ObtainAsync(parExtra: [(Endpoints.MissionParameters.Supersedes, prior.MissionId)]));
    }

    private static async Task<WireResponse> ActiveStatusAsync(RunningReference r, FakeTimeProvider clock)
    {
        var response = await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId);
        Assert.True(response.Status == HttpStatusCode.OK, $"Mission Status: {(int)response.Status} {response.Body}\n{r.Log}");
        return response;
    }

    private static Task<WireResponse> IntrospectAsync(RunningReference r, string token, bool withAssertion = true, string? accept = null)
        => r.Client.IntrospectAsync(r.Client.Metadata.IntrospectionEndpoint!, DocsStatusClient, token, RunningReference.Ct, withAssertion, accept);

    private static JsonElement StatusPayload(WireResponse response) => DecodedJwt.Decode(response.Body).Payload;

    private static Task<WireResponse> MissionAuthorityAsync(RunningReference r)
        => r.Client.GetDocumentAsync(new Uri(r.Issuer.TrimEnd('/') + "/.well-known/mission-authority"), RunningReference.Ct);

    private static JsonObject Edited(Action<JsonObject> edit)
    {
        var intent = Intent();
        edit(intent);
        return intent;
    }

    private static string Edit(Action<JsonObject> edit) => Edited(edit).ToJsonString();

    private static JsonElement Metadata(RunningReference r, string name) => r.Client.Metadata.Document.GetProperty(name);

    private static async Task<bool> AcceptedAsync(RunningReference r, string intent) => (await r.PushAsync(intent, Pkce.Create())).Status == HttpStatusCode.Created;

    private static string? MissionMember(IssuedMission issued, string name)
        => issued.Claims.Payload.TryGetProperty("mission", out var m) && m.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static string? Claim(IssuedMission issued, string name)
        => issued.Claims.Payload.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static IEnumerable<string?> Actions(IssuedMission issued)
        => issued.Claims.Payload.GetProperty("authorization_details").EnumerateArray().SelectMany(e => e.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

    private static List<string?> Audiences(IssuedMission issued)
    {
        var aud = issued.Claims.Payload.GetProperty("aud");
        return aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString()).ToList() : [aud.GetString()];
    }

    private static async Task<string> ConsentPageAsync(RunningReference r, JsonObject intent)
    {
        var par = await r.PushAsync(intent.ToJsonString(), Pkce.Create());
        return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).ConsentPageHtml;
    }

    private static async Task<bool> RefreshAfterAsync(RunningReference r, string operation)
    {
        var issued = await r.ObtainAsync();
        await r.LifecycleAsync(issued.MissionId, operation);
        return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
    }

    private static async Task<bool> StateAfterAsync(RunningReference r, string operation, string unchangedState)
    {
        var issued = await r.ObtainAsync();
        await r.LifecycleAsync(issued.MissionId, operation);
        return await r.StateAsync(issued.MissionId) == unchangedState;
    }
}
