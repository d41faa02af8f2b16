using System.Net;
using System.Text;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Tests;

/// <summary>Target file discovery (issue 21 item 1): several metadata documents merged, the first that has a member giving it, and said where from.</summary>
public sealed class DiscoveryTests
{
    private sealed class Documents(Dictionary<string, string> byPath) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            => Task.FromResult(byPath.TryGetValue(request.RequestUri!.AbsolutePath, out var body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
    }

    private static readonly Uri Issuer = new("https://as.example");

    private static readonly Dictionary<string, string> Published = new()
    {
        ["/.well-known/oauth-authorization-server"] = """{"issuer":"https://as.example","token_endpoint":"https://as.example/token","scopes_supported":["a"]}""",
        ["/.well-known/openid-configuration"] = """{"issuer":"https://other.example","scopes_supported":["b"],"mission_bound_authorization_supported":true}""",
    };

    [Fact]
    public async Task TwoDocuments_AreMerged_TheFirstWinning_AndEachMemberSaysWhereItCameFrom()
    {
        using var http = new HttpClient(new Documents(Published));
        Uri[] documents = [new("https://as.example/.well-known/oauth-authorization-server"), new("https://as.example/.well-known/openid-configuration")];

        var metadata = (await MissionClient.DiscoverAsync(http, Issuer, TestContext.Current.CancellationToken, documents: documents)).Metadata;

        Assert.Equal("https://as.example", metadata.Issuer);  // the first document's
        Assert.Equal("a", metadata.Document.GetProperty("scopes_supported")[0].GetString());
        Assert.True(metadata.Document.GetProperty("mission_bound_authorization_supported").GetBoolean());  // only in the second
        Assert.Equal(documents[1], metadata.Sources["mission_bound_authorization_supported"]);
        Assert.Equal(documents[0], metadata.Sources["scopes_supported"]);
        Assert.NotNull(metadata.Artifact);  // the merged document is what is validated
    }

    [Fact]
    public async Task WithoutDiscovery_TheRfc8414DocumentAloneIsRead()
    {
        using var http = new HttpClient(new Documents(Published));

        var metadata = (await MissionClient.DiscoverAsync(http, Issuer, TestContext.Current.CancellationToken)).Metadata;

        Assert.False(metadata.Document.TryGetProperty("mission_bound_authorization_supported", out _));
        Assert.All(metadata.Sources.Values, source => Assert.Equal("/.well-known/oauth-authorization-server", source.AbsolutePath));
    }
}
