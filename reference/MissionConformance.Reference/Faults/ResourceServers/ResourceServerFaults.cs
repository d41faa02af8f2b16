using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Faults.ResourceServers;

[FaultHook(Fault.RsAcceptsWrongTyp)]
internal sealed class RsAcceptsWrongTyp : IResourceServerHook
{
    public void TokenValidating(TokenValidationParameters parameters) => parameters.ValidTypes = null;
}

[FaultHook(Fault.RsIgnoresDpopBinding)]
internal sealed class RsIgnoresDpopBinding : IResourceServerHook
{
    public void ProofChecked(ProofCheck check) => check.Failure = null;
}

/// <summary>An introspecting server takes introspection's word for a DPoP-bound token and checks no proof (MBO-RS-C-007).</summary>
[FaultHook(Fault.RsTrustsIntrospectionForDpop)]
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
[FaultHook(Fault.RsExecutesOnApprovalUnchecked)]
internal sealed class RsExecutesOnApprovalUnchecked : UncheckedPoll, IResourceServerHook
{
    public void ApprovalSettling(ApprovalSettlement settlement) => settlement.Reevaluates = false;
}

/// <summary>The fresh decision after an approval is made with the Mission state of the original call.</summary>
[FaultHook(Fault.RsReevaluatesWithStaleState)]
internal sealed class RsReevaluatesWithStaleState : UncheckedPoll;

[FaultHook(Fault.RsAcceptsMissingMission)]
internal sealed class RsAcceptsMissingMission : IResourceServerHook
{
    public void MissionRefused(MissionRefusal refusal)
    {
        if (refusal.Reason == MissionRefusalReason.NoMissionClaim) refusal.Refused = false;
    }
}

[FaultHook(Fault.RsIgnoresRevokedMission)]
internal sealed class RsIgnoresRevokedMission : IResourceServerHook
{
    public void MissionRefused(MissionRefusal refusal)
    {
        if (refusal.Reason == MissionRefusalReason.Inactive) refusal.Refused = false;
    }
}

/// <summary>The server trusts the token alone: it never asks Mission Status, and takes no lifecycle events either.</summary>
[FaultHook(Fault.RsNeverAsksMissionStatus)]
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

[FaultHook(Fault.RsListsEveryTool)]
internal sealed class RsListsEveryTool : IResourceServerHook
{
    public void ToolsListed(ToolListing listing) => listing.Listed = listing.All;
}

[FaultHook(Fault.RsHonoursForeignEntries)]
internal sealed class RsHonoursForeignEntries : IResourceServerHook
{
    public void EntryHonoured(EntryScope scope) => scope.Honoured = true;
}

/// <summary>Any honoured entry allows any tool, whatever its actions say.</summary>
[FaultHook(Fault.RsIgnoresActions)]
internal sealed class RsIgnoresActions : IResourceServerHook
{
    public void ActionChecked(ActionCheck check)
    {
        if (check.Entries.Count > 0) check.Refused = false;
    }
}

/// <summary>A scope value naming the tool allows it, beside authorization_details.</summary>
[FaultHook(Fault.RsScopeWidensDetails)]
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
[FaultHook(Fault.RsTrustsUnknownMissionMembers)]
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

[FaultHook(Fault.RsAcceptsUnknownConstraint)]
internal sealed class RsAcceptsUnknownConstraint : IResourceServerHook
{
    public void ConstraintChecked(ConstraintCheck check)
    {
        if (!check.Enforceable) check.Violation = null;
    }
}

[FaultHook(Fault.RsIgnoresConstraint)]
internal sealed class RsIgnoresConstraint : IResourceServerHook
{
    public void ConstraintChecked(ConstraintCheck check)
    {
        if (check.Enforceable) check.Violation = null;
    }
}

[FaultHook(Fault.RsSkipsPdp)]
internal sealed class RsSkipsPdp : IResourceServerHook
{
    public void PdpConsulting(PdpConsultation consultation) => consultation.Consults = false;
}

[FaultHook(Fault.RsFailsOpenWhenPdpDown)]
internal sealed class RsFailsOpenWhenPdpDown : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome)
    {
        if (outcome.Decision is null) outcome.Proceeds = true;
    }
}

[FaultHook(Fault.RsActsOnDeny)]
internal sealed class RsActsOnDeny : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome)
    {
        if (outcome.Decision == false) outcome.Proceeds = true;
    }
}

[FaultHook(Fault.RsNoTaskOnRequestableDenial)]
internal sealed class RsNoTaskOnRequestableDenial : IResourceServerHook
{
    public void PdpDecided(PdpOutcome outcome) => outcome.OffersTask = false;
}

/// <summary>The evaluation's Mission context carries the id only (MBO-RT-PEP-004).</summary>
[FaultHook(Fault.RsOmitsMissionContext)]
internal sealed class RsOmitsMissionContext : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation)
    {
        var mission = evaluation.Context["mission"]!.AsObject();
        foreach (var member in new[] { "origin", "authority_hash", "policy_version", "policy_view_id", "policy_view_version" }) mission.Remove(member);
    }
}

[FaultHook(Fault.RsOmitsToolId)]
internal sealed class RsOmitsToolId : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => evaluation.Context.Remove("tool_id");
}

/// <summary>parameter_digest is the bare JCS digest of the arguments, outside the mission-action-parameters envelope (MBO-RT-PEP-006).</summary>
[FaultHook(Fault.RsWrongParameterDigest)]
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

[FaultHook(Fault.RsOmitsFreshness)]
internal sealed class RsOmitsFreshness : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => evaluation.Context.Remove("freshness");
}

/// <summary>The actor is the client alone, even on a delegated token (MBO-RS-C-006).</summary>
[FaultHook(Fault.RsActorFromClientId)]
internal sealed class RsActorFromClientId : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation) => (evaluation.Context["actor"] as JsonObject)?.Remove("act");
}

/// <summary>The tool is written into the act chain, which is for parties, not provenance (MBO-RT-PEP-007).</summary>
[FaultHook(Fault.RsProvenanceInAct)]
internal sealed class RsProvenanceInAct : IResourceServerHook
{
    public void EvaluationBuilt(EvaluationRequest evaluation)
    {
        if (evaluation.Context["actor"]?["act"] is JsonObject act) act["tool"] = evaluation.Tool.Name;
    }
}

/// <summary>No RFC 9728 metadata: not served, and not named in challenges.</summary>
[FaultHook(Fault.RsNoResourceMetadata)]
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

[FaultHook(Fault.RsOmitsExecutionEvidence)]
internal sealed class RsOmitsExecutionEvidence : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record) => record.Kept = false;
}

[FaultHook(Fault.RsEvidenceInventsOutcome)]
internal sealed class RsEvidenceInventsOutcome : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record) => record.Record["outcome"] = "succeeded";
}

/// <summary>The record's result summary carries the caller's arguments (MBO-RT-EV-002: metadata only).</summary>
[FaultHook(Fault.RsEvidenceCarriesContent)]
internal sealed class RsEvidenceCarriesContent : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record)
        => record.Record["result_summary"] = new JsonObject { ["tool"] = record.Tool.Name, ["arguments"] = record.Arguments.DeepClone() };
}

/// <summary>The record's parameter_digest is over the arguments with a default filled in, not over what was decided.</summary>
[FaultHook(Fault.RsEvidenceDigestMismatch)]
internal sealed class RsEvidenceDigestMismatch : IResourceServerHook
{
    public void EvidenceRecording(EvidenceRecord record)
    {
        var withDefaults = (JsonObject)record.Arguments.DeepClone();
        withDefaults["dry_run"] = false;
        record.Record["parameter_digest"] = IntegrityAnchor.ParameterDigest(record.Options.ParameterSchemaVersion, record.Options.AuthorizationDomain, "", withDefaults);
    }
}

[FaultHook(Fault.RsTreatsUnknownStateAsActive)]
internal sealed class RsTreatsUnknownStateAsActive : IResourceServerHook
{
    public void EventReceived(ReceivedState state)
    {
        if (!state.Known) state.State = "active";
    }
}

/// <summary>The Mission Status request's nonce is 8 random bytes (11 characters), short of the ABNF's 16 and of 96 bits.</summary>
[FaultHook(Fault.RsShortStatusNonce)]
internal sealed class RsShortStatusNonce : IResourceServerHook
{
    public void StatusAsking(StatusQuery query) => query.NonceBytes = 8;
}

/// <summary>An answer is reused for mission_max_stale_seconds after it was read, whatever its expires_at (MBO-MS-015).</summary>
[FaultHook(Fault.RsReusesExpiredStatus)]
internal sealed class RsReusesExpiredStatus : IResourceServerHook
{
    public void StatusCached(StatusCacheEntry entry)
    {
        if (!entry.EventDriven) entry.Until = entry.Now.AddSeconds(entry.MaxStaleSeconds);
    }
}

/// <summary>The manifest's PEP does not cover the first consequential tool (MBO-RT-MF-002).</summary>
[FaultHook(Fault.RsManifestMissesAction)]
internal sealed class RsManifestMissesAction : IResourceServerHook
{
    public void ManifestBuilt(JsonObject manifest)
    {
        if (manifest["pep_locations"]?[0]?["covers"] is JsonArray covers && covers.Count > 0) covers.RemoveAt(0);
    }
}

[FaultHook(Fault.RsManifestWithoutPeps)]
internal sealed class RsManifestWithoutPeps : IResourceServerHook
{
    public void ManifestBuilt(JsonObject manifest) => manifest.Remove("pep_locations");
}
