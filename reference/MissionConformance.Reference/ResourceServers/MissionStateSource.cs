using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>What the state authority said about a Mission, as the RS-D PEP passes it on (runtime.md §4 freshness).</summary>
public sealed record MissionStatusView(
    string State, string? PolicyVersion, string? PolicyViewId, string? PolicyViewVersion,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, DateTimeOffset FreshnessAt, bool Fresh)
{
    /// <summary>integrity_anchors.authority_hash (the early draft's top-level authority_hash), when the response carried one.</summary>
    public string? AuthorityHash { get; init; }

    /// <summary>authority_projection (the early draft's authorization_details): the entries for the audience asked about.</summary>
    public JsonElement? Authority { get; init; }
}

/// <summary>Why a Mission's state could not be established: the RS then fails closed.</summary>
public sealed class MissionStateUnavailableException(string reason) : Exception(reason);

/// <summary>
/// RS-B (MBO-RS-B-002, B-004, MBO-RS-C-008): the Mission's state from the issuer's Mission Status endpoint
/// (mission-status.md), authenticated as the issuer advertises (<see cref="StatusClientAuthentication"/>), the signed response verified (typ, signature,
/// iss, aud, nonce, exp). A response is reused until its expires_at, and never longer than
/// mission_max_stale_seconds after it was read. <paramref name="key"/> is the client's registered key; without one, a
/// fresh key of its own, for an issuer that does not check it (the harness's simulated AS).
/// </summary>
public sealed class MissionStateSource(HttpClient http, IssuerTrust trust, string resource, string clientId, int maxStaleSeconds, Hooks<IResourceServerHook> hooks,
    SecurityKey? key = null, TimeProvider? clock = null) : IDisposable
{
    public const string ResponseType = "application/mission-status-response+jwt";

    private readonly ConcurrentDictionary<string, (MissionStatusView View, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pushed = new(StringComparer.Ordinal);

    /// <summary>Event-driven: a Mission's state comes from the last lifecycle event received, once Mission Status was read.</summary>
    public bool EventDriven { get; init; }

    /// <summary>A lifecycle event for the Mission arrived (MBO-MAS-005: any state but active, known or not, stops it).</summary>
    public void Apply(string missionId, string state) => _pushed[missionId] = state;
    private readonly SecurityKey _key = key ?? new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Whether <see cref="_key"/> is this source's own, to dispose with it.</summary>
    private readonly bool _ownsKey = key is null;

    private StatusClientAuthentication? _authentication;

    /// <summary>How this client authenticates at Mission Status (as the issuer advertises), and at its PDP.</summary>
    public StatusClientAuthentication Authentication => _authentication ??= new StatusClientAuthentication(http, clientId, _key, clock);

    public async Task<MissionStatusView> GetAsync(string missionId, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (EventDriven && _cache.TryGetValue(missionId, out var known))
        {
            return known.View with { State = _pushed.GetValueOrDefault(missionId, known.View.State), Fresh = false };
        }
        if (_cache.TryGetValue(missionId, out var cached) && now < cached.Until) return cached.View with { Fresh = false };

        var issuer = await trust.GetAsync(null, ct);
        var endpoint = issuer.StatusEndpoint ?? throw new MissionStateUnavailableException("the trusted issuer advertises no mission_status_endpoint");
        var query = new StatusQuery();
        hooks.Run(h => h.StatusAsking(query));
        var nonce = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(query.NonceBytes));
        using var response = await SendAsync(issuer, endpoint, missionId, nonce, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return Remember(missionId, Unknown(now), now);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != ResponseType)
        {
            throw new MissionStateUnavailableException($"Mission Status answered HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
        }
        var view = await VerifyAsync(body, nonce, ct);
        return Remember(missionId, view, now);
    }

    /// <summary>
    /// The Mission's state from introspecting the token (RFC 7662, oauth-profile.md §11), cached per token
    /// for mission_max_stale_seconds. active is composite (token valid and Mission active); an inactive
    /// answer without a mission member is an unknown Mission. Introspection checks no proof of possession:
    /// the caller still verifies cnf itself (MBO-RS-C-007).
    /// </summary>
    public async Task<MissionStatusView> IntrospectAsync(string token, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var key = "token:" + Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)));
        if (_cache.TryGetValue(key, out var cached) && now < cached.Until) return cached.View with { Fresh = false };
        var issuer = await trust.GetAsync(null, ct);
        var endpoint = issuer.IntrospectionEndpoint ?? throw new MissionStateUnavailableException("the trusted issuer advertises no introspection_endpoint");
        JsonElement body;
        try
        {
            using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = token,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = Authentication.Assertion(endpoint),
            }), ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new MissionStateUnavailableException($"introspection answered HTTP {(int)response.StatusCode}");
            body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            throw new MissionStateUnavailableException($"introspection failed: {e.Message}");
        }
        var mission = body.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var active = body.TryGetProperty("active", out var a) && a.ValueKind == JsonValueKind.True;
        var state = active ? "active" : mission.ValueKind == JsonValueKind.Object ? Text(mission, "state") ?? "unknown" : "unknown";
        var view = new MissionStatusView(state, Text(mission, "policy_version"), Text(mission, "policy_view_id"), Text(mission, "policy_view_version"),
            now, now.AddSeconds(maxStaleSeconds), now, Fresh: true);
        _cache[key] = (view, now.AddSeconds(maxStaleSeconds));
        return view;
    }

    private MissionStatusView Remember(string missionId, MissionStatusView view, DateTimeOffset now)
    {
        // MBO-MS-015: never past expires_at, nor past the staleness bound.
        var entry = new StatusCacheEntry(now, EventDriven ? DateTimeOffset.MaxValue : new[] { view.ExpiresAt, now.AddSeconds(maxStaleSeconds) }.Min(), maxStaleSeconds, EventDriven);
        hooks.Run(h => h.StatusCached(entry));
        _cache[missionId] = (view, entry.Until);
        return view;
    }

    private static MissionStatusView Unknown(DateTimeOffset now) => new("unknown", null, null, null, now, now, now, true);

    private async Task<HttpResponseMessage> SendAsync(IssuerTrust.Snapshot issuer, Uri endpoint, string missionId, string nonce, CancellationToken ct)
    {
        try
        {
            return await Authentication.SendAsync(issuer, endpoint, new Dictionary<string, string> { ["mission"] = missionId, ["audience"] = resource, ["nonce"] = nonce }, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new MissionStateUnavailableException($"Mission Status unreachable: {e.Message}");
        }
    }

    private async Task<MissionStatusView> VerifyAsync(string jws, string nonce, CancellationToken ct)
    {
        var kid = new JsonWebToken(jws).Kid;
        var issuer = await trust.GetAsync(kid, ct);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jws, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = resource,
            IssuerSigningKeys = issuer.Keys,
            ValidTypes = [ResponseType],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid) throw new MissionStateUnavailableException($"the Mission Status response does not verify: {result.Exception?.Message}");
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload)).RootElement;
        if (Text(payload, "nonce") != nonce) throw new MissionStateUnavailableException("the Mission Status response does not echo the nonce");
        return new MissionStatusView(Text(payload, "state") ?? "unknown", Text(payload, "policy_version"), Text(payload, "policy_view_id"), Text(payload, "policy_view_version"),
            Time(payload, "issued_at"), Time(payload, "expires_at"), Time(payload, "freshness_at"), Fresh: true)
        {
            AuthorityHash = Text(payload.TryGetProperty("integrity_anchors", out var anchors) ? anchors : default, "authority_hash") ?? Text(payload, "authority_hash"),
            Authority = payload.TryGetProperty("authority_projection", out var projection) && projection.ValueKind == JsonValueKind.Array ? projection.Clone()
                : payload.TryGetProperty("authorization_details", out var details) && details.ValueKind == JsonValueKind.Array ? details.Clone() : null,
        };
    }

    private static string? Text(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset Time(JsonElement e, string name)
        => Text(e, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw new MissionStateUnavailableException($"the Mission Status response has no RFC 3339 {name}");

    public void Dispose()
    {
        _authentication?.Dispose();
        if (_ownsKey) ((ECDsaSecurityKey)_key).ECDsa.Dispose();
    }
}
