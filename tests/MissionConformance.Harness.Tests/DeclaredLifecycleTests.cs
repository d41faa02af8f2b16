using System.Net;
using System.Text;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// Target file lifecycle (issue 21 item 1): a lifecycle endpoint the metadata does not advertise is called where, in the
/// body and with the credential the file declares, and the credential never reaches the wire log.
/// </summary>
public sealed class DeclaredLifecycleTests
{
    private const string Metadata = """{"issuer":"https://as.example","token_endpoint":"https://as.example/token"}""";

    private sealed class Recorder : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri!.AbsolutePath == "/.well-known/oauth-authorization-server")
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Metadata, Encoding.UTF8, "application/json") };
            }
            Seen.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct)));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"state":"suspended"}""", Encoding.UTF8, "application/json") };
        }
    }

    private static async Task<(MissionClient Client, Recorder Wire, WireLog Log)> ClientAsync(DeclaredEndpoint? lifecycle, Edition edition, DeclaredEndpoint? status = null)
    {
        var recorder = new Recorder();
        var log = new WireLog();
        var http = new HttpClient(new CapturingHandler(log, recorder));
        var client = await MissionClient.DiscoverAsync(http, new Uri("https://as.example"), TestContext.Current.CancellationToken);
        return (client.Declaring(lifecycle, edition, status), recorder, log);
    }

    [Fact]
    public async Task DeclaredJsonEndpoint_WithTheMissionInThePath_GetsAJsonBody_AndTheCredentialHeader()
    {
        var declared = new DeclaredEndpoint("https://as.example/missions/{mission}/lifecycle", DeclaredBody.Json, new DeclaredAuthentication("x-service-token", "s3cret-service-token"));
        var (client, wire, log) = await ClientAsync(declared, Edition.Ietf202608);

        Assert.True(client.HasLifecycle);  // the metadata advertises none
        await client.LifecycleAsync(new ClientCredentials("agent"), "msn_a/b", "suspend", "n1", TestContext.Current.CancellationToken);

        var (request, body) = Assert.Single(wire.Seen);
        Assert.Equal("https://as.example/missions/msn_a%2Fb/lifecycle", request.RequestUri!.AbsoluteUri);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("""{"operation":"suspend","nonce":"n1"}""", body);
        Assert.Equal("s3cret-service-token", request.Headers.GetValues("x-service-token").Single());
        var logged = Assert.Single(log.Exchanges, e => e.Url.Contains("/lifecycle", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret-service-token", string.Join(" ", logged.RequestHeaders.Select(h => h.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAssertion_TheCredentialIsLeftOff_ForThe401Checks()
    {
        var declared = new DeclaredEndpoint("https://as.example/lifecycle", DeclaredBody.Form, new DeclaredAuthentication("Authorization", "Bearer t"));
        var (client, wire, _) = await ClientAsync(declared, Edition.Ietf202608);

        await client.LifecycleAsync(new ClientCredentials("agent", "agent-secret"), "msn_1", "suspend", "n1", TestContext.Current.CancellationToken, withAssertion: false);

        var (request, body) = Assert.Single(wire.Seen);
        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);  // the client's secret, never the declared credential
        Assert.Equal("mission_id=msn_1&operation=suspend&nonce=n1", body);  // the edition's member, in the body
    }

    [Fact]
    public async Task WithoutDeclaration_TheSeedRequestGoesToTheAdvertisedEndpointOnly()
    {
        var (client, _, _) = await ClientAsync(null, Edition.Seed);

        Assert.False(client.HasLifecycle);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.LifecycleAsync(new ClientCredentials("agent"), "msn_1", "suspend", null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DeclaredStatusByQuery_IsAGet_WithTheMissionInThePath_AndTheCredentialHeader()
    {
        var declared = new DeclaredEndpoint("https://as.example/missions/{mission}/status", DeclaredBody.Query, new DeclaredAuthentication("x-service-token", "s3cret-service-token"));
        var (client, wire, log) = await ClientAsync(null, Edition.Ietf202608, declared);

        await client.DeclaredStatusAsync(new ClientCredentials("rs"), "msn_1", "https://rs.example/mcp", "n0nce", TestContext.Current.CancellationToken);

        var (request, body) = Assert.Single(wire.Seen);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://as.example/missions/msn_1/status?audience=https%3A%2F%2Frs.example%2Fmcp&nonce=n0nce", request.RequestUri!.AbsoluteUri);
        Assert.Equal("", body);
        Assert.Equal("s3cret-service-token", request.Headers.GetValues("x-service-token").Single());
        Assert.DoesNotContain("s3cret-service-token", string.Join(" ", Assert.Single(log.Exchanges, e => e.Url.Contains("/status", StringComparison.Ordinal)).RequestHeaders.Select(h => h.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaredStatus_AskedAsTheEditionSays_IsAFormPost_NamingTheMission_WithoutANonceWhenNoneIsGiven()
    {
        var declared = new DeclaredEndpoint("https://as.example/missions/{mission}/status", DeclaredBody.Query, new DeclaredAuthentication("x-service-token", "t"));
        var (client, wire, _) = await ClientAsync(null, Edition.Ietf202608, declared);

        await client.DeclaredStatusAsync(new ClientCredentials("rs"), "msn_1", "aud", null, TestContext.Current.CancellationToken, asEditionSays: true);

        var (request, body) = Assert.Single(wire.Seen);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://as.example/missions/msn_1/status", request.RequestUri!.AbsoluteUri);
        Assert.Equal("mission_id=msn_1&audience=aud", body);
        Assert.Equal("t", request.Headers.GetValues("x-service-token").Single());
    }

    [Fact]
    public async Task DeclaredStatus_WithoutItsCredential_SendsTheClientsSecretAsBasic_NeverTheCredential()
    {
        var declared = new DeclaredEndpoint("https://as.example/missions/{mission}/status", DeclaredBody.Query, new DeclaredAuthentication("x-service-token", "t"));
        var (client, wire, _) = await ClientAsync(null, Edition.Ietf202608, declared);

        await client.DeclaredStatusAsync(new ClientCredentials("agent", "agent-secret"), "msn_1", "aud", "n", TestContext.Current.CancellationToken, withCredential: false);

        var (request, _) = Assert.Single(wire.Seen);
        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
        Assert.False(request.Headers.Contains("x-service-token"));
    }
}
