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
    /// <summary>
    /// The TLS listener's certificate and key: fixtures/keys/reference-tls.*.pem, self-signed for 127.0.0.1, valid 2026–2046, so a
    /// target file can name the certificate in tlsTrustFile as fixtures/targets/reference.json does.
    /// </summary>
    public static X509Certificate2 LoopbackServerCertificate() => X509CertificateLoader.LoadPkcs12(Pkcs12.Value, null);

    /// <summary>The fixture as PKCS#12, read once per process, so the private key is usable by the TLS stack on every platform.</summary>
    private static readonly Lazy<byte[]> Pkcs12 = new(() =>
    {
        using var pem = X509Certificate2.CreateFromPem(Resource("reference-tls.crt.pem"), Resource("reference-tls.key.pem"));
        return pem.Export(X509ContentType.Pkcs12);
    });

    private static string Resource(string name)
    {
        using var stream = typeof(MutualTls).Assembly.GetManifestResourceStream("keys." + name)
            ?? throw new InvalidOperationException($"fixtures/keys/{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
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
