using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// Mission Status at the simulated AS, which can also fail for one Mission (MBO-MAS-003), and the two requests with a
/// schema: a Mission Status request, which a Resource Server under test sends to the simulated AS
/// (MBO-RS-C-008 reads what was wrong with it), and a Token Exchange request, which only the harness sends and refuses to
/// send malformed (a refusal of it would prove nothing about the target).
/// </summary>
public sealed class RequestSchemaTests : IDisposable
{
    private readonly SimulatedAuthorizationServer _as = SimulatedAuthorizationServer.Start(0, new PeerLog());
    private readonly HttpClient _http = new();

    private MissionClient Client => new(_http, new AuthorizationServerMetadata(JsonSerializer.SerializeToElement(_as.Metadata())));

    [Fact]
    public async Task MissionStatus_TheHarnessOwnRequest_PassesTheSchemaItHoldsResourceServersTo()
    {
        var mission = _as.CreateMission("user-alice", "agent", [], TimeSpan.FromMinutes(5));

        var answer = await StatusAsync(mission.Id, MissionClient.NewNonce());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(_as.StatusRequestErrorsFor(mission.Id));
        Assert.Equal(1, _as.StatusRequestsFor(mission.Id));
    }

    [Fact]
    public async Task MissionStatus_ANonceShorterThanTheAbnf_IsRecordedAgainstTheMission()
    {
        var mission = _as.CreateMission("user-alice", "agent", [], TimeSpan.FromMinutes(5));

        await StatusAsync(mission.Id, "0123456789a");

        var error = Assert.Single(_as.StatusRequestErrorsFor(mission.Id));
        Assert.StartsWith("the request breaks mission-status-request.schema.json: /nonce: \"0123456789a\" does not match", error, StringComparison.Ordinal);
        Assert.DoesNotContain("client_assertion", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissionStatus_FailedForOneMission_GivesNoUsableAnswer_AndStillAnswersAnother()
    {
        var unavailable = _as.CreateMission("user-alice", "agent", [], TimeSpan.FromMinutes(5));
        var garbled = _as.CreateMission("user-alice", "agent", [], TimeSpan.FromMinutes(5));
        var other = _as.CreateMission("user-alice", "agent", [], TimeSpan.FromMinutes(5));

        _as.FailStatus(unavailable, StatusOutage.Unavailable);
        _as.FailStatus(garbled, StatusOutage.Garbage);

        var refused = await StatusAsync(unavailable.Id, MissionClient.NewNonce());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("temporarily_unavailable", refused.Member("error"));
        var garbage = await StatusAsync(garbled.Id, MissionClient.NewNonce());
        Assert.Null(garbage.ContentType);
        Assert.Equal(HttpStatusCode.OK, (await StatusAsync(other.Id, MissionClient.NewNonce())).Status);
        Assert.Equal(1, _as.StatusRequestsFor(other.Id));
        Assert.Equal(0, _as.StatusRequestsFor(unavailable.Id) + _as.StatusRequestsFor(garbled.Id));
    }

    [Fact]
    public async Task Exchange_WithAnActorTokenButNoType_IsAHarnessErrorAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.ExchangeAsync(new ClientCredentials("agent", "secret"), "at",
            [new("actor_token", "a.b.c")], TestContext.Current.CancellationToken));

        Assert.Equal("harness error: its Token Exchange request breaks token-exchange-request.schema.json: /actor_token_type: required member \"actor_token_type\" is missing", error.Message);
    }

    private async Task<WireResponse> StatusAsync(string mission, string nonce)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        return await Client.MissionStatusAsync(new Uri(_as.StatusEndpoint), new ClientCredentials("rs-finance", Key: jwk), mission, "https://finance.example/mcp", nonce,
            TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        _as.Dispose();
        _http.Dispose();
    }
}
