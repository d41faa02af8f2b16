using System.Text.Json.Nodes;
using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>runtime.md §2: the action class of a tool decides whether the PDP is asked and whether parameters are bound.</summary>
public enum ActionClass { NonConsequential, ConsequentialRead, ConsequentialWrite, ExternalCommitment }

public static class ActionClassNames
{
    /// <summary>The runtime.md §2 name of the class.</summary>
    public static string Name(this ActionClass actionClass) => actionClass switch
    {
        ActionClass.NonConsequential => "non_consequential",
        ActionClass.ConsequentialRead => "consequential_read",
        ActionClass.ConsequentialWrite => "consequential_write",
        _ => "external_commitment",
    };
}

/// <summary>An MCP tool a reference Resource Server offers (runtime.md §11: the tool name is the action).</summary>
public sealed record McpTool(string Name, string Description, ActionClass Class, JsonObject InputSchema)
{
    public bool Consequential => Class != ActionClass.NonConsequential;

    /// <summary>runtime.md §2: writes and external commitments bind their parameters to the decision (parameters and parameter_digest).</summary>
    public bool NeedsParameterBinding => Class is ActionClass.ConsequentialWrite or ActionClass.ExternalCommitment;

    public JsonObject Describe() => new() { ["name"] = Name, ["description"] = Description, ["inputSchema"] = InputSchema.DeepClone() };
}

/// <summary>
/// The board-packet Resource Servers of seed 000: each offers the tool a Mission is approved for and a
/// second one no Mission of the example covers, so out-of-authority calls have something to call.
/// </summary>
/// <summary>A tool call with its arguments, as the suite probes a server.</summary>
public sealed record ToolCall(string Tool, JsonObject Arguments);

/// <summary>The calls that show a server's enforcement: one its Mission allows, one outside the actions, one outside the constraints.</summary>
public sealed record ProbeCalls(ToolCall Allowed, ToolCall ForbiddenAction, ToolCall ConstraintViolation);

public sealed record ResourceServerProfile(string Name, string Title, IReadOnlyList<McpTool> Tools, IReadOnlyList<string> ConstraintKeys, ProbeCalls Probes)
{
    public static ResourceServerProfile Finance { get; } = new("finance", "Finance MCP server",
    [
        new("query_financials", "Reads figures for a fiscal period", ActionClass.ConsequentialRead,
            Schema(("fiscal_period", "string"), ("max_rows", "integer"))),
        new("export_ledger", "Exports the whole general ledger", ActionClass.ConsequentialRead, Schema(("format", "string"))),
    ], ["fiscal_period", "max_rows"], new(
        new("query_financials", new JsonObject { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 100 }),
        new("export_ledger", new JsonObject { ["format"] = "csv" }),
        new("query_financials", new JsonObject { ["fiscal_period"] = "2025-Q4", ["max_rows"] = 100 })));

    public static ResourceServerProfile Docs { get; } = new("docs", "Documents MCP server",
    [
        new("create_doc", "Creates a document in a folder", ActionClass.ConsequentialWrite, Schema(("folder", "string"), ("title", "string"))),
        new("delete_doc", "Deletes a document", ActionClass.ConsequentialWrite, Schema(("folder", "string"), ("title", "string"))),
    ], ["folder"], new(
        new("create_doc", new JsonObject { ["folder"] = "board-packets/2026-Q3", ["title"] = "Q3 board packet" }),
        new("delete_doc", new JsonObject { ["folder"] = "board-packets/2026-Q3", ["title"] = "Q3 board packet" }),
        new("create_doc", new JsonObject { ["folder"] = "hr/salaries", ["title"] = "Q3 board packet" })));

    public static ResourceServerProfile Workflow { get; } = new("workflow", "Workflow MCP server",
    [
        new("notify_reviewer", "Asks a reviewer to review a document", ActionClass.ExternalCommitment, Schema(("recipient", "string"), ("document", "string"))),
        new("escalate_to_board", "Sends a document to the whole board", ActionClass.ExternalCommitment, Schema(("document", "string"))),
    ], ["recipient_domain"], new(
        new("notify_reviewer", new JsonObject { ["recipient"] = "cfo@board.example", ["document"] = "Q3 board packet" }),
        new("escalate_to_board", new JsonObject { ["document"] = "Q3 board packet" }),
        new("notify_reviewer", new JsonObject { ["recipient"] = "cfo@rival.example", ["document"] = "Q3 board packet" })));

    public static IReadOnlyList<ResourceServerProfile> All { get; } = [Finance, Docs, Workflow];

    public static ResourceServerProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    public McpTool? Tool(string name) => Tools.FirstOrDefault(t => t.Name == name);

    /// <summary>The entry of the reference AS's catalogue this server's Missions carry (ResourceCatalogue.BoardPacket).</summary>
    public CatalogueResource CatalogueEntry => ResourceCatalogue.BoardPacket.Resources.Single(r => r.Name == Title);

    private static JsonObject Schema(params (string Name, string Type)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, type) in properties) props[name] = new JsonObject { ["type"] = type };
        return new JsonObject { ["type"] = "object", ["properties"] = props };
    }
}

/// <summary>
/// RS-C (MBO-RS-C-002): how each constraint key this server understands limits a tool's arguments.
/// A key not among a server profile's ConstraintKeys is one it cannot enforce, and it fails closed on it (MBO-RS-C-003).
/// </summary>
public static class ConstraintRules
{
    /// <summary>Null when the arguments respect the constraint, else why not.</summary>
    public static string? Violation(string key, JsonNode? limit, JsonObject arguments) => key switch
    {
        "fiscal_period" => (string?)arguments["fiscal_period"] == (string?)limit ? null : $"fiscal_period must be {limit}",
        "max_rows" => arguments["max_rows"] is JsonValue rows && rows.TryGetValue<long>(out var n) && limit is JsonValue max && max.TryGetValue<long>(out var m) && n <= m
            ? null : $"max_rows must be a number no larger than {limit}",
        "folder" => arguments["folder"] is JsonValue f && f.TryGetValue<string>(out var folder) && limit is JsonValue l && l.TryGetValue<string>(out var root)
            && (folder == root || folder.StartsWith(root + "/", StringComparison.Ordinal)) ? null : $"folder must be {limit} or below it",
        "recipient_domain" => arguments["recipient"] is JsonValue r && r.TryGetValue<string>(out var recipient) && limit is JsonValue d && d.TryGetValue<string>(out var domain)
            && recipient.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase) ? null : $"recipient must be an address at {limit}",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a constraint this server understands"),
    };
}
