using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Configuration;

/// <summary>
/// A protected resource the Authorization Server can derive mission_resource_access entries for; its
/// entries carry <paramref name="Delegation"/> (oauth-profile.md §4.2) when the policy lets them be delegated.
/// </summary>
public sealed record CatalogueResource(string Resource, string Name, IReadOnlyList<string> Actions, JsonObject Constraints, JsonObject? Delegation = null);

/// <summary>
/// The derivation policy: which objects of an Intent map to which resources, actions and constraints.
/// The default is the board-packet example of the seeds (finance, docs, workflow MCP servers).
/// </summary>
public sealed record ResourceCatalogue(string PolicyVersion, IReadOnlyList<CatalogueResource> Resources)
{
    public const string FinanceResource = "https://finance.board-packet.example/mcp";
    public const string DocsResource = "https://docs.board-packet.example/mcp";
    public const string WorkflowResource = "https://workflow.board-packet.example/mcp";

    public static ResourceCatalogue BoardPacket { get; } = new(
        "board-packet-policy-2026-11",
        [
            new(FinanceResource, "Finance MCP server", ["query_financials"],
                new JsonObject { ["fiscal_period"] = "2026-Q3", ["max_rows"] = 500 }),
            // Finance is not delegable; documents go to any delegate the AS knows as an AI agent, one hop;
            // workflow only to the named delegate client, one hop (oauth-profile.md §10).
            new(DocsResource, "Documents MCP server", ["create_doc"],
                new JsonObject { ["folder"] = "board-packets/2026-Q3" },
                new JsonObject { ["max_depth"] = 1, ["allowed_delegates"] = new JsonArray(new JsonObject { ["sub_profile"] = TestPrincipals.AgentProfile }) }),
            new(WorkflowResource, "Workflow MCP server", ["notify_reviewer"],
                new JsonObject { ["recipient_domain"] = "board.example" },
                new JsonObject { ["max_depth"] = 1, ["allowed_delegates"] = new JsonArray(new JsonObject { ["sub"] = TestPrincipals.DelegateClient }) }),
        ]);

    public CatalogueResource? Find(string resource)
        => Resources.FirstOrDefault(r => string.Equals(r.Resource, resource, StringComparison.Ordinal));
}
