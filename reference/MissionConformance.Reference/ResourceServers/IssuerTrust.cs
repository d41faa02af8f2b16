using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// What a Resource Server knows of the issuer it trusts: RFC 8414 metadata (jwks_uri,
/// mission_status_endpoint, introspection_endpoint) and the signing keys, fetched on first use and again when a token names a
/// key id it has not seen (key rotation).
/// </summary>
public sealed class IssuerTrust(HttpClient http, Uri issuer) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _current;

    public sealed record Snapshot(string Issuer, Uri? StatusEndpoint, Uri? IntrospectionEndpoint, IReadOnlyList<SecurityKey> Keys)
    {
        /// <summary>mission_status_auth_methods_supported; empty when not advertised.</summary>
        public IReadOnlyList<string> StatusMethods { get; init; } = [];

        /// <summary>RFC 8705 §5 mtls_endpoint_aliases.mission_status_endpoint, if advertised.</summary>
        public Uri? MutualTlsStatusEndpoint { get; init; }

        public Uri? TokenEndpoint { get; init; }
    }

    public async Task<Snapshot> GetAsync(string? kid, CancellationToken ct)
    {
        var current = _current;
        if (current is not null && (kid is null || current.Keys.Any(k => k.KeyId == kid))) return current;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } fresh && fresh != current) return fresh;
            var metadata = await http.GetFromJsonAsync<JsonElement>(new Uri(issuer, ".well-known/oauth-authorization-server"), ct);
            // RFC 8414 §3.3: the metadata must name the issuer it was fetched for, exactly.
            if (metadata.GetProperty("issuer").GetString() != issuer.AbsoluteUri)
            {
                throw new HttpRequestException($"the metadata at {issuer} names issuer {metadata.GetProperty("issuer").GetString()}");
            }
            var jwksUri = new Uri(metadata.GetProperty("jwks_uri").GetString()!);
            var jwks = new JsonWebKeySet(await http.GetStringAsync(jwksUri, ct));
            _current = new Snapshot(metadata.GetProperty("issuer").GetString()!, Endpoint(metadata, "mission_status_endpoint"), Endpoint(metadata, "introspection_endpoint"),
                [.. jwks.GetSigningKeys()])
            {
                StatusMethods = metadata.TryGetProperty("mission_status_auth_methods_supported", out var methods) && methods.ValueKind == JsonValueKind.Array
                    ? [.. methods.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)]
                    : [],
                MutualTlsStatusEndpoint = metadata.TryGetProperty("mtls_endpoint_aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Object
                    ? Endpoint(aliases, "mission_status_endpoint")
                    : null,
                TokenEndpoint = Endpoint(metadata, "token_endpoint"),
            };
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Uri? Endpoint(JsonElement metadata, string name)
        => metadata.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? new Uri(value.GetString()!) : null;

    public void Dispose() => _gate.Dispose();
}
