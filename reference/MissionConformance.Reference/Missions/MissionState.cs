namespace MissionConformance.Reference.Missions;

/// <summary>The seven seed-era states of lifecycle.md, with their wire names.</summary>
public static class MissionState
{
    public const string PendingApproval = "pending_approval";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public const string Completed = "completed";
    public const string Expired = "expired";
    public const string Rejected = "rejected";

    public static readonly IReadOnlySet<string> Terminal = new HashSet<string>(StringComparer.Ordinal)
    {
        Revoked, Completed, Expired, Rejected,
    };

    public static bool IsTerminal(string state) => Terminal.Contains(state);
}

/// <summary>Operations of the lifecycle endpoint (oauth-profile.md §12) and the transition each asks for.</summary>
public static class LifecycleOperation
{
    public const string Revoke = "revoke";
    public const string Suspend = "suspend";
    public const string Resume = "resume";
    public const string Complete = "complete";

    public static readonly IReadOnlyList<string> All = [Revoke, Suspend, Resume, Complete];

    /// <summary>The state the operation leads to.</summary>
    public static string TargetState(string operation) => operation switch
    {
        Revoke => MissionState.Revoked,
        Suspend => MissionState.Suspended,
        Resume => MissionState.Active,
        Complete => MissionState.Completed,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown lifecycle operation"),
    };

    /// <summary>The states from which the operation is a legal transition (lifecycle.md "Transitions").</summary>
    public static IReadOnlySet<string> LegalSources(string operation) => operation switch
    {
        Revoke => new HashSet<string> { MissionState.Active, MissionState.Suspended },
        Suspend => new HashSet<string> { MissionState.Active },
        Resume => new HashSet<string> { MissionState.Suspended },
        Complete => new HashSet<string> { MissionState.Active },
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown lifecycle operation"),
    };
}
