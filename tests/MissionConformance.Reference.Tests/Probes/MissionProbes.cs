using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

public static partial class FaultProbes
{
    /// <summary>The probes of the faults in reference/…/Faults/Missions/.</summary>
    private static Dictionary<Fault, Probe> MissionProbes() => new()
    {
        [Fault.MalformedIntentServerError] = async (r, clock) => (await r.PushAsync("{goal:", Pkce.Create())).Status != HttpStatusCode.BadRequest,
        [Fault.AcceptDuplicateMembers] = (r, clock) => AcceptedAsync(r, Intent().ToJsonString().Replace("{\"goal\":", "{\"goal\":\"x\",\"goal\":", StringComparison.Ordinal)),
        [Fault.AcceptMissingRequiredMembers] = (r, clock) => AcceptedAsync(r, Edit(i => i.Remove("goal"))),
        [Fault.AcceptUnknownMembers] = (r, clock) => AcceptedAsync(r, Edit(i => i["foo"] = 1)),
        [Fault.IgnoreIntentSizeLimit] = (r, clock) => AcceptedAsync(r, Edit(i => i["x_filler"] = new string('x', 17_000))),
        [Fault.AcceptZeroMaxDerivations] = (r, clock) => AcceptedAsync(r, Edit(i => i["context"]!["max_derivations"] = "0")),
        [Fault.ReuseMissionIdForIdenticalIntent] = async (r, clock) =>
        {
            var intent = Intent();
            return (await r.ObtainAsync((JsonObject)intent.DeepClone())).MissionId == (await r.ObtainAsync((JsonObject)intent.DeepClone())).MissionId;
        },
        [Fault.ExtendMissionExpiry] = async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            return DateTimeOffset.Parse((string)record!["mission_expiry"]!, System.Globalization.CultureInfo.InvariantCulture)
                > DateTimeOffset.Parse((string)intent["mission_expiry"]!, System.Globalization.CultureInfo.InvariantCulture);
        },
        [Fault.NarrowingAddsObject] = async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            var submitted = intent["objects"]!.AsArray().Select(o => (string?)o).ToHashSet();
            return record!["mission_intent"]!["objects"]!.AsArray().Any(o => !submitted.Contains((string?)o));
        },
        [Fault.NarrowingDropsConstraint] = async (r, clock) =>
        {
            var intent = RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromHours(1));
            var record = await r.RecordAsync((await r.ObtainAsync(intent)).MissionId);
            return record!["mission_intent"]!["constraints"]!.AsArray().Count < intent["constraints"]!.AsArray().Count;
        },
        [Fault.AcceptUnregisteredPurpose] = (r, clock) => AcceptedAsync(r, Edit(i => i["purpose"] = "urn:example:purpose:unregistered")),
        [Fault.ConstantRenderingHash] = async (r, clock) =>
        {
            static string? Hash(JsonObject? record) => (string?)record?["integrity"]?["consent_rendering_hash"];
            var first = await r.RecordAsync((await r.ObtainAsync()).MissionId);
            var second = await r.RecordAsync((await r.ObtainAsync(Edited(i => i["goal"] = "Prepare the Q4 2026 board packet"))).MissionId);  // another disclosure
            return Hash(first) is { } a && a == Hash(second);
        },
        [Fault.ActivateOnRedemption] = async (r, clock) =>
        {
            async Task<JsonArray> MissionsAsync() => JsonNode.Parse((await r.Client.InventoryAsync(RunningReference.Confidential, null, null, RunningReference.Ct)).Body)!["missions"]!.AsArray();
            var known = (await MissionsAsync()).Select(m => (string?)m!["mission"]!["id"]).ToHashSet();
            await r.PushAndApproveAsync();
            var approved = (await MissionsAsync()).Single(m => !known.Contains((string?)m!["mission"]!["id"]));
            return (string?)approved!["state"] != "active";  // between consent and redemption
        },
        [Fault.SequentialMissionId] = async (r, clock) => Regex.IsMatch((await r.ObtainAsync()).MissionId, "^msn_[0-9]+$"),
        [Fault.MissionIdEmbedsSubject] = async (r, clock) => (await r.ObtainAsync()).MissionId.Contains("agent-confidential", StringComparison.Ordinal),
        [Fault.PaddedAnchors] = async (r, clock) => IntegrityAnchors.Classify(MissionMember(await r.ObtainAsync(), "authority_hash")) != AnchorFormat.Sha256,
        [Fault.AuthorityHashWithoutEnvelope] = async (r, clock) =>
        {
            var record = (await r.RecordAsync((await r.ObtainAsync()).MissionId))!;
            var recomputed = IntegrityAnchors.Framework("mission-authority-set", (string)record["anchor_profile"]!["mission-authority-set"]!,
                (string)record["tenant"]!, (string)record["mission"]!["origin"]!, record["authority_set"]!);
            return recomputed != (string?)record["integrity"]!["authority_hash"];
        },
        [Fault.ProposalHashOverRawIntent] = async (r, clock) =>
        {
            var record = (await r.RecordAsync((await r.ObtainAsync(RunningReference.BoardPacketIntent(lifetime: TimeSpan.FromDays(60)))).MissionId))!;
            var recomputed = IntegrityAnchors.Framework("mission-intent", (string)record["anchor_profile"]!["mission-intent"]!,
                (string)record["tenant"]!, (string)record["mission"]!["origin"]!, record["mission_intent"]!);
            return recomputed != (string?)record["integrity"]!["proposal_hash"];
        },
        [Fault.InvalidActionName] = async (r, clock) => Actions(await r.ObtainAsync()).Any(a => !Regex.IsMatch(a!, "^[A-Za-z0-9_.:-]{1,64}$")),
        [Fault.IgnoreMissionExpiry] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync(RunningReference.BoardPacketIntent(clock.GetUtcNow(), TimeSpan.FromMinutes(2)));
            clock.Advance(TimeSpan.FromMinutes(3));
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        [Fault.IgnoreMaxDerivations] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync(Edited(i => i["context"]!["max_derivations"] = "1"));
            return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
        },
        [Fault.RacyDerivationCounter] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync(Edited(i => i["context"]!["max_derivations"] = "3"));
            var store = r.Stack.Services.GetRequiredService<MissionStore>();
            var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
                Task.Run(() => store.TryConsumeDerivationAsync(issued.MissionId, new HashSet<string> { MissionState.Active }, RunningReference.Ct))));
            return results.Count(x => x.Consumed) > 2;
        },
        [Fault.RevokeIsNoOp] = (r, clock) => StateAfterAsync(r, "revoke", "active"),
        [Fault.SuspendIsNoOp] = (r, clock) => StateAfterAsync(r, "suspend", "active"),
        [Fault.NonIdempotentLifecycle] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            return (await r.LifecycleAsync(issued.MissionId, "revoke")).Status != HttpStatusCode.OK;
        },
        [Fault.ResumeFromTerminal] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "revoke");
            await r.LifecycleAsync(issued.MissionId, "resume");
            return await r.StateAsync(issued.MissionId) == "active";
        },
        [Fault.CompleteWhileSuspended] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            await r.LifecycleAsync(issued.MissionId, "suspend");
            return (await r.LifecycleAsync(issued.MissionId, "complete")).Status == HttpStatusCode.OK;
        },
        [Fault.ExpansionWithoutSupersedes] = async (r, _) =>
        {
            var (prior, successor) = await ExpandAsync(r);
            return (string?)(await r.RecordAsync(successor.MissionId))!["lifecycle"]!["supersedes"] != prior.MissionId;
        },
        [Fault.ExpansionLeavesPriorActive] = async (r, _) => (await r.RefreshAsync((await ExpandAsync(r)).Prior.RefreshToken!)).Status == HttpStatusCode.OK,
        [Fault.DeniedExpansionEndsPrior] = async (r, _) =>
        {
            var kept = await r.ObtainAsync(NarrowBoardPacketIntent());
            var par = await r.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, (Endpoints.MissionParameters.Supersedes, kept.MissionId));
            await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny);
            return (await r.RefreshAsync(kept.RefreshToken!)).Status != HttpStatusCode.OK;
        },
        [Fault.LifecycleEventsSkipSuspension] = async (r, clock) =>
        {
            var missionId = (await r.ObtainAsync()).MissionId;
            await r.LifecycleAsync(missionId, "suspend");
            await r.LifecycleAsync(missionId, "revoke");
            var states = (await LifecycleEventTests.EventsForAsync(missionId, 2)).Select(e => e.State).ToList();
            Assert.Contains("revoked", states);
            return !states.Contains("suspended");
        },
        [Fault.PairwiseRefSharedAcrossSectors] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync();
            using var key = new DpopKey();
            return await r.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.WorkflowAuthorizationServer)
                == await r.PairwiseRefAsync(issued.RefreshToken!, key, ResourceCatalogue.DocsAuthorizationServer);
        },
    };
}
