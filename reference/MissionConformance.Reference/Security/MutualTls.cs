using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace MissionConformance.Reference.Security;

/// <summary>
/// <c>mtls</c> at Mission Status (mission-status.md "Authentication", RFC 8705): the certificate the
/// reference's TLS listener presents, and the check of a client's self-signed certificate (RFC 8705
/// §2.2, self_signed_tls_client_auth) against the key the client is registered with.
/// </summary>
public static class MutualTls
{
    /// <summary>A self-signed P-256 certificate for 127.0.0.1, valid a day: a harness trusts it by its bytes, as no CA issued it.</summary>
    public static X509Certificate2 LoopbackServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Through PKCS#12, so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Whether <paramref name="certificate"/> certifies <paramref name="registered"/>, an EC public JWK: the same curve point.</summary>
    public static bool HoldsKey(X509Certificate2 certificate, JsonWebKey registered)
    {
        using var presented = certificate.GetECDsaPublicKey();
        if (presented is null || registered.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || registered.X is null || registered.Y is null) return false;
        var point = presented.ExportParameters(false).Q;
        return point.X is not null && point.Y is not null
            && CryptographicOperations.FixedTimeEquals(point.X, Base64UrlEncoder.DecodeBytes(registered.X))
            && CryptographicOperations.FixedTimeEquals(point.Y, Base64UrlEncoder.DecodeBytes(registered.Y));
    }
}
