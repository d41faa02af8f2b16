using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Configuration;

/// <summary>
/// A protected resource the Authorization Server can derive mission_resource_access entries for; its
/// entries carry <paramref name="Delegation"/> (oauth-profile.md §4.2) when the policy lets them be delegated.
/// </summary>
public sealed record CatalogueResource(string Resource, string Name, IReadOnlyList<string> Actions, JsonObject Constraints, JsonObject? Delegation = null);

/// <summary>
/// The Resource Authorization Server of another trust domain (oauth-profile.md §14) for
/// <paramref name="Resources"/>: this AS projects a Mission there by ID-JAG, audienced to <paramref name="Issuer"/>.
/// A <paramref name="ProjectionIssuer"/> is an issuer this AS authorises under the MAS topology (mas.md contract 2):
/// it consults this AS's Mission Status before every issuance, by the canonical id its ID-JAGs carry, so it is
/// no pairwise sector.
/// </summary>
public sealed record ResourceAuthority(Uri Issuer, IReadOnlyList<string> Resources, bool ProjectionIssuer = false);

/// <summary>
/// The derivation policy: which objects of an Intent map to which resources, actions and constraints,
/// and which other domains' Resource ASes are authoritative for some of them. The default is the
/// board-packet example of the seeds (finance, docs, workflow MCP servers); the workflow and the
/// documents providers also run their own Resource ASes, so a board-packet Mission spans three domains.
/// </summary>
public sealed record ResourceCatalogue(string PolicyVersion, IReadOnlyList<CatalogueResource> Resources, IReadOnlyList<ResourceAuthority>? PartnerDomains = null)
{
    /// <summary>The workflow provider's Resource AS (an identifier: the embedded stack has no server there).</summary>
    public const string WorkflowAuthorizationServer = "https://as.workflow.board-packet.example/";

    /// <summary>The documents provider's Resource AS, a third trust domain, so pairwise references have two sectors to differ across.</summary>
    public const string DocsAuthorizationServer = "https://as.docs.board-packet.example/";

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
        ],
        [new ResourceAuthority(new Uri(WorkflowAuthorizationServer), [WorkflowResource]), new ResourceAuthority(new Uri(DocsAuthorizationServer), [DocsResource])]);

    /// <summary>Whether this AS is a Mission Authority Server: it authorises projection issuers (mas.md).</summary>
    public bool IsMissionAuthority => (PartnerDomains ?? []).Any(d => d.ProjectionIssuer);

    /// <summary>This policy with <paramref name="issuers"/> added as authorised projection issuers.</summary>
    public ResourceCatalogue WithProjectionIssuers(IEnumerable<ResourceAuthority> issuers)
        => this with { PartnerDomains = [.. PartnerDomains ?? [], .. issuers.Select(i => i with { ProjectionIssuer = true })] };

    /// <summary>The other domain's Resource AS whose issuer is <paramref name="issuer"/>, if this policy knows it.</summary>
    public ResourceAuthority? FindAuthority(string issuer)
        => (PartnerDomains ?? []).FirstOrDefault(d => string.Equals(d.Issuer.AbsoluteUri, issuer, StringComparison.Ordinal));

    public CatalogueResource? Find(string resource)
        => Resources.FirstOrDefault(r => string.Equals(r.Resource, resource, StringComparison.Ordinal));
}
