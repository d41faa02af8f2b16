using System.Net;
using System.Text;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// A status client with a secret only (an introspection principal of an AS that authenticates callers with HTTP Basic, as the
/// TypeScript AS does) introspects with client_secret_basic, asking for the signed form when told to (RFC 9701).
/// </summary>
public sealed class IntrospectionCallerTests
{
    private sealed class Recorder : HttpMessageHandler
    {
        public HttpRequestMessage? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var metadata = request.RequestUri!.AbsolutePath == "/.well-known/oauth-authorization-server";
            if (!metadata) Last = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(metadata ? """{"issuer":"https://as.example","token_endpoint":"https://as.example/token"}""" : """{"active":false}""", Encoding.UTF8, "application/json"),
            });
        }
    }

    [Fact]
    public async Task ASecretOnlyCaller_UsesBasic_AndKeepsTheAcceptHeader()
    {
        var recorder = new Recorder();
        using var http = new HttpClient(recorder);
        var client = await MissionClient.DiscoverAsync(http, new Uri("https://as.example"), TestContext.Current.CancellationToken);

        await client.IntrospectAsync(new Uri("https://as.example/introspect"), new ClientCredentials("rs-payments", "s"), "t", TestContext.Current.CancellationToken,
            accept: "application/token-introspection+jwt");

        Assert.Equal("Basic", recorder.Last!.Headers.Authorization!.Scheme);
        Assert.Equal("application/token-introspection+jwt", Assert.Single(recorder.Last.Headers.Accept).MediaType);
    }
}
