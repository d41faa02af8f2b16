using System.Net;
using System.Text;
using System.Text.Json;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// Validation at capture (issue 20): each client call that receives a specified artifact declares which, for the status it
/// came back with, and the response arrives validated against that artifact's schema; checks read the result from it.
/// </summary>
public sealed class CaptureValidationTests
{
    private sealed class Canned(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }

    private static readonly JsonElement Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string>
    {
        ["issuer"] = "https://as.example/", ["pushed_authorization_request_endpoint"] = "https://as.example/par", ["token_endpoint"] = "https://as.example/token",
        ["authorization_endpoint"] = "https://as.example/authorize", ["jwks_uri"] = "https://as.example/jwks", ["mission_lifecycle_endpoint"] = "https://as.example/lifecycle",
    });

    private static MissionClient Answering(HttpStatusCode status, string body) => new(new HttpClient(new Canned(status, body)), new AuthorizationServerMetadata(Metadata));

    private static readonly ClientCredentials Agent = new("agent", "secret");

    [Fact]
    public async Task APushedRequest_IsValidatedAsAParResponse_OrAnOAuthError()
    {
        var accepted = await Answering(HttpStatusCode.Created, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":60}""").PushAsync(Agent, [], TestContext.Current.CancellationToken);
        var malformed = await Answering(HttpStatusCode.Created, """{"expires_in":"sixty"}""").PushAsync(Agent, [], TestContext.Current.CancellationToken);
        var refused = await Answering(HttpStatusCode.BadRequest, """{"error":"invalid_request"}""").PushAsync(Agent, [], TestContext.Current.CancellationToken);

        Assert.Equal(ArtifactKind.ParResponse, accepted.Artifact?.Kind);
        Assert.Empty(accepted.SchemaErrors);
        Assert.NotEmpty(malformed.SchemaErrors);
        Assert.Equal(ArtifactKind.OAuthError, refused.Artifact?.Kind);
    }

    [Fact]
    public async Task AnExchangeForAnIdJag_IsValidatedAsAnIdJagResponse()
    {
        var client = Answering(HttpStatusCode.OK, """{"access_token":"a.b.c","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer"}""");

        var idJag = await client.ExchangeAsync(Agent, "subject", [new("requested_token_type", TokenTypes.IdJag), new("audience", "https://ras.example/")], TestContext.Current.CancellationToken,
            TokenTypes.RefreshToken);
        var exchanged = await client.ExchangeAsync(Agent, "subject", [new("resource", "https://rs.example/")], TestContext.Current.CancellationToken);

        Assert.Equal(ArtifactKind.IdJagResponse, idJag.Artifact?.Kind);
        Assert.NotEmpty(idJag.SchemaErrors);  // an access token's labels, not an ID-JAG's
        Assert.Equal(ArtifactKind.TokenExchangeResponse, exchanged.Artifact?.Kind);
    }

    [Fact]
    public async Task ALifecycleConflict_IsValidatedAsAConcurrentModification()
    {
        var conflict = await Answering(HttpStatusCode.Conflict, """{"error":"mission_concurrent_modification"}""")
            .LifecycleAsync(Agent, "msn_1", "resume", null, TestContext.Current.CancellationToken, withAssertion: false);

        Assert.Equal(ArtifactKind.ConcurrentModification, conflict.Artifact?.Kind);
        Assert.NotEmpty(conflict.SchemaErrors);  // current_state and observed_state are missing
    }
}
