using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>How to start a reference Resource AS: where, which origin it trusts, which resources it is authoritative for, and its one client.</summary>
public sealed record ResourceAsOptions
{
    /// <summary>
    /// The stack's clock: a projection issuer signs its Mission Status client assertions by it, so a MAS whose clock an embedded run
    /// advances (expiry scenarios) does not find them expired.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The origin AS whose ID-JAGs this Resource AS accepts, by policy (its metadata names jwks_uri).</summary>
    public required Uri TrustedOrigin { get; init; }

    /// <summary>The resources this Resource AS issues local tokens for; entries for any other resource are never issued.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>The client that redeems ID-JAGs here (client_secret_basic); the origin's client_id is an audit reference only.</summary>
    public string ClientId { get; init; } = DefaultClientId;

    public string ClientSecret { get; init; } = DefaultClientSecret;

    /// <summary>A loopback URL; port 0 picks a free port.</summary>
    public string Url { get; init; } = AnyLoopbackPort;

    public const string AnyLoopbackPort = "http://127.0.0.1:0";

    /// <summary>Deliberate defects (FaultSite.ResourceAs) that the suite's Resource AS checks must catch.</summary>
    public FaultSet Faults { get; init; } = FaultSet.None;

    /// <summary>The Resource Server of this domain that may introspect local tokens (client_secret_basic).</summary>
    public string IntrospectionClientId { get; init; } = DefaultIntrospectionClientId;

    public string IntrospectionClientSecret { get; init; } = DefaultIntrospectionClientSecret;

    /// <summary>
    /// Under the MAS topology (mas.md), this AS is an authorised projection issuer of <see cref="TrustedOrigin"/>, the
    /// Mission Authority Server: before every issuance and refresh it asks the MAS's Mission Status about the Mission
    /// (contract 2), fails closed when it cannot (contract 3), and issues refresh tokens, which live while the MAS says
    /// the Mission is active. Null: a plain Resource AS, which issues no refresh token and asks no one.
    /// </summary>
    public ProjectionSettings? Projection { get; init; }

    public const string DefaultClientId = "agent-at-resource-as";

    public const string DefaultClientSecret = "agent-at-resource-as-secret";

    public const string DefaultIntrospectionClientId = "rs-at-resource-as";

    public const string DefaultIntrospectionClientSecret = "rs-at-resource-as-secret";
}

/// <summary>How a projection issuer asks the MAS: as Mission Status client <paramref name="StatusClientId"/> (private_key_jwt with the ES256 JWK <paramref name="StatusKeyJwk"/>), about <paramref name="StatusAudience"/>.</summary>
public sealed record ProjectionSettings(string StatusClientId, string StatusKeyJwk, string StatusAudience)
{
    /// <summary>How long a projection issuer's refresh token lives at most; the MAS is asked at every use.</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>The settings of a projection issuer for <paramref name="resource"/> that asks as the test client <paramref name="statusClientId"/>, with its key from fixtures/keys.</summary>
    public static ProjectionSettings For(string statusClientId, string resource)
        => new(statusClientId, Security.TestClientKeys.PrivateJwk(statusClientId)
            ?? throw new ReferenceConfigurationException($"no test key for Mission Status client {statusClientId} in fixtures/keys"), resource);
}
