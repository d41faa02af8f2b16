namespace MissionConformance.Reference.Configuration;

/// <summary>
/// A test account of the reference AS. Passwords and second factors are test fixtures, never logged.
/// <paramref name="ApprovesFor"/> lists the subjects this account may approve Missions for besides itself
/// (oauth-profile.md §5 step 2: "if approver ≠ subject, authorise the approver for that subject").
/// </summary>
public sealed record TestAccount(string Username, string Password, string Subject, string DisplayName, string SecondFactor, IReadOnlyList<string>? ApprovesFor = null)
{
    public IReadOnlyList<string> Represents => ApprovesFor ?? [];

    /// <summary>Whether this account may approve for <paramref name="subject"/>: itself, or a subject it represents.</summary>
    public bool MayApproveFor(string subject) => subject == Subject || Represents.Contains(subject, StringComparer.Ordinal);
}

/// <summary>How a registered client authenticates and what it may do.</summary>
public sealed record TestClient(
    string ClientId,
    string? ClientSecret,
    string DisplayName,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> RegisteredPurposes,
    bool IsAdmin = false,
    string? StatusAudience = null,
    string? SubProfile = null)  // the actor profile the AS asserts in a delegated token's act (oauth-profile.md §10)
{
    public bool IsPublic => ClientSecret is null;

    /// <summary>A Resource Server's Mission Status client (mission-status.md), not an OAuth client of the token endpoint.</summary>
    public bool IsStatusClient => StatusAudience is not null;
}

public static class TestPrincipals
{
    public const string RedirectUri = "http://127.0.0.1/callback";
    public const string BoardPurpose = "urn:example:purpose:board-reporting";
    public const string DelegateClient = "agent-delegate";
    public const string AgentProfile = "ai_agent";

    public static IReadOnlyList<TestAccount> Accounts { get; } =
    [
        new("alice", "alice-approves", "user-alice", "Alice Approver", "482916"),
        new("bob", "bob-second-user", "user-bob", "Bob Second-User", "731005"),
        new("carol", "carol-assists", "user-carol", "Carol Assistant", "264810", ApprovesFor: ["user-alice"]),
    ];

    public static TestAccount? FindAccount(string? subject) => Accounts.FirstOrDefault(a => a.Subject == subject);

    /// <summary>
    /// agent-confidential and agent-public request Missions; agent-other is a second confidential
    /// client used to prove foreign Missions stay invisible; mission-admin may manage any Mission.
    /// The confidential clients also hold an ES256 key (fixtures/keys) for private_key_jwt at the
    /// lifecycle and inventory endpoints, where client secrets are not accepted (MBO-AS-LC-007).
    /// The rs-* clients are the Resource Servers asking Mission Status, with keys of their own.
    /// </summary>
    public static IReadOnlyList<TestClient> Clients { get; } =
    [
        new("agent-confidential", "agent-confidential-secret", "Board Packet Agent", [RedirectUri], [BoardPurpose]),
        new("agent-public", null, "Board Packet Agent (public)", [RedirectUri], [BoardPurpose]),
        new("agent-other", "agent-other-secret", "Another Agent", [RedirectUri], [BoardPurpose]),
        // A sub-agent the board-packet agent delegates to by Token Exchange (oauth-profile.md §10): known to the AS as an AI agent.
        new(DelegateClient, "agent-delegate-secret", "Board Packet Sub-agent", [], [], SubProfile: AgentProfile),
        new("mission-admin", "mission-admin-secret", "Mission administrator", [RedirectUri], [], IsAdmin: true),
        // The board-packet Resource Servers as Mission Status callers: each may ask about its own audience only.
        new("rs-finance", null, "Finance MCP server", [], [], StatusAudience: ResourceCatalogue.FinanceResource),
        new("rs-docs", null, "Documents MCP server", [], [], StatusAudience: ResourceCatalogue.DocsResource),
        new("rs-workflow", null, "Workflow MCP server", [], [], StatusAudience: ResourceCatalogue.WorkflowResource),
        // The workflow provider's Resource AS, resolving the pairwise refs of its ID-JAGs (oauth-profile.md §15).
        new("ras-workflow", null, "Workflow provider's Resource AS", [], [], StatusAudience: ResourceCatalogue.WorkflowAuthorizationServer),
        // The projection issuers of the MAS topology (mas.md): each asks about the resource it issues credentials for.
        new(WorkflowProjectionIssuer, null, "Workflow provider's AS, a projection issuer", [], [], StatusAudience: ResourceCatalogue.WorkflowResource),
        new(DocsProjectionIssuer, null, "Documents provider's AS, a projection issuer", [], [], StatusAudience: ResourceCatalogue.DocsResource),
    ];

    /// <summary>The Mission Status clients of the reference's own projection issuers: the reference plays them, never the harness.</summary>
    public const string WorkflowProjectionIssuer = "pi-workflow";

    public const string DocsProjectionIssuer = "pi-docs";

    public static bool IsProjectionIssuer(string clientId) => clientId is WorkflowProjectionIssuer or DocsProjectionIssuer;

    public static TestClient? FindClient(string? clientId)
        => Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));
}
