namespace MissionConformance.Reference.Configuration;

/// <summary>
/// design.md principle 8, the dual of faults: a choice the spec allows, made the other way. The reference can run in each
/// named variant, and the whole suite must pass it with the same coordinate as the default reference.
/// </summary>
public enum Variant
{
    AdminOnlyLifecycle,
    ErrorBodiesWithExtraMembers,
    ConfidentialRefreshNotRotated,
    DpopBoundTokens,
    StatusOnlyMtls,
    StatusOnlyDpopBearer,
    OpaqueAccessTokens,
    ResourceServerSector,
}

/// <summary>
/// A variant, what the reference does differently in it, and what a target file says to be judged in it; and the SHOULDs
/// the choice departs from, whose WARNING the suite must give (a SHOULD allows the choice, and says it is discouraged); and the
/// SHOULDs the default reference departs from that the variant meets, whose WARNING goes.
/// </summary>
public sealed record VariantInfo(Variant Variant, string Behaviour, string TargetFile, IReadOnlyList<string>? Warns = null, IReadOnlyList<string>? Meets = null)
{
    public string Name => Variant.ToString();
}

public static class VariantCatalogue
{
    public static IReadOnlyList<VariantInfo> All { get; } =
    [
        new(Variant.AdminOnlyLifecycle,
            "lifecycle operations (suspend, resume, revoke, complete) are reserved to the admin client; the agent that requested a Mission gets the same 404 not_found as for an unknown one",
            "authorizationServers[0].lifecycleClient: \"admin\""),
        new(Variant.ErrorBodiesWithExtraMembers,
            "every JSON error body of the Authorization Server carries error_uri and an x_trace_id extension member beside error and error_description",
            "nothing: a client ignores members it does not understand"),
        new(Variant.ConfidentialRefreshNotRotated,
            "a confidential client keeps its refresh token (bound by its client authentication, RFC 9700 §4.14.2); a public client's is still rotated",
            "nothing", Warns: ["MBO-AS-RT-002"]),
        new(Variant.DpopBoundTokens,
            "a code redemption, refresh or exchange carrying a DPoP proof gets an access token bound to its key (cnf.jkt, token_type DPoP), and a public client's refresh "
            + "token is bound too (RFC 9449 §5); the token endpoint first asks for a DPoP-Nonce (§8); the metadata advertises dpop_signing_alg_values_supported and "
            + "mission_sender_constraints_supported [\"dpop\"]",
            "nothing: the metadata advertises DPoP", Meets: ["MBO-AS-TOK-011"]),
        new(Variant.StatusOnlyMtls,
            "Mission Status is offered by mtls only, at its RFC 8705 §5 alias (self_signed_tls_client_auth); a private_key_jwt or dpop_bearer question gets 401",
            "nothing: the status clients' keys are EC private JWKs, of which the suite makes self-signed certificates (or name a certificateFile)"),
        new(Variant.StatusOnlyDpopBearer,
            "Mission Status is offered by dpop_bearer only: a Mission-Status-scoped DPoP token (client_credentials, resource the endpoint) and its proof; "
            + "a private_key_jwt or mtls question gets 401",
            "nothing: the suite obtains the token by its documented convention"),
        new(Variant.OpaqueAccessTokens,
            "access tokens are opaque reference strings (no JWT on the wire); their claims, the mission projection included, are read by RFC 7662 "
            + "introspection (oauth-profile §11), which answers each Resource Server for its own audience",
            "nothing: the suite introspects opaque tokens as the target file's status clients"),
        new(Variant.ResourceServerSector,
            "pairwise sector resource_server (oauth-profile §15): every access token is for one Resource Server and names the Mission by that server's "
            + "mission.ref, never its id; a redemption or refresh that names no single resource (RFC 8707) is refused with invalid_target",
            "nothing: the metadata advertises mission_pairwise_sector"),
    ];

    public static VariantInfo? Find(string name) => All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The variants a reference instance runs in; none by default.</summary>
public sealed class VariantSet(IEnumerable<Variant> variants)
{
    private readonly HashSet<Variant> _active = [.. variants];

    public static VariantSet None { get; } = new([]);

    /// <summary>Parses a comma-separated list such as "AdminOnlyLifecycle".</summary>
    public static VariantSet Parse(string? list) => new((list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(name => VariantCatalogue.Find(name)?.Variant ?? throw new ReferenceConfigurationException(
            $"unknown variant \"{name}\"; `mission-conformance list variants` prints them")));

    public IReadOnlyCollection<Variant> Active => _active;

    /// <summary>These variants and <paramref name="more"/>.</summary>
    public VariantSet Including(IEnumerable<Variant> more) => new(_active.Concat(more));

    public bool Has(Variant variant) => _active.Contains(variant);
}

/// <summary>
/// Which clients' refresh tokens are rotated (MBO-AS-RT-002/003): every client's by default; a public client's only under
/// <see cref="Variant.ConfidentialRefreshNotRotated"/>; none under the fault NoRefreshRotation. The token endpoint redeems a
/// rotated token once (OneTimeUse), which is rotation whether or not OpenIddict rolls tokens itself.
/// </summary>
public sealed record RefreshRotation(bool Confidential, bool Public)
{
    public bool Rotates(TestClient? client) => client?.IsPublic == true ? Public : Confidential;

    /// <summary>Whether OpenIddict may roll every refresh token itself: only when every client's is rotated.</summary>
    public bool Everywhere => Confidential && Public;
}

/// <summary>
/// Whether the token endpoint binds what it issues to the key of the request's DPoP proof and asks for a nonce first (RFC 9449
/// §5, §8): under <see cref="Variant.DpopBoundTokens"/> only. Delegated tokens and ID-JAGs are bound to the proof's key always.
/// </summary>
public sealed record SenderConstraint(bool Dpop);

/// <summary>
/// Who may operate a Mission's lifecycle once they may see it: its requesting client or an administrator, or under
/// <see cref="Variant.AdminOnlyLifecycle"/> an administrator only. oauth-profile.md leaves that policy to the deployment.
/// </summary>
public sealed record LifecycleOperators(bool AdminOnly)
{
    public bool MayOperate(TestClient client) => !AdminOnly || client.IsAdmin;
}
