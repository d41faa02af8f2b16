using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
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

    private static string Jws(string payload)
        => $"{Base64UrlEncoder.Encode("""{"alg":"ES256","typ":"mission-status+jwt"}""")}.{Base64UrlEncoder.Encode(payload)}.c2ln";

    [Fact]
    public async Task AMissionStatusAnswer_IsValidatedByItsPayload_AndABodyThatIsNoJws_IsOneError()
    {
        var endpoint = new Uri("https://as.example/status");
        var signed = await Answering(HttpStatusCode.OK, Jws("""{"state":"dormant"}"""))
            .MissionStatusAsync(endpoint, Agent, "msn_1", "https://rs.example/", "n-1", TestContext.Current.CancellationToken, withAssertion: false);
        var plain = await Answering(HttpStatusCode.OK, """{"state":"active"}""")
            .MissionStatusAsync(endpoint, Agent, "msn_1", "https://rs.example/", "n-1", TestContext.Current.CancellationToken, withAssertion: false);

        Assert.Equal(ArtifactKind.MissionStatus, signed.Artifact?.Kind);
        Assert.Contains(signed.SchemaErrors, e => e.Pointer == "/state");  // not one of the seven states
        Assert.Equal("jws", Assert.Single(plain.SchemaErrors).Keyword);
    }

    [Fact]
    public void AJwtDecodedAsAnAccessToken_CarriesItsHeaderAndClaimsValidation()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"ES256","typ":"JWT"}""");
        var claims = Base64UrlEncoder.Encode("""{"iss":"https://as.example/","sub":"u","aud":"https://rs.example/","exp":2,"iat":1,"jti":"j","client_id":"agent","act":{"client_id":7}}""");

        var token = Crypto.DecodedJwt.Decode($"{header}.{claims}.c2ln", Crypto.JwtArtifact.AccessToken);
        var plain = Crypto.DecodedJwt.Decode($"{header}.{claims}.c2ln");

        Assert.Contains(token.HeaderArtifact!.Errors, e => e.Pointer == "/typ");  // RFC 9068 §2.1: at+jwt
        Assert.NotEmpty(token.PayloadArtifact!.Under("/act"));
        Assert.All(token.PayloadArtifact.Under("/act"), e => Assert.False(e.Pointer.StartsWith("/act", StringComparison.Ordinal)));
        Assert.Null(plain.PayloadArtifact);  // decoded as nothing in particular: nothing claims it was validated
    }

    [Fact]
    public async Task ADocumentFetchedAsAnArtifact_IsValidated_OnlyWhenServed()
    {
        var url = new Uri("https://as.example/.well-known/mission-authority");
        var served = await Answering(HttpStatusCode.OK, """{"issuer":7}""").GetDocumentAsync(url, TestContext.Current.CancellationToken, ArtifactKind.MissionAuthority);
        var missing = await Answering(HttpStatusCode.NotFound, "{}").GetDocumentAsync(url, TestContext.Current.CancellationToken, ArtifactKind.MissionAuthority);

        Assert.Equal(ArtifactKind.MissionAuthority, served.Artifact?.Kind);
        Assert.NotEmpty(served.SchemaErrors);
        Assert.Null(missing.Artifact);
    }

    [Fact]
    public void WhatThePeersTake_IsValidatedAsTheyTakeIt()
    {
        var set = new Peers.ReceivedEvent("application/secevent+jwt", Jws("""{"iss":"https://as.example/"}"""), DateTimeOffset.UnixEpoch);
        var evaluation = new Peers.Evaluation(null, """{"subject":{}}""", DateTimeOffset.UnixEpoch, null, Peers.PdpAnswer.Permit, "d-1");

        Assert.Equal(ArtifactKind.LifecycleEventSet, set.Artifact.Kind);
        Assert.NotEmpty(set.Artifact.Errors);
        Assert.Equal(ArtifactKind.EvaluationRequest, evaluation.Artifact.Kind);
        Assert.NotEmpty(evaluation.Artifact.Errors);
    }
}
