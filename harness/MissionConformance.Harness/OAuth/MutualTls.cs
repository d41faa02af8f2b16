using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.OAuth;

/// <summary>
/// The harness as an <c>mtls</c> client of Mission Status (mission-status.md "Authentication", RFC 8705).
/// The suite's convention is self_signed_tls_client_auth (RFC 8705 §2.2): the status client presents a
/// self-signed certificate of the key it already signs private_key_jwt with, so the state authority
/// knows it without a CA.
/// </summary>
public static class MutualTls
{
    /// <summary>A self-signed certificate, valid a day, of <paramref name="key"/>, an EC private JWK; null for any other key.</summary>
    public static X509Certificate2? SelfSignedCertificate(JsonWebKey key, string clientId)
    {
        using var ecdsa = PrivateKey(key);
        return ecdsa is null ? null : SelfSigned(ecdsa, clientId);
    }

    /// <summary>The ECDsa private key an EC private JWK (P-256, P-384, P-521) holds; null for any other key.</summary>
    public static ECDsa? PrivateKey(JsonWebKey key)
    {
        if (key.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || key.D is null || key.X is null || key.Y is null) return null;
        var curve = key.Crv switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            "P-521" => ECCurve.NamedCurves.nistP521,
            _ => (ECCurve?)null,
        };
        return curve is { } named
            ? ECDsa.Create(new ECParameters
            {
                Curve = named,
                D = Base64UrlEncoder.DecodeBytes(key.D),
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(key.X), Y = Base64UrlEncoder.DecodeBytes(key.Y) },
            })
            : null;
    }

    /// <summary>A self-signed client certificate of <paramref name="key"/>, usable by the TLS stack on every platform (through PKCS#12).</summary>
    public static X509Certificate2 SelfSigned(ECDsa key, string subject)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + subject.Replace(",", "\\,", StringComparison.Ordinal)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// An HttpClient, captured into <paramref name="wire"/>, that presents <paramref name="certificate"/> (none: no
    /// certificate) and accepts a server certificate the system trusts or one chaining to <paramref name="trusted"/>.
    /// </summary>
    public static HttpClient Client(WireLog wire, X509Certificate2? certificate, IReadOnlyList<X509Certificate2> trusted, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero };
        handler.SslOptions.ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) => Trusted(presented, errors, trusted);
        return new HttpClient(new CapturingHandler(wire, handler)) { Timeout = timeout };
    }

    private static bool Trusted(X509Certificate? presented, SslPolicyErrors errors, IReadOnlyList<X509Certificate2> trusted)
    {
        if (errors == SslPolicyErrors.None) return true;
        // Only an unknown root is forgiven, and only when it chains to a certificate the target file says to trust.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || presented is null || trusted.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted.ToArray());
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }
}
