using MissionConformance.Reference.Faults;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// The tier a reference Resource Server is started at (conformance.md §1): RS-A validates the token only,
/// RS-B also refuses inactive Missions, RS-C also enforces the Authority Set entries, RS-D also asks a PDP
/// before every consequential call.
/// </summary>
public enum RsTierSetting { A = 1, B = 2, C = 3, D = 4 }

/// <summary>How to start one reference Resource Server.</summary>
public sealed record ResourceServerOptions
{
    public required ResourceServerProfile Profile { get; init; }

    public RsTierSetting Tier { get; init; } = RsTierSetting.D;

    /// <summary>The issuer whose tokens and Mission Status this server trusts (its metadata names jwks_uri and mission_status_endpoint).</summary>
    public required Uri TrustedIssuer { get; init; }

    /// <summary>The AuthZEN PDP (base URL; /access/v1/evaluation is appended). Required at RS-D.</summary>
    public Uri? Pdp { get; init; }

    /// <summary>The client id this server authenticates with at the Mission Status endpoint (private_key_jwt).</summary>
    public string? ClientId { get; init; }

    /// <summary>mission_max_stale_seconds: a Mission state is never used longer than this after it was read (MBO-RS-B-004).</summary>
    public int MaxStaleSeconds { get; init; } = 5;

    /// <summary>
    /// How long the PEP waits for the PDP before refusing (fail closed). Under the simulated PDP's 5 s hold of an Unavailable
    /// evaluation, so that one is a timeout; over what a permit takes on a loaded two-core machine (at 2 s, one was seen to time
    /// out in CI, failing MBO-RT-PEP-001 at a correct server).
    /// </summary>
    public TimeSpan PdpTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Event-driven (runtime.md §10 freshness mode event_driven): the server receives lifecycle SETs
    /// (RFC 8417, pushed per RFC 8935 to /events) and keeps a Mission's state until an event changes it,
    /// instead of asking Mission Status again after max-stale.
    /// </summary>
    public bool EventDriven { get; init; }

    /// <summary>authorization_domain of the parameter_digest envelope (runtime.md §4): the tenant this server enforces for.</summary>
    public string AuthorizationDomain { get; init; } = DefaultAuthorizationDomain;

    /// <summary>schema_version of the parameter_digest envelope: the version of the tools' argument schemas.</summary>
    public string ParameterSchemaVersion { get; init; } = DefaultParameterSchemaVersion;

    /// <summary>The bearer credential the evidence export (GET /evidence) requires; a reference value, like the test clients' secrets.</summary>
    public string EvidenceToken { get; init; } = DefaultEvidenceToken;

    public const string DefaultAuthorizationDomain = "urn:mission-conformance:domain:board-packet";

    public const string DefaultParameterSchemaVersion = "urn:mission-conformance:schema:mcp-tool-arguments:1";

    public const string DefaultEvidenceToken = "rs-evidence-reader-secret";

    /// <summary>
    /// The server learns Mission state by introspecting each token (RFC 7662 with the Mission projection,
    /// oauth-profile.md §11) instead of asking Mission Status by Mission id.
    /// </summary>
    public bool Introspection { get; init; }

    /// <summary>
    /// runtime.md §8: how long a max_invocations slot waits for its outcome (the manifest's max_invocations_slot_timeout_seconds,
    /// 30–3600). The shortest allowed, so a suite run watches a slot time out in half a minute.
    /// </summary>
    public int SlotTimeoutSeconds { get; init; } = 30;

    /// <summary>The clock of slot deadlines; the embedded reference shares its offset clock with the harness, so a slot times out without the wait.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A loopback URL; port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:0";

    public FaultSet Faults { get; init; } = FaultSet.None;

    public string EffectiveClientId => ClientId ?? "rs-" + Profile.Name;
}
