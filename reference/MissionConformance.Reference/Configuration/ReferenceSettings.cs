namespace MissionConformance.Reference.Configuration;

/// <summary>What one running reference instance is: its issuer, tenant and derivation policy.</summary>
public sealed record ReferenceSettings(Uri Issuer, string Tenant, ResourceCatalogue Catalogue)
{
    public const string DefaultTenant = "board-demo";

    /// <summary>What the reference advertises (conformance.md §4), no more than the embedded run demonstrates: L3 · RS-D · AD-3.</summary>
    public static readonly int[] LadderLevels = [0, 1, 2, 3];

    public static readonly string[] DomainTiers = ["AD-1", "AD-2", "AD-3"];

    /// <summary>
    /// oauth-profile.md §15, the default sector: each Resource AS of another domain is a pairwise sector; its ID-JAGs carry
    /// mission.ref, never mission.id. Audiences in this domain get the canonical id.
    /// </summary>
    public const string ResourceAsSector = "resource_as";

    /// <summary>
    /// The other sector the reference can run in: each Resource Server of this domain is a sector, every token for it names the
    /// Mission by that server's ref, and so a token is for one Resource Server only (a multi-audience token could not carry one
    /// ref for each, and would change the claim mode per audience, MBO-AS-TOK-015). ID-JAGs then carry the canonical id.
    /// </summary>
    public const string ResourceServerSector = "resource_server";

    /// <summary>The pairwise sector this instance advertises and issues refs in: <see cref="ResourceAsSector"/> or <see cref="ResourceServerSector"/>.</summary>
    public string PairwiseSector { get; init; } = ResourceAsSector;

    /// <summary>Access tokens live five minutes at most, and never past mission_expiry (MBO-AS-TOK-007).</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// mission.origin of every Mission: the issuer exactly as metadata and the iss claim spell it
    /// (MBO-AS-REC-003), trailing slash included.
    /// </summary>
    public string MissionOrigin => Issuer.AbsoluteUri;

    public string Endpoint(string path) => Issuer.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/');

    /// <summary>The TLS listener where Mission Status takes client certificates (mtls, RFC 8705 §5 endpoint alias); none: mtls is not offered.</summary>
    public Uri? MutualTlsBase { get; init; }

    /// <summary>
    /// How Mission Status may be asked (mission_status_auth_methods_supported): all three by default; one only under the variants
    /// StatusOnlyMtls and StatusOnlyDpopBearer. mtls needs <see cref="MutualTlsBase"/>.
    /// </summary>
    public IReadOnlyList<string> StatusAuthMethods { get; init; } = ["private_key_jwt", "dpop_bearer", "mtls"];

    public string? MutualTlsEndpoint(string path) => MutualTlsBase is null ? null : MutualTlsBase.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/');
}

/// <summary>A reference stack cannot start as configured; the message says which setting and why.</summary>
public sealed class ReferenceConfigurationException(string message) : Exception(message);
