using System.Net;
using System.Text;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// RFC 9449 §8 for every grant at a token endpoint (issue 21 item 1): an ID-JAG redeemed with the jwt-bearer grant at a Resource AS
/// that asks for a DPoP nonce is sent once more, with a fresh proof carrying that nonce; a proof given as is is never retried.
/// </summary>
public sealed class JwtBearerNonceTests
{
    private const string Metadata = """{"issuer":"https://ras.example","token_endpoint":"https://ras.example/token"}""";
    private const string Nonce = "eyJ7S_zG.eyJH0-Z.HX4w-7v";

    private sealed class NonceDemandingAs : HttpMessageHandler
    {
        public List<string?> ProofNonces { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri!.AbsolutePath.StartsWith("/.well-known/", StringComparison.Ordinal))
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Metadata, Encoding.UTF8, "application/json") });
            }
            var proof = request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null;
            var nonce = proof is null ? null : DecodedJwt.Decode(proof).Payload.TryGetProperty("nonce", out var n) ? n.GetString() : null;
            ProofNonces.Add(nonce);
            var answer = nonce == Nonce
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"access_token":"local","token_type":"DPoP"}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("""{"error":"use_dpop_nonce"}""", Encoding.UTF8, "application/json") };
            answer.Headers.Add("DPoP-Nonce", Nonce);
            return Task.FromResult(answer);
        }
    }

    private static async Task<(MissionClient Client, NonceDemandingAs As)> ClientAsync()
    {
        var resourceAs = new NonceDemandingAs();
        var client = await MissionClient.DiscoverAsync(new HttpClient(resourceAs), new Uri("https://ras.example"), TestContext.Current.CancellationToken);
        return (client, resourceAs);
    }

    [Fact]
    public async Task AnIdJagRedeemedWithAKey_IsSentAgainWithTheNonceTheResourceAsAsksFor()
    {
        var (client, resourceAs) = await ClientAsync();
        using var key = new DpopKey();

        var answer = await client.JwtBearerAsync(new ClientCredentials("agent", "secret"), "id-jag", key, null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal([null, Nonce], resourceAs.ProofNonces);
    }

    [Fact]
    public async Task AProofGivenAsIs_IsNeverRetried()
    {
        var (client, resourceAs) = await ClientAsync();
        using var key = new DpopKey();

        var answer = await client.JwtBearerAsync(new ClientCredentials("agent", "secret"), "id-jag", key.Proof("POST", "https://ras.example/token", accessToken: null), null,
            TestContext.Current.CancellationToken);

        Assert.Equal("use_dpop_nonce", answer.Member("error"));
        Assert.Single(resourceAs.ProofNonces);
    }
}
