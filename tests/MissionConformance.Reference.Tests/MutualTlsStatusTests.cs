using System.Net;
using System.Security.Cryptography;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// mtls at Mission Status (mission-status.md "Authentication", RFC 8705): the reference's TLS listener on 127.0.0.1 is
/// the mtls_endpoint_aliases entry of Mission Status, where a status client presents a self-signed certificate of the
/// key it is registered with (§2.2) and names itself by client_id.
/// </summary>
public sealed class MutualTlsStatusTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    private static readonly ClientCredentials Docs = RunningReference.StatusClient("rs-docs");

    [Fact]
    public async Task MetadataAndTheMissionAuthorityDocument_AdvertiseMtls_WithAnHttpsAliasOnLoopback()
    {
        var metadata = Reference.Client.Metadata.Document;
        var document = (await Reference.Client.GetDocumentAsync(new Uri(Reference.Issuer.TrimEnd('/') + "/.well-known/mission-authority"), RunningReference.Ct)).Json;

        var alias = new Uri(metadata.GetProperty("mtls_endpoint_aliases").GetProperty("mission_status_endpoint").GetString()!);
        Assert.Equal(Uri.UriSchemeHttps, alias.Scheme);
        Assert.Equal("127.0.0.1", alias.Host);
        Assert.Equal(Reference.Client.Metadata.MissionStatusEndpoint!.AbsolutePath, alias.AbsolutePath);
        Assert.NotEqual(new Uri(Reference.Issuer).Port, alias.Port);
        Assert.Equal(alias.AbsoluteUri, document.GetProperty("mtls_endpoint_aliases").GetProperty("mission_status_endpoint").GetString());
        Assert.Contains("mtls", metadata.GetProperty("mission_status_auth_methods_supported").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("mtls", document.GetProperty("mission_status_auth_methods_supported").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task ACertificateOfTheRegisteredKey_IsAnswered_AndNoCertificateAnotherKeysOrTwoMethodsAreNot()
    {
        var missionId = (await Reference.ObtainAsync()).MissionId;
        using var certificate = MutualTls.SelfSignedCertificate(Docs.Key!, Docs.ClientId)!;
        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = MutualTls.SelfSigned(strangerKey, Docs.ClientId);

        var answered = await FaultProbes.MutualTlsStatusAsync(Reference, missionId, certificate);
        var none = await FaultProbes.MutualTlsStatusAsync(Reference, missionId, null);
        var otherKey = await FaultProbes.MutualTlsStatusAsync(Reference, missionId, stranger);
        var twoMethods = await FaultProbes.MutualTlsStatusAsync(Reference, missionId, certificate, withAssertion: true);

        Assert.True(answered.Status == HttpStatusCode.OK, $"{(int)answered.Status} {answered.Body}");
        Assert.Equal("application/mission-status-response+jwt", answered.ContentType);
        Assert.Equal("rs-docs", DecodedJwt.Decode(answered.Body).Payload.GetProperty("sub").GetString());
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (none.Status, none.Member("error")));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (otherKey.Status, otherKey.Member("error")));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (twoMethods.Status, twoMethods.Member("error")));
    }

    [Fact]
    public async Task TheTlsListener_ServesTheAliasOnly_AndTheHarnessTrustsItsCertificateOnlyWhenTold()
    {
        var alias = new Uri(Reference.Client.Metadata.Document.GetProperty("mtls_endpoint_aliases").GetProperty("mission_status_endpoint").GetString()!);
        using var trusting = MutualTls.Client(new Harness.Wire.WireLog(), null, [Reference.Stack.TlsCertificate], TimeSpan.FromSeconds(20));
        using var untrusting = MutualTls.Client(new Harness.Wire.WireLog(), null, [], TimeSpan.FromSeconds(20));

        using var metadata = await trusting.GetAsync(new Uri(alias, "/.well-known/oauth-authorization-server"), RunningReference.Ct);

        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(alias, RunningReference.Ct));
    }
}
