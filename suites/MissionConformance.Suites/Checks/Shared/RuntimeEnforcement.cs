using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Suites.Checks;

// ---- RS-D: parameter binding (runtime.md §4) ----------------------------------------------------

/// <summary>The evaluation of a call, the call, the server's declared digest inputs, and the Mission's origin (the envelope's state_authority).</summary>
public sealed record ParameterBindingEvidence(Evaluation Evaluation, ToolProbe Call, ParameterBinding? Binding, string Origin);

// ---- RS-D: Execution Evidence (runtime.md §7, read from the export of open point 2) ------------

/// <summary>
/// What the evidence export held for a Mission after one permitted call: the raw document, its records,
/// the permits the simulated PDP gave for the Mission, and the call's arguments.
/// </summary>
public sealed record ExecutionEvidenceExport(string Export, CapturedArtifact Artifact, IReadOnlyList<JsonObject> Records, IReadOnlyList<Evaluation> Permits, ToolProbe Call)
{
    /// <summary>What validating the export as it was captured found (evidence-export.schema.json).</summary>
    public IReadOnlyList<SchemaError> SchemaErrors => Artifact.Errors;

    /// <summary>Each permit with the record that names its decision_id, if any.</summary>
    public IEnumerable<(Evaluation Permit, JsonObject? Record)> Linked
        => Permits.Select(p => (p, Records.FirstOrDefault(r => Text(r, "decision_id") == p.DecisionId)));

    public static string? Text(JsonObject record, string name) => record[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// The export after a max_invocations slot lost its outcome: the slot timeout and where it came from, how long the suite waited
/// after the call, and the records linked to the call's permit.
/// </summary>
public sealed record SlotTimeoutEvidence(int TimeoutSeconds, string TimeoutSource, TimeSpan Waited, ExecutionEvidenceExport Export);

// ---- RS-D: requestable denial and MCP tasks (runtime.md §5, §11) ------------------------------

/// <summary>How a call met by a requestable denial went: the first answer, the Access Requests, and the task's end after approval.</summary>
public sealed record DeferredCall(
    string Label,
    McpResponse First,
    IReadOnlyList<AccessRequest> AccessRequests,
    McpResponse? Final,
    DateTimeOffset ApprovedAt,
    DateTimeOffset? CompletedSeenAt,
    IReadOnlyList<Evaluation> Evaluations,
    int StatusRequestsAfterApproval)
{
    public bool Completed => Final?.TaskStatus == "completed";

    /// <summary>Evaluations the PDP received after the approval and no later than the poll that showed the task completed.</summary>
    public IReadOnlyList<Evaluation> FreshEvaluations => [.. Evaluations.Where(e => e.At > ApprovedAt && (CompletedSeenAt is null || e.At <= CompletedSeenAt))];
}

/// <summary>The approved call, and the call whose Mission was revoked while it waited; <paramref name="Waited"/> is how long both waited past the decision.</summary>
public sealed record RequestableDenialEvidence(DeferredCall Approved, DeferredCall Revoked, TimeSpan Waited, int MaxStaleSeconds);

// ---- RS-D: the enforcement-scope manifest (runtime.md §10) ---------------------------------------

/// <summary>
/// The manifest as fetched (null when none was named or advertised), whether the server claims RS-D, and
/// the call the suite tested at it.
/// </summary>
public sealed record ManifestEvidence(string? Url, WireResponse? Response, bool ClaimsRsD, ToolProbe Tested, string Resource)
{
    /// <summary>What validating a JSON 200 as it was captured found (enforcement-manifest.schema.json); none for any other answer.</summary>
    public IReadOnlyList<SchemaError> SchemaErrors => Response is { IsJson: true } r && (int)r.Status == 200
        ? r.Artifact is { Kind: ArtifactKind.EnforcementManifest } captured ? captured.Errors
            : throw new InvalidOperationException("harness error: the manifest was not validated where it was captured")
        : [];

    public bool Valid => Response is { IsJson: true } r && (int)r.Status == 200 && SchemaErrors.Count == 0;
}

/// <summary>The manifest read before and after the change the target file declares, and how the change request was answered.</summary>
public sealed record ManifestChangeEvidence(string Url, WireResponse Before, int ChangeStatus, WireResponse After)
{
    public JsonObject? BeforeJson => Json(Before);

    public JsonObject? AfterJson => Json(After);

    private static JsonObject? Json(WireResponse response) => response.ObjectBody() is { } body ? JsonNode.Parse(body.GetRawText()) as JsonObject : null;
}

// ---- Delegation: the act chain in the evaluation's context.actor (runtime.md §4) ----------------

/// <summary>The evaluation of a call made with a delegated token (null when none reached the PDP) and the token's act claim.</summary>
public sealed record DelegationEvidence(Evaluation? Evaluation, JsonObject Act)
{
    public JsonObject? Actor => Evaluation?.Body?["context"]?["actor"] as JsonObject;

    /// <summary>context.act, the seed 003 form: the acting party as a string, or its act chain.</summary>
    public JsonNode? ContextAct => Evaluation?.Body?["context"]?["act"];

    /// <summary>The sub of each actor of a chain, head first.</summary>
    public static IReadOnlyList<string> Chain(JsonObject? act)
    {
        var subs = new List<string>();
        for (var node = act; node is not null; node = node["act"] as JsonObject)
        {
            if (node["sub"] is JsonValue v && v.TryGetValue<string>(out var sub)) subs.Add(sub);
        }
        return subs;
    }

    /// <summary>Every act object under context.actor, at any depth.</summary>
    public IEnumerable<JsonObject> ActObjects()
    {
        var pending = new Stack<JsonNode?>([Actor]);
        while (pending.Count > 0)
        {
            if (pending.Pop() is not JsonObject node) continue;
            foreach (var (name, value) in node)
            {
                if (name == "act" && value is JsonObject act) yield return act;
                pending.Push(value);
            }
        }
    }
}
