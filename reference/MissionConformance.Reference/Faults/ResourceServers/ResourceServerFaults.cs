using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Faults.ResourceServers;

[FaultHook(Fault.RsAcceptsWrongTyp, "the RS accepts an access token whose typ is not at+jwt", "MBO-RS-A-001", Site = FaultSite.ResourceServer)]
internal sealed class RsAcceptsWrongTyp : IResourceServerHook
{
    public void TokenValidating(TokenValidationParameters parameters) => parameters.ValidTypes = null;
}

[FaultHook(
    Fault.RsIgnoresDpopBinding,
    "the RS serves a DPoP-bound token (cnf.jkt) without checking its proof: as a bearer token, or with another key's proof (an introspecting RS included)",
    "MBO-RS-A-001",
    "MBO-RS-C-007",
    Site = FaultSite.ResourceServer)]
internal sealed class RsIgnoresDpopBinding : IResourceServerHook
{
    public void ProofChecked(ProofCheck check) => check.Failure = null;
}

/// <summary>An introspecting server takes introspection's word for a DPoP-bound token and checks no proof (MBO-RS-C-007).</summary>
[FaultHook(
    Fault.RsTrustsIntrospectionForDpop,
    "a server that introspects takes active:true for enough and skips its own DPoP proof check (only introspecting servers change)",
    "MBO-RS-A-001",
    "MBO-RS-C-007",
    Site = FaultSite.ResourceServer)]
internal sealed class RsTrustsIntrospectionForDpop : IResourceServerHook
{
    public void ProofChecked(ProofCheck check)
    {
        if (check.Introspected) check.Failure = null;
    }
}

/// <summary>A task poll is taken for the continuation of a call authorised earlier: its Mission state is not checked again.</summary>
internal abstract class UncheckedPoll : IResourceServerHook
{
    public void StateChecking(StateCheck check)
    {
        if (check.Method == "tasks/get") check.Checks = false;
    }
}

/// <summary>An approved Access Request is carried out on the approval alone, without a fresh decision (MBO-RT-PEP-011).</summary>
[FaultHook(
    Fault.RsExecutesOnApprovalUnchecked,
    "an approved task is carried out as soon as tasks/get sees the approval: no fresh decision, no look at the Mission's state",
    "MBO-MCP-003",
    "MBO-RT-PEP-011",
    Site = FaultSite.ResourceServer)]
internal sealed class RsExecutesOnApprovalUnchecked : UncheckedPoll, IResourceServerHook
{
    public void ApprovalSettling(ApprovalSettlement settlement) => settlement.Reevaluates = false;
}

/// <summary>The fresh decision after an approval is made with the Mission state of the original call.</summary>
[FaultHook(
    Fault.RsReevaluatesWithStaleState,
    "tasks/get skips the Mission-state check (the task was authorised when created), so an approved task is re-evaluated but carried out for a Mission revoked meanwhile",
    "MBO-RT-PEP-011",
    Site = FaultSite.ResourceServer)]
internal sealed class RsReevaluatesWithStaleState : UncheckedPoll;

[FaultHook(Fault.RsAcceptsMissingMission, "the RS serves a token that carries no mission claim", "MBO-RS-B-003", Site = FaultSite.ResourceServer)]
internal sealed class RsAcceptsMissingMission : IResourceServerHook
{
    public void MissionRefused(MissionRefusal refusal)
    {
        if (refusal.Reason == MissionRefusalReason.NoMissionClaim) refusal.Refused = false;
    }
}

[FaultHook(
    Fault.RsIgnoresRevokedMission,
    "the RS reads the Mission's state but serves a revoked or suspended Mission's token anyway (an approved task included)",
    "MBO-RS-B-002",
    "MBO-RS-B-004",
    "MBO-MAS-005",
    "MBO-RT-PEP-011",
    Site = FaultSite.ResourceServer)]
internal sealed class RsIgnoresRevokedMission : IResourceServerHook
{
    public void MissionRefused(MissionRefusal refusal)
    {
        if (refusal.Reason == MissionRefusalReason.Inactive) refusal.Refused = false;
    }
}

/// <summary>The server trusts the token alone: it never asks Mission Status, and takes no lifecycle events either.</summary>
[FaultHook(
    Fault.RsNeverAsksMissionStatus,
    "the RS has no source of Mission state (no Mission Status requests; an event-driven server has no event receiver): it cannot refuse inactive Missions, and its PDP requests lack policy_version and freshness",
    "MBO-RS-B-002",
    "MBO-RS-B-004",
    "MBO-RS-C-008",
    "MBO-RT-PEP-004",
    "MBO-RT-PEP-005",
    "MBO-RT-PEP-011",
    "MBO-MAS-005",
    Site = FaultSite.ResourceServer)]
internal sealed class RsNeverAsksMissionStatus : IResourceServerHook
{
    public void StateChecking(StateCheck check) => check.AsksState = false;

    public void Use(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path != "/events") return next();
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    });
}

[FaultHook(Fault.RsListsEveryTool, "tools/list shows every tool, also those outside the Mission", "MBO-MCP-001", Site = FaultSite.ResourceServer)]
internal sealed class RsListsEveryTool : IResourceServerHook
{
    public void ToolsListed(ToolListing listing) => listing.Listed = listing.All;
}

[FaultHook(Fault.RsHonoursForeignEntries, "the RS honours entries whose resource is another server", "MBO-RS-C-005", Site = FaultSite.ResourceServer)]
internal sealed class RsHonoursForeignEntries : IResourceServerHook
{
    public void EntryHonoured(EntryScope scope) => scope.Honoured = true;
}

/// <summary>Any honoured entry allows any tool, whatever its actions say.</summary>
[FaultHook(
    Fault.RsIgnoresActions,
    "the RS executes any tool when it holds an entry for itself, whatever the entry's actions (so neither scope nor x_ members are what widen it)",
    "MBO-RS-C-001",
    "MBO-MCP-002",
    "MBO-RS-C-004",
    "MBO-RS-C-009",
    Site = FaultSite.ResourceServer)]
internal sealed class RsIgnoresActions : IResourceServerHook
{
    public void ActionChecked(ActionCheck check)
    {
        if (check.Entries.Count > 0) check.Refused = false;
    }
}

/// <summary>A scope value naming the tool allows it, beside authorization_details.</summary>
[FaultHook(
    Fault.RsScopeWidensDetails,
    "a tool named in the token's scope is executed though no entry lists it",
    "MBO-RS-C-004",
    Site = FaultSite.ResourceServer)]
internal sealed class RsScopeWidensDetails : IResourceServerHook
{
    public void ActionChecked(ActionCheck check)
    {
        if (check.Claims.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String && scope.GetString()!.Split(' ').Contains(check.Tool.Name))
        {
            check.Refused = false;
        }
    }
}

/// <summary>Actions under an unknown member of the mission claim (x_extra) are honoured.</summary>
[FaultHook(
    Fault.RsTrustsUnknownMissionMembers,
    "the RS grants the actions listed in mission.x_extra",
    "MBO-RS-C-009",
    Site = FaultSite.ResourceServer)]
internal sealed class RsTrustsUnknownMissionMembers : IResourceServerHook
{
    public void ActionChecked(ActionCheck check)
    {
        if (check.Mission.ValueKind == JsonValueKind.Object && check.Mission.TryGetProperty("x_extra", out var extra) && extra.ValueKind == JsonValueKind.Object
            && extra.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array
            && actions.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == check.Tool.Name))
        {
            check.Refused = false;
        }
    }
}

[FaultHook(
    Fault.RsAcceptsUnknownConstraint,
    "the RS ignores a constraint key it cannot enforce instead of refusing",
    "MBO-RS-C-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsAcceptsUnknownConstraint : IResourceServerHook
{
    public void ConstraintChecked(ConstraintCheck check)
    {
        if (!check.Enforceable) check.Violation = null;
    }
}

[FaultHook(
    Fault.RsIgnoresConstraint,
    "the RS does not check the entry's constraints against the call's arguments",
    "MBO-RS-C-002",
    Site = FaultSite.ResourceServer)]
internal sealed class RsIgnoresConstraint : IResourceServerHook
{
    public void ConstraintChecked(ConstraintCheck check)
    {
        if (check.Enforceable) check.Violation = null;
    }
}

[FaultHook(
    Fault.RsSkipsPdp,
    "the RS-D server executes consequential calls without asking the PDP",
    "MBO-RT-PEP-001",
    "MBO-RT-PEP-002",
    "MBO-RT-PEP-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsSkipsPdp : IResourceServerHook
{
    public void PdpConsulting(PdpConsultation consultation) => consultation.Consults = false;
}

[FaultHook(Fault.RsFailsOpenWhenPdpDown, "the RS executes the call when the PDP does not answer", "MBO-RT-PEP-003", Site = FaultSite.ResourceServer)]
internal sealed class RsFailsOpenWhenPdpDown : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome)
    {
        if (outcome.Decision is null) outcome.Proceeds = true;
    }
}

/// <summary>
/// Acts, then asks (issue 22): the call is carried out before the PDP is consulted, and the PDP's deny or silence comes back as the
/// refusal it should have been. By its answers it is the correct server; only its effects tell.
/// </summary>
[FaultHook(
    Fault.RsActsThenAsks,
    "the RS carries a consequential call out first, then asks the PDP, and returns a deny or no answer as a refusal of what it already did",
    "MBO-RT-PEP-001",
    "MBO-RT-PEP-002",
    "MBO-RT-PEP-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsActsThenAsks : IResourceServerHook
{
    public void PdpConsulting(PdpConsultation consultation) => consultation.ActsFirst = true;
}

[FaultHook(
    Fault.RsActsOnDeny,
    "the RS executes a call the PDP denied, a requestable denial included (so no task waits for approval)",
    "MBO-RT-PEP-002",
    "MBO-MCP-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsActsOnDeny : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome)
    {
        if (outcome.Decision == false) outcome.Proceeds = true;
    }
}

[FaultHook(
    Fault.RsNoTaskOnRequestableDenial,
    "a requestable denial is refused like a plain deny: no Access Request, no MCP task to wait on",
    "MBO-MCP-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsNoTaskOnRequestableDenial : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome) => outcome.OffersTask = false;
}

/// <summary>The evaluation's Mission context carries the id only (MBO-RT-PEP-004).</summary>
[FaultHook(Fault.RsOmitsMissionContext, "the evaluation's context.mission carries only the id", "MBO-RT-PEP-004", Site = FaultSite.ResourceServer)]
internal sealed class RsOmitsMissionContext : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation)
    {
        var mission = evaluation.Context["mission"]!.AsObject();
        foreach (var member in new[] { "origin", "authority_hash", "policy_version", "policy_view_id", "policy_view_version" }) mission.Remove(member);
    }
}

[FaultHook(Fault.RsOmitsToolId, "the evaluation of an MCP tool call carries no context.tool_id", "MBO-RT-PEP-008", Site = FaultSite.ResourceServer)]
internal sealed class RsOmitsToolId : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => evaluation.Context.Remove("tool_id");
}

/// <summary>parameter_digest is the bare JCS digest of the arguments, outside the mission-action-parameters envelope (MBO-RT-PEP-006).</summary>
[FaultHook(
    Fault.RsWrongParameterDigest,
    "parameter_digest is SHA-256 over the JCS of the bare parameters, without the mission-action-parameters envelope",
    "MBO-RT-PEP-006",
    Site = FaultSite.ResourceServer)]
internal sealed class RsWrongParameterDigest : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation)
    {
        if (evaluation.Context["parameters"] is JsonObject parameters && evaluation.Context.ContainsKey("parameter_digest"))
        {
            evaluation.Context["parameter_digest"] = IntegrityAnchor.Digest(Jcs.Canonicalize(JsonSerializer.SerializeToElement(parameters)));
        }
    }
}

[FaultHook(Fault.RsOmitsFreshness, "the evaluation carries no context.freshness", "MBO-RT-PEP-005", Site = FaultSite.ResourceServer)]
internal sealed class RsOmitsFreshness : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => evaluation.Context.Remove("freshness");
}

/// <summary>The actor is the client alone, even on a delegated token (MBO-RS-C-006).</summary>
[FaultHook(
    Fault.RsActorFromClientId,
    "on a delegated token the PDP is told only the client_id: the act chain, which names the acting party, is dropped",
    "MBO-RS-C-006",
    Site = FaultSite.ResourceServer)]
internal sealed class RsActorFromClientId : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => (evaluation.Context["actor"] as JsonObject)?.Remove("act");
}

/// <summary>The tool is written into the act chain, which is for parties, not provenance (MBO-RT-PEP-007).</summary>
[FaultHook(
    Fault.RsProvenanceInAct,
    "the evaluation's act chain also carries the tool being called, provenance that does not belong in act",
    "MBO-RT-PEP-007",
    Site = FaultSite.ResourceServer)]
internal sealed class RsProvenanceInAct : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation)
    {
        if (evaluation.Context["actor"]?["act"] is JsonObject act) act["tool"] = evaluation.Tool.Name;
    }
}

/// <summary>No RFC 9728 metadata: not served, and not named in challenges.</summary>
[FaultHook(
    Fault.RsNoResourceMetadata,
    "the MCP server's 401 names no resource_metadata and it publishes no RFC 9728 metadata",
    "MBO-MCP-004",
    Site = FaultSite.ResourceServer)]
internal sealed class RsNoResourceMetadata : IResourceServerHook
{
    public void Challenging(Challenge challenge) => challenge.ResourceMetadata = null;

    public void Use(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path != "/.well-known/oauth-protected-resource/mcp") return next();
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    });
}

[FaultHook(
    Fault.RsOmitsExecutionEvidence,
    "the RS carries out permitted consequential calls without recording Execution Evidence",
    "MBO-RT-PEP-009",
    Site = FaultSite.ResourceServer)]
internal sealed class RsOmitsExecutionEvidence : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record) => record.Kept = false;
}

[FaultHook(
    Fault.RsEvidenceInventsOutcome,
    "Execution Evidence says outcome \"succeeded\", which is not one of attempted, completed, failed, suppressed",
    "MBO-RT-EV-001",
    Site = FaultSite.ResourceServer)]
internal sealed class RsEvidenceInventsOutcome : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record) => record.Record["outcome"] = "succeeded";
}

/// <summary>The record's result summary carries the caller's arguments (MBO-RT-EV-002: metadata only).</summary>
[FaultHook(
    Fault.RsEvidenceCarriesContent,
    "Execution Evidence's result_summary repeats the call's arguments (user content)",
    "MBO-RT-EV-002",
    Site = FaultSite.ResourceServer)]
internal sealed class RsEvidenceCarriesContent : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record)
        => record.Record["result_summary"] = new JsonObject { ["tool"] = record.Tool.Name, ["arguments"] = record.Arguments.DeepClone() };
}

/// <summary>A max_invocations slot whose outcome never came is consumed at its timeout, silently (runtime.md §8).</summary>
[FaultHook(
    Fault.RsExpiredSlotLeavesNoEvidence,
    "a max_invocations slot left without an outcome is consumed at its timeout with no synthetic failed Execution Evidence",
    "MBO-RT-EV-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsExpiredSlotLeavesNoEvidence : IResourceServerHook
{
    public void SlotExpired(SlotExpiry expiry) => expiry.Synthesises = false;
}

/// <summary>The record's parameter_digest is over the arguments with a default filled in, not over what was decided.</summary>
[FaultHook(
    Fault.RsEvidenceDigestMismatch,
    "Execution Evidence carries a parameter_digest over the arguments with defaults filled in, not the decision's",
    "MBO-RT-PEP-010",
    Site = FaultSite.ResourceServer)]
internal sealed class RsEvidenceDigestMismatch : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record)
    {
        var withDefaults = (JsonObject)record.Arguments.DeepClone();
        withDefaults["dry_run"] = false;
        record.Record["parameter_digest"] = IntegrityAnchor.ParameterDigest(record.Options.ParameterSchemaVersion, record.Options.AuthorizationDomain, "", withDefaults);
    }
}

[FaultHook(
    Fault.RsTreatsUnknownStateAsActive,
    "an event-driven RS takes a lifecycle event with a state it does not know for active",
    "MBO-MAS-005",
    Site = FaultSite.ResourceServer)]
internal sealed class RsTreatsUnknownStateAsActive : IResourceServerHook
{
    public void EventReceived(ReceivedState state)
    {
        if (!state.Known) state.State = "active";
    }
}

/// <summary>The Mission Status request's nonce is 8 random bytes (11 characters), short of the ABNF's 16 and of 96 bits.</summary>
[FaultHook(
    Fault.RsShortStatusNonce,
    "the RS's Mission Status nonce is 8 random bytes (11 characters), short of the ABNF's 16 characters and of 96 bits",
    "MBO-RS-C-008",
    Site = FaultSite.ResourceServer)]
internal sealed class RsShortStatusNonce : IResourceServerHook
{
    public void StatusAsking(StatusQuery query) => query.NonceBytes = 8;
}

/// <summary>An answer is reused for mission_max_stale_seconds after it was read, whatever its expires_at (MBO-MS-015).</summary>
[FaultHook(
    Fault.RsReusesExpiredStatus,
    "the RS reuses a Mission Status answer for its whole mission_max_stale_seconds, past the answer's expires_at",
    "MBO-MS-015",
    Site = FaultSite.ResourceServer)]
internal sealed class RsReusesExpiredStatus : IResourceServerHook
{
    public void StatusCached(StatusCacheEntry entry)
    {
        if (!entry.EventDriven) entry.Until = entry.Now.AddSeconds(entry.MaxStaleSeconds);
    }
}

/// <summary>The manifest's PEP does not cover the first consequential tool (MBO-RT-MF-002).</summary>
[FaultHook(
    Fault.RsManifestMissesAction,
    "the manifest's PEP covers only the server's other consequential tool, not the one its Missions use",
    "MBO-RT-MF-002",
    Site = FaultSite.ResourceServer)]
internal sealed class RsManifestMissesAction : IResourceServerHook
{
    public void ManifestBuilt(JsonObject manifest)
    {
        if (manifest["pep_locations"]?[0]?["covers"] is JsonArray covers && covers.Count > 0) covers.RemoveAt(0);
    }
}

[FaultHook(
    Fault.RsManifestWithoutPeps,
    "the enforcement-scope manifest has no pep_locations, so it is not schema-valid",
    "MBO-RT-MF-001",
    Site = FaultSite.ResourceServer)]
internal sealed class RsManifestWithoutPeps : IResourceServerHook
{
    public void ManifestBuilt(JsonObject manifest) => manifest.Remove("pep_locations");
}

[FaultHook(
    Fault.RsManifestChangeKeepsVersion,
    "the manifest changes (a new excluded execution boundary) under the same version and issued_at",
    "MBO-RT-MF-003",
    Site = FaultSite.ResourceServer)]
internal sealed class RsManifestChangeKeepsVersion : IResourceServerHook
{
    public void ManifestChanging(ManifestChange change) => change.Versioned = false;
}

[FaultHook(
    Fault.RsUnauthenticatedPdpCalls,
    "the PEP calls the PDP without any credential: no DPoP-bound token, no proof",
    "MBO-RT-PEP-013",
    Site = FaultSite.ResourceServer)]
internal sealed class RsUnauthenticatedPdpCalls : IResourceServerHook
{
    public void PdpAuthenticating(PdpAuthentication authentication) => authentication.Sends = false;
}
