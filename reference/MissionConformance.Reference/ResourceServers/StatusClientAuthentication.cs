using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// How the reference's Resource Servers and projection issuers authenticate at Mission Status (mission-status.md
/// "Authentication"): by the first of private_key_jwt, dpop_bearer and mtls the issuer advertises (none advertised:
/// private_key_jwt). dpop_bearer takes a Mission-Status-scoped DPoP token by the suite's convention (client_credentials,
/// resource the endpoint, private_key_jwt, a proof), kept until shortly before it expires; mtls presents a self-signed
/// certificate of the client's key at the RFC 8705 §5 alias (self_signed_tls_client_auth, §2.2).
/// </summary>
public sealed class StatusClientAuthentication(HttpClient http, string clientId, SecurityKey key, TimeProvider? clock = null) : IDisposable
{
    private readonly ECDsa _proofKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);
    private HttpClient? _tls;

    /// <summary>A Mission Status request of <paramref name="form"/> (mission, audience, nonce), authenticated as <paramref name="issuer"/> asks.</summary>
    public async Task<HttpResponseMessage> SendAsync(IssuerTrust.Snapshot issuer, Uri endpoint, Dictionary<string, string> form, CancellationToken ct)
    {
        var methods = issuer.StatusMethods;
        if (methods.Count == 0 || methods.Contains("private_key_jwt"))
        {
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = Assertion(endpoint);
            return await http.PostAsync(endpoint, new FormUrlEncodedContent(form), ct);
        }
        if (methods.Contains("dpop_bearer") && issuer.TokenEndpoint is { } tokenEndpoint)
        {
            var token = await TokenForAsync(tokenEndpoint, endpoint, ct)
                ?? throw new MissionStateUnavailableException("no Mission-Status-scoped DPoP token: the token endpoint gave none");
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
            request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
            request.Headers.Add("DPoP", Proof(endpoint, token));
            return await http.SendAsync(request, ct);
        }
        if (methods.Contains("mtls"))
        {
            form["client_id"] = clientId;
            return await (_tls ??= TlsClient()).PostAsync(issuer.MutualTlsStatusEndpoint ?? endpoint, new FormUrlEncodedContent(form), ct);
        }
        throw new MissionStateUnavailableException($"Mission Status advertises only {string.Join(", ", methods)}, none of which this client speaks");
    }

    /// <summary>private_key_jwt (RFC 7523) for <paramref name="endpoint"/>.</summary>
    /// <remarks>Timed by the stack's clock, which the issuer checking it shares (an embedded run advances it).</remarks>
    public string Assertion(Uri endpoint)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = endpoint.AbsoluteUri,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>
    /// runtime.md §1 (MBO-RT-PEP-013): authenticates a call to the PDP at <paramref name="audience"/> as this server, with a DPoP-bound token
    /// of its issuer for that audience and a proof of its key for this request. False when the issuer gives no such token (the call then
    /// goes without, and a PDP that requires it refuses).
    /// </summary>
    public async Task<bool> AuthenticateAsync(HttpRequestMessage request, Uri? tokenEndpoint, Uri audience, CancellationToken ct)
    {
        if (tokenEndpoint is null || await TokenForAsync(tokenEndpoint, audience, ct) is not { } token) return false;
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.Add("DPoP", Proof(request.RequestUri!, token));
        return true;
    }

    /// <summary>A DPoP-bound client_credentials token for <paramref name="resource"/> (RFC 8707), reused for half its life; null when none is given.</summary>
    private async Task<string?> TokenForAsync(Uri tokenEndpoint, Uri resource, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_tokens.TryGetValue(resource.AbsoluteUri, out var held) && DateTimeOffset.UtcNow < held.Until) return held.Token;
            using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["resource"] = resource.AbsoluteUri,
                    ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ["client_assertion"] = Assertion(tokenEndpoint),
                }),
            };
            request.Headers.Add("DPoP", Proof(tokenEndpoint, accessToken: null));
            using var response = await http.SendAsync(request, ct);
            var body = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>(ct) : default;
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String) return null;
            var lifetime = body.TryGetProperty("expires_in", out var e) && e.TryGetInt64(out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(1);
            _tokens[resource.AbsoluteUri] = (token.GetString()!, DateTimeOffset.UtcNow + lifetime / 2);
            return token.GetString()!;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Proof(Uri url, string? accessToken)
    {
        var point = _proofKey.ExportParameters(false).Q;
        var claims = new Dictionary<string, object>
        {
            ["htm"] = "POST", ["htu"] = url.GetLeftPart(UriPartial.Path), ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        if (accessToken is not null) claims["ath"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jwk"] = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(point.X), ["y"] = Base64UrlEncoder.Encode(point.Y) },
            },
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_proofKey), SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>An HTTP client presenting a self-signed certificate of the client's key, trusting the reference's loopback TLS certificate.</summary>
    private HttpClient TlsClient()
    {
        var ecdsa = key switch
        {
            ECDsaSecurityKey ec => ec.ECDsa,
            JsonWebKey { Kty: "EC", D: not null } jwk => ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                D = Base64UrlEncoder.DecodeBytes(jwk.D),
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
            }),
            _ => throw new MissionStateUnavailableException("mtls needs an EC private key to certify, and this client's key is none"),
        };
        var request = new CertificateRequest("CN=" + clientId, ecdsa, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so the private key is usable by the TLS stack on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        using var loopback = Security.MutualTls.LoopbackServerCertificate();
        var trusted = loopback.Thumbprint;
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || presented?.Thumbprint == trusted,
        };
        handler.ClientCertificates.Add(certificate);
        return new HttpClient(handler) { Timeout = http.Timeout };
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _proofKey.Dispose();
        _gate.Dispose();
    }
}
