using System.Net;
using System.Text.Json;
using System.Security.Cryptography.X509Certificates;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.OAuth;

/// <summary>
/// Mission Status asked as a Resource Server would, by a method the state authority advertises (mission-status.md
/// "Authentication"): private_key_jwt when it is advertised, or when nothing is; otherwise dpop_bearer (a Mission-Status-scoped
/// DPoP token by the suite's convention, obtained once, with a fresh proof per request); otherwise mtls, at the RFC 8705 §5
/// alias, with the client's certificate or a self-signed one of its key (§2.2). Until issue 19 every question went by
/// private_key_jwt, so a state authority offering only mtls or dpop_bearer could not reach AD-3.
/// </summary>
public sealed class StatusCaller : IDisposable
{
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string DpopBearer = "dpop_bearer";
    public const string MutualTlsMethod = "mtls";

    /// <summary>As the target file declares (authorizationServers[].missionStatus): its credential header, else private_key_jwt, in its shape.</summary>
    public const string DeclaredMethod = "declared";

    private readonly ScenarioContext _context;
    private readonly TargetClient _caller;
    private readonly Uri _endpoint;
    private readonly DpopKey _key = new();
    private HttpClient? _tls;
    private X509Certificate2? _selfSigned;
    private string? _statusToken;

    private StatusCaller(ScenarioContext context, TargetClient caller, Uri endpoint, string method)
        => (_context, _caller, _endpoint, Method) = (context, caller, endpoint, method);

    /// <summary>The method every question goes by.</summary>
    public string Method { get; }

    /// <summary>Where the questions go: the Mission Status endpoint, or its mtls alias.</summary>
    public Uri Endpoint => _endpoint;

    /// <summary>
    /// A caller for <paramref name="caller"/> at <paramref name="endpoint"/>, by the first method of private_key_jwt, dpop_bearer and
    /// mtls that the AS metadata or <paramref name="authorityDocument"/> (the mission-authority document) lists.
    /// </summary>
    public static StatusCaller For(ScenarioContext context, TargetClient caller, Uri endpoint, JsonElement? authorityDocument = null)
    {
        if (context.Client.DeclaredStatus is { } declared)
        {
            if (declared.Authentication is null && caller.Key is null)
            {
                throw new ScenarioInterruptedException($"the target file's missionStatus names no authentication, so the status client {caller.ClientId} asks by private_key_jwt, and it has no keyFile");
            }
            return new StatusCaller(context, caller, endpoint, DeclaredMethod);
        }
        if (caller.Key is null)
        {
            throw new ScenarioInterruptedException($"the status client {caller.ClientId} has no key: Mission Status forbids client secrets (mission-status.md \"Authentication\"), so give it a keyFile");
        }
        var methods = Methods(context.Client.Metadata.Document).Concat(Methods(authorityDocument)).ToHashSet(StringComparer.Ordinal);
        if (methods.Count == 0 || methods.Contains(PrivateKeyJwt)) return new StatusCaller(context, caller, endpoint, PrivateKeyJwt);
        if (methods.Contains(DpopBearer)) return new StatusCaller(context, caller, endpoint, DpopBearer);
        if (methods.Contains(MutualTlsMethod))
        {
            return new StatusCaller(context, caller, MutualTlsAlias(context.Client.Metadata.Document) ?? MutualTlsAlias(authorityDocument) ?? endpoint, MutualTlsMethod);
        }
        throw new ScenarioInterruptedException($"Mission Status advertises only {string.Join(", ", methods)}; the suite asks by private_key_jwt, dpop_bearer or mtls");
    }

    /// <summary>mission_status_auth_methods_supported of a metadata document.</summary>
    public static IEnumerable<string> Methods(JsonElement? document)
        => document is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("mission_status_auth_methods_supported", out var methods) && methods.ValueKind == JsonValueKind.Array
            ? methods.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)
            : [];

    /// <summary>RFC 8705 §5 mtls_endpoint_aliases.mission_status_endpoint of a metadata document, if any.</summary>
    public static Uri? MutualTlsAlias(JsonElement? document)
        => document is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("mtls_endpoint_aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Object
            && aliases.TryGetProperty("mission_status_endpoint", out var alias) && alias.ValueKind == JsonValueKind.String
            && Uri.TryCreate(alias.GetString(), UriKind.Absolute, out var uri)
            ? uri
            : null;

    /// <summary>
    /// One question: <paramref name="mission"/> for <paramref name="audience"/> with <paramref name="nonce"/>. A method the suite
    /// cannot use with this client (no token issued, no certificate, no TLS exchange) interrupts the scenario, saying why.
    /// </summary>
    public async Task<WireResponse> AskAsync(string mission, string audience, string? nonce)
    {
        var ct = _context.Cancellation;
        switch (Method)
        {
            case DeclaredMethod:
                return await _context.Client.DeclaredStatusAsync(_caller.Credentials, mission, audience, nonce, ct);
            case DpopBearer:
                var token = _statusToken ??= await StatusTokenAsync();
                return await _context.Client.MissionStatusWithTokenAsync(_endpoint, token, _key.Proof("POST", _endpoint.AbsoluteUri, token), mission, audience, nonce, ct);
            case MutualTlsMethod:
                try
                {
                    return await _context.Client.Over(_tls ??= TlsClient())
                        .MissionStatusAsync(_endpoint, new ClientCredentials(_caller.ClientId), mission, audience, nonce, ct, withAssertion: false);
                }
                catch (HttpRequestException e)
                {
                    var hint = _context.Server.TlsTrust.Count == 0 ? "; if no public CA issued its certificate, name that certificate in the target file's tlsTrustFile" : "";
                    throw new ScenarioInterruptedException($"Mission Status is offered by mtls only, and no TLS exchange with {_endpoint} succeeded: {e.Message}{hint}");
                }
            default:
                return await _context.Client.MissionStatusAsync(_endpoint, _caller.Credentials, mission, audience, nonce, ct);
        }
    }

    private const int MaxRetries = 2;

    /// <summary>
    /// One question, asked again after Retry-After (at most twice, each wait 1 to 60 s) while it is answered 429: rate limiting is the
    /// state authority's right (MBO-MS-016) and another scenario may have spent this client's window, so a scenario not judging rate
    /// limits never takes a 429 for the answer. Returns the last answer and the nonce it was asked with.
    /// </summary>
    public async Task<(WireResponse Response, string Nonce)> AskPatientlyAsync(string mission, string audience)
    {
        var nonce = MissionClient.NewNonce();
        var response = await AskAsync(mission, audience, nonce);
        for (var retry = 0; retry < MaxRetries && response.Status == HttpStatusCode.TooManyRequests; retry++)
        {
            await _context.WaitAsync(RetryDelay(response));
            nonce = MissionClient.NewNonce();
            response = await AskAsync(mission, audience, nonce);
        }
        return (response, nonce);
    }

    /// <summary>Retry-After in seconds (RFC 9110 §10.2.3), 1 s when absent or a date, at most a minute.</summary>
    public static TimeSpan RetryDelay(WireResponse limited)
        => TimeSpan.FromSeconds(int.TryParse(limited.Header("Retry-After"), out var seconds) ? Math.Clamp(seconds, 1, 60) : 1);

    private async Task<string> StatusTokenAsync()
    {
        var issued = await _context.Client.StatusTokenAsync(_caller.Credentials, _endpoint, _key, _context.Cancellation);
        return issued.Status == HttpStatusCode.OK && issued.ObjectBody() is { } body && body.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String
            && body.TryGetProperty("token_type", out var type) && string.Equals(type.GetString(), "DPoP", StringComparison.OrdinalIgnoreCase)
            ? token.GetString()!
            : throw new ScenarioInterruptedException("Mission Status is offered by dpop_bearer only, and the suite's way to a Mission-Status-scoped DPoP token "
                + $"(client_credentials at the token endpoint, {_caller.ClientId}'s private_key_jwt, resource the Mission Status endpoint, a DPoP proof; "
                + $"mission-status.md names no way) was answered {issued.Outcome()}");
    }

    /// <summary>
    /// One question at an mtls endpoint with <paramref name="certificate"/> presented (null: none), over a TLS connection of its own,
    /// as a probe of what the endpoint accepts; a failed TLS exchange is the failure's text, never an exception.
    /// </summary>
    public async Task<(WireResponse? Response, string? Failure)> AskPresentingAsync(Uri endpoint, X509Certificate2? certificate, string mission, string audience, string nonce)
    {
        using var http = MutualTls.Client(_context.Wire, certificate, _context.Server.TlsTrust, _context.Target.Timeouts.Request);
        try
        {
            return (await _context.Client.Over(http)
                .MissionStatusAsync(endpoint, new ClientCredentials(_caller.ClientId), mission, audience, nonce, _context.Cancellation, withAssertion: false), null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"{e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
        }
    }

    /// <summary>
    /// The certificate a status client shows at an mtls endpoint when the target file names none: self-signed of its registered EC key
    /// (RFC 8705 §2.2), for the caller to dispose; null when it has a certificateFile, or no key of which to make one.
    /// </summary>
    public static X509Certificate2? SelfSignedFor(TargetClient caller)
        => caller.Certificate is null && caller.Key is { } key ? MutualTls.SelfSignedCertificate(key, caller.ClientId) : null;

    private HttpClient TlsClient()
    {
        _selfSigned = SelfSignedFor(_caller);
        var certificate = _caller.Certificate ?? _selfSigned
            ?? throw new ScenarioInterruptedException($"Mission Status is offered by mtls only, and status client {_caller.ClientId} has no certificateFile, and its key is no EC "
                + "private JWK, of which the suite makes a self-signed certificate (RFC 8705 §2.2)");
        return MutualTls.Client(_context.Wire, certificate, _context.Server.TlsTrust, _context.Target.Timeouts.Request);
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _selfSigned?.Dispose();
        _key.Dispose();
    }
}
