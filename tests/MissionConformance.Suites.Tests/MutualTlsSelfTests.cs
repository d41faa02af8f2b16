using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// mtls at Mission Status from the harness's side: a TLS alias the harness cannot trust is no verdict on the state
/// authority. (StatusMtlsCertificateUnchecked and StatusMtlsRefused are proven with the other AS faults in FaultSelfTests.)
/// </summary>
public sealed class MutualTlsSelfTests
{
    [Fact]
    public async Task AnAliasWhoseCertificateTheTargetFileDoesNotTrust_IsInterruptedNamingTlsTrustFile_NeverFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var target = reference.Target with { AuthorizationServers = [reference.Target.AuthorizationServer with { TlsTrust = [] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionStatusScenario()], ct, reference.Peers);

        foreach (var id in new[] { "MBO-MS-001", "MBO-MS-002" })
        {
            var finding = Assert.Single(outcome.Findings, f => f.RequirementId == id);
            Assert.Equal(Verdict.Interrupted, finding.Verdict);
            Assert.Contains("mtls, also advertised, could not be judged: no TLS exchange with https://127.0.0.1:", finding.Message, StringComparison.Ordinal);
            Assert.Contains("tlsTrustFile", finding.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(outcome.Findings, f => f.Verdict == Verdict.Failed);
        // An interrupted AD-3 MUST is not demonstrated: the tier the run can show stops below AD-3.
        Assert.True(outcome.Coordinate.Ad < AdTier.Ad3, outcome.Coordinate.Label);
    }

    [Fact]
    public async Task AStatusClientsCertificateFile_IsPresentedInsteadOfASelfSignedOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent, withResourceServers: false);
        var server = reference.Target.AuthorizationServer;
        // A certificate a CA issued for each status client's registered key, as an AS taking tls_client_auth (RFC 8705 §2.1) would require.
        using var caKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var caRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Test CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        // One clock reading for both: a leaf may not outlive its CA, and two readings a second apart made it (a CI failure).
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(2));
        var clients = server.Clients.ToList();
        var issued = new List<System.Security.Cryptography.X509Certificates.X509Certificate2>();
        for (var i = 0; i < clients.Count; i++)
        {
            if (clients[i] is not { Role: "status", Key: { } jwk } status) continue;
            using var ecdsa = Harness.OAuth.MutualTls.PrivateKey(jwk)!;
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={status.ClientId}, O=Issued", ecdsa, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var unkeyed = request.Create(ca, now.AddMinutes(-5), now.AddHours(1), [1, 2, 3, 4]);
            using var keyed = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.CopyWithPrivateKey(unkeyed, ecdsa);
            var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
                keyed.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
            issued.Add(certificate);
            clients[i] = status with { Certificate = certificate };
        }
        var target = reference.Target with { AuthorizationServers = [server with { Clients = clients }] };
        try
        {
            var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new MissionStatusScenario()], ct, reference.Peers);

            var finding = Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-MS-001");
            Assert.Equal(Verdict.Passed, finding.Verdict);
            Assert.Contains("mtls (the target file's certificate (", finding.Message, StringComparison.Ordinal);
            Assert.Contains("O=Issued", finding.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var certificate in issued) certificate.Dispose();
        }
    }

    [Fact]
    public void AnAliasThatEndsTheHandshake_HasRefusedTheUnauthenticated_WhileOneThatAnswersAnotherKey_Fails()
    {
        static Harness.OAuth.WireResponse Response(System.Net.HttpStatusCode status) => new(status, "application/json", "no-store", "{}");
        static Checks.StatusAnswer Answer(System.Net.HttpStatusCode status) => new(Response(status), "nonce", "https://rs.example/mcp", "rs", "msn_1", DateTimeOffset.UtcNow);
        static Checks.MissionStatusEvidence With(Checks.MutualTlsAttempt mtls)
            => new("https://as.example/", null, "{}", Answer(System.Net.HttpStatusCode.OK), Response(System.Net.HttpStatusCode.Unauthorized), Response(System.Net.HttpStatusCode.Unauthorized),
                "nonce", Answer(System.Net.HttpStatusCode.NotFound), null, Response(System.Net.HttpStatusCode.BadRequest), null, null, []) { MutualTls = mtls };
        var alias = new Uri("https://127.0.0.1:8443/missions/status");
        var check = new Checks.StatusRequiresAuthentication();

        var handshake = check.Judge(With(new Checks.MutualTlsAttempt(alias, Answer(System.Net.HttpStatusCode.OK), null, null)
        {
            WithoutCertificateHandshakeRefusal = "certificate required", OtherKeyHandshakeRefusal = "unknown CA",
        }));
        var answered = check.Judge(With(new Checks.MutualTlsAttempt(alias, Answer(System.Net.HttpStatusCode.OK),
            Response(System.Net.HttpStatusCode.Unauthorized), Response(System.Net.HttpStatusCode.OK))));

        Assert.True(handshake.Holds, handshake.Message);
        Assert.Contains("without a certificate (refused in the TLS handshake (certificate required))", handshake.Message, StringComparison.Ordinal);
        Assert.False(answered.Holds);
        Assert.Contains("with a certificate of another key HTTP 200", answered.Message, StringComparison.Ordinal);
    }
}
