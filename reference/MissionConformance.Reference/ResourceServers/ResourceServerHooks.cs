using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// The points of a reference Resource Server (its MCP endpoint, Mission state source, evidence log, event receiver and
/// manifest) where a registered hook may change what it is about to do. The correct server registers none; each fault of
/// the Resource Servers is one (Faults/ResourceServers/).
/// </summary>
public interface IResourceServerHook
{
    /// <summary>Middleware ahead of the server's routes.</summary>
    void Use(IApplicationBuilder app) { }

    /// <summary>How an access token is validated (RS-A, MBO-RS-A-001).</summary>
    void TokenValidating(Microsoft.IdentityModel.Tokens.TokenValidationParameters parameters) { }

    /// <summary>The DPoP proof check of a bound token (MBO-RS-C-007): <see cref="ProofCheck.Failure"/> is its answer.</summary>
    void ProofChecked(ProofCheck check) { }

    /// <summary>Whether and how a request's Mission state is checked (RS-B).</summary>
    void StateChecking(StateCheck check) { }

    /// <summary>A request refused for its Mission (missing claim, or not active): whether it stays refused.</summary>
    void MissionRefused(MissionRefusal refusal) { }

    /// <summary>The tools tools/list shows (MBO-MCP-001).</summary>
    void ToolsListed(ToolListing listing) { }

    /// <summary>Whether an authorization_details entry is one this server honours (MBO-RS-C-005).</summary>
    void EntryHonoured(EntryScope scope) { }

    /// <summary>Whether a call is an action of an honoured entry: <see cref="ActionCheck.Refused"/> is the answer.</summary>
    void ActionChecked(ActionCheck check) { }

    /// <summary>One constraint of a covering entry against the call: <see cref="ConstraintCheck.Violation"/> is the answer.</summary>
    void ConstraintChecked(ConstraintCheck check) { }

    /// <summary>Whether the PDP is asked about a consequential call (RS-D).</summary>
    void PdpConsulting(PdpConsultation consultation) { }

    /// <summary>What the PDP's decision lets the server do.</summary>
    void PdpDecided(PdpOutcome outcome) { }

    /// <summary>How an approved Access Request is settled (runtime.md §5).</summary>
    void ApprovalSettling(ApprovalSettlement settlement) { }

    /// <summary>The AuthZEN evaluation request, before it is sent (runtime.md §4).</summary>
    void EvaluationBuilt(EvaluationRequest evaluation) { }

    /// <summary>A 401 challenge's resource_metadata (RFC 9728 §5.1).</summary>
    void Challenging(Challenge challenge) { }

    /// <summary>An Execution Evidence record, before it is signed and kept (runtime.md §7).</summary>
    void EvidenceRecording(EvidenceRecord record) { }

    /// <summary>A max_invocations slot finalised at its timeout, without an outcome (MBO-RT-EV-003).</summary>
    void SlotExpired(SlotExpiry expiry) { }

    /// <summary>A lifecycle event's state, before the server applies it (MBO-MAS-005).</summary>
    void EventReceived(ReceivedState state) { }

    /// <summary>A Mission Status request the server is about to send.</summary>
    void StatusAsking(StatusQuery query) { }

    /// <summary>How long a Mission Status answer is reused (MBO-MS-015).</summary>
    void StatusCached(StatusCacheEntry entry) { }

    /// <summary>The enforcement-scope manifest, before it is served (runtime.md §10).</summary>
    void ManifestBuilt(JsonObject manifest) { }

    /// <summary>A change of the manifest a caller asked for: whether it gets a new version and issued_at (MBO-RT-MF-003).</summary>
    void ManifestChanging(ManifestChange change) { }

    /// <summary>Whether a call to the PDP is authenticated (MBO-RT-PEP-013).</summary>
    void PdpAuthenticating(PdpAuthentication authentication) { }
}

/// <summary>A call to the PDP about to be sent; <see cref="Sends"/> false sends it without the server's credential.</summary>
public sealed class PdpAuthentication
{
    public bool Sends { get; set; } = true;
}

/// <summary>A change of the enforcement-scope manifest; <see cref="Versioned"/> false keeps its version and issued_at.</summary>
public sealed class ManifestChange
{
    public bool Versioned { get; set; } = true;
}

public sealed class ProofCheck(bool introspected, DpopProofException? failure)
{
    /// <summary>Whether the server learnt of the token by introspection.</summary>
    public bool Introspected { get; } = introspected;

    public DpopProofException? Failure { get; set; } = failure;
}

public sealed class StateCheck(string method)
{
    public string Method { get; } = method;

    /// <summary>Whether this request's Mission state is checked at all.</summary>
    public bool Checks { get; set; } = true;

    /// <summary>
    /// Whether the server asks the state authority (or its events) rather than trusting the token alone. Not for opening an MCP session
    /// (initialize, notifications): they act on nothing, and each call in the session is checked on its own.
    /// </summary>
    public bool AsksState { get; set; } = method != "initialize" && !method.StartsWith("notifications/", StringComparison.Ordinal);
}

/// <summary>Why a request is refused for its Mission.</summary>
public enum MissionRefusalReason { NoMissionClaim, Inactive }

public sealed class MissionRefusal(MissionRefusalReason reason)
{
    public MissionRefusalReason Reason { get; } = reason;

    public bool Refused { get; set; } = true;
}

public sealed class ToolListing(IReadOnlyList<McpTool> all, IReadOnlyList<McpTool> listed)
{
    public IReadOnlyList<McpTool> All { get; } = all;

    public IReadOnlyList<McpTool> Listed { get; set; } = listed;
}

public sealed class EntryScope(JsonElement entry, bool honoured)
{
    public JsonElement Entry { get; } = entry;

    public bool Honoured { get; set; } = honoured;
}

public sealed class ActionCheck(JsonElement claims, JsonElement mission, McpTool tool, IReadOnlyList<JsonElement> entries, bool refused)
{
    public JsonElement Claims { get; } = claims;

    public JsonElement Mission { get; } = mission;

    public McpTool Tool { get; } = tool;

    /// <summary>The entries this server honours.</summary>
    public IReadOnlyList<JsonElement> Entries { get; } = entries;

    public bool Refused { get; set; } = refused;
}

public sealed class ConstraintCheck(string name, bool enforceable, string? violation)
{
    public string Name { get; } = name;

    /// <summary>Whether this server can enforce the constraint (MBO-RS-C-003: one it cannot fails closed).</summary>
    public bool Enforceable { get; } = enforceable;

    public string? Violation { get; set; } = violation;
}

public sealed class PdpConsultation
{
    public bool Consults { get; set; } = true;

    /// <summary>Whether the call is carried out before the PDP is asked (a fault; the correct order is to ask, then act on a permit).</summary>
    public bool ActsFirst { get; set; }
}

public sealed class PdpOutcome(bool? decision, bool offersTask)
{
    /// <summary>The PDP's decision; null when there was none (unreachable, late, or malformed).</summary>
    public bool? Decision { get; } = decision;

    /// <summary>Whether the call is carried out: only on a permit.</summary>
    public bool Proceeds { get; set; } = decision == true;

    /// <summary>Whether a requestable denial becomes an Access Request and a task (MBO-MCP-003).</summary>
    public bool OffersTask { get; set; } = offersTask;
}

public sealed class ApprovalSettlement
{
    /// <summary>Whether an approved call is evaluated again before it is carried out (MBO-RT-PEP-011).</summary>
    public bool Reevaluates { get; set; } = true;
}

public sealed class EvaluationRequest(JsonObject request, McpTool tool)
{
    public JsonObject Request { get; } = request;

    public McpTool Tool { get; } = tool;

    public JsonObject Context => Request["context"]!.AsObject();
}

public sealed class Challenge(string? resourceMetadata)
{
    public string? ResourceMetadata { get; set; } = resourceMetadata;
}

public sealed class EvidenceRecord(JsonObject record, McpTool tool, JsonObject arguments, ResourceServerOptions options)
{
    public JsonObject Record { get; } = record;

    public McpTool Tool { get; } = tool;

    public JsonObject Arguments { get; } = arguments;

    public ResourceServerOptions Options { get; } = options;

    public bool Kept { get; set; } = true;
}

public sealed class SlotExpiry(InvocationSlot slot)
{
    public InvocationSlot Slot { get; } = slot;

    /// <summary>Whether the slot's synthetic failed Execution Evidence (error evidence_missing) is recorded.</summary>
    public bool Synthesises { get; set; } = true;
}

public sealed class ReceivedState(string state, bool known)
{
    public bool Known { get; } = known;

    public string State { get; set; } = state;
}

public sealed class StatusQuery
{
    /// <summary>Random bytes in the request's nonce: 18, 24 characters, within the ABNF's 16 to 128.</summary>
    public int NonceBytes { get; set; } = 18;
}

public sealed class StatusCacheEntry(DateTimeOffset now, DateTimeOffset until, int maxStaleSeconds, bool eventDriven)
{
    public DateTimeOffset Now { get; } = now;

    public int MaxStaleSeconds { get; } = maxStaleSeconds;

    public bool EventDriven { get; } = eventDriven;

    public DateTimeOffset Until { get; set; } = until;
}
