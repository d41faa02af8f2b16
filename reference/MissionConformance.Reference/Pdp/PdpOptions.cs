using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Pdp;

/// <summary>How to start the reference PDP.</summary>
public sealed record PdpOptions
{
    /// <summary>
    /// The state authority whose Missions this PDP decides on (context.mission.origin must name it), whose Mission Status it reads, and
    /// whose DPoP-bound access tokens (aud: this PDP) authenticate its callers.
    /// </summary>
    public required Uri TrustedIssuer { get; init; }

    /// <summary>The client id this PDP authenticates with at Mission Status (private_key_jwt).</summary>
    public string ClientId { get; init; } = "reference-pdp";

    /// <summary>mission_max_stale_seconds: an evaluation whose context.freshness.freshness_at is older is denied stale_state (runtime.md §4).</summary>
    public int MaxStaleSeconds { get; init; } = 30;

    /// <summary>authorization_domain of the parameter_digest envelope it recomputes (runtime.md §4).</summary>
    public string AuthorizationDomain { get; init; } = ResourceServerOptions.DefaultAuthorizationDomain;

    /// <summary>schema_version of the parameter_digest envelope it recomputes.</summary>
    public string ParameterSchemaVersion { get; init; } = ResourceServerOptions.DefaultParameterSchemaVersion;

    /// <summary>The bearer credential its Decision Evidence export (GET /evidence) requires; a reference value, like the test clients' secrets.</summary>
    public string EvidenceToken { get; init; } = DefaultEvidenceToken;

    public const string DefaultEvidenceToken = "pdp-evidence-reader-secret";

    /// <summary>A loopback URL; port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:0";

    public FaultSet Faults { get; init; } = FaultSet.None;
}
