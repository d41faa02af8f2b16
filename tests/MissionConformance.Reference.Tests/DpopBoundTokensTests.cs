using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// Variant DpopBoundTokens (RFC 9449 §5, §8): the token endpoint asks for its nonce before anything is spent, binds what it
/// issues to the key a request proves, and redeems a public client's refresh token only with a proof of its key.
/// </summary>
public sealed class DpopBoundTokensTests : IAsyncLifetime
{
    private RunningReference _reference = null!;

    public async ValueTask InitializeAsync()
        => _reference = await RunningReference.StartAsync(new ReferenceStackOptions { Variants = VariantSet.Parse(nameof(Variant.DpopBoundTokens)) });

    public async ValueTask DisposeAsync() => await _reference.DisposeAsync();

    [Fact]
    public async Task Redemption_WithoutTheNonce_IsChallenged_AndTheCodeStillRedeems_BoundToTheProvedKey()
    {
        using var key = new DpopKey();
        var (pkce, consent) = await _reference.PushAndApproveAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, _reference.Client.Metadata.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "authorization_code"), new("code", consent.Code!), new("code_verifier", pkce.Verifier),
                new("redirect_uri", RunningReference.RedirectUri)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("agent-confidential:agent-confidential-secret")));
        request.Headers.Add("DPoP", key.Proof("POST", _reference.Client.Metadata.TokenEndpoint.AbsoluteUri, accessToken: null));

        using var challenge = await _reference.Http.SendAsync(request, RunningReference.Ct);
        var redeemed = await _reference.RedeemAsync(consent.Code!, pkce.Verifier, extra: null, dpop: key);

        Assert.Equal(HttpStatusCode.BadRequest, challenge.StatusCode);
        Assert.Contains("use_dpop_nonce", await challenge.Content.ReadAsStringAsync(RunningReference.Ct), StringComparison.Ordinal);
        Assert.True(challenge.Headers.Contains("DPoP-Nonce"));
        Assert.True(redeemed.Status == HttpStatusCode.OK, $"{(int)redeemed.Status} {redeemed.Body}\n{_reference.Log}");
        Assert.Equal("DPoP", redeemed.Member("token_type"));
        Assert.Equal(key.Thumbprint, DecodedJwt.Decode(redeemed.Member("access_token")!).Payload.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task PublicClientsRefreshToken_IsRefusedWithAnotherKey_AndServedWithItsOwn()
    {
        using var key = new DpopKey();
        using var stranger = new DpopKey();
        var (pkce, consent) = await _reference.PushAndApproveAsync(client: RunningReference.Public);
        var issued = await _reference.RedeemAsync(consent.Code!, pkce.Verifier, RunningReference.Public, dpop: key);
        var refreshToken = issued.Member("refresh_token")!;

        var withStranger = await _reference.Client.RefreshAsync(RunningReference.Public, refreshToken, null, RunningReference.Ct, stranger);
        var withoutProof = await _reference.Client.RefreshAsync(RunningReference.Public, refreshToken, null, RunningReference.Ct);
        var withOwn = await _reference.Client.RefreshAsync(RunningReference.Public, refreshToken, null, RunningReference.Ct, key);

        Assert.Equal(("invalid_grant", "invalid_grant"), (withStranger.ErrorCode, withoutProof.ErrorCode));
        Assert.True(withOwn.Status == HttpStatusCode.OK, $"{(int)withOwn.Status} {withOwn.Body}\n{_reference.Log}");
        Assert.Equal(key.Thumbprint, DecodedJwt.Decode(withOwn.Member("access_token")!).Payload.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task BoundAccessToken_IsExchangedOnlyWithAProofOfItsKey_AndTheResultStaysBound()
    {
        using var key = new DpopKey();
        using var stranger = new DpopKey();
        var (pkce, consent) = await _reference.PushAndApproveAsync();
        var token = (await _reference.RedeemAsync(consent.Code!, pkce.Verifier, dpop: key)).Member("access_token")!;

        var withStranger = await _reference.Client.ExchangeAsync(RunningReference.Confidential, token, null, RunningReference.Ct, dpop: stranger);
        var withOwn = await _reference.Client.ExchangeAsync(RunningReference.Confidential, token, null, RunningReference.Ct, dpop: key);

        Assert.Equal("invalid_grant", withStranger.ErrorCode);
        Assert.True(withOwn.Status == HttpStatusCode.OK, $"{(int)withOwn.Status} {withOwn.Body}\n{_reference.Log}");
        Assert.Equal(key.Thumbprint, DecodedJwt.Decode(withOwn.Member("access_token")!).Payload.GetProperty("cnf").GetProperty("jkt").GetString());
    }
}
