using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// An Authorization Server we did not write, reduced to one behaviour, for self-tests of the suite's verdicts: RFC 8414
/// metadata on 127.0.0.1 whose endpoints either all refuse, or all point at a closed loopback port.
/// </summary>
internal sealed class ScriptedAuthorizationServer : IDisposable
{
    private readonly WireMockServer _server;

    private ScriptedAuthorizationServer(WireMockServer server) => _server = server;

    public Uri Issuer => new(_server.Url! + "/");

    /// <summary>Answers every PAR, valid or not, with 400 invalid_request: the server a refusal check must not pass.</summary>
    public static ScriptedAuthorizationServer RefusingEveryPar()
    {
        var stub = Start();
        stub.Metadata(stub.Issuer.AbsoluteUri.TrimEnd('/'));
        stub._server.Given(Request.Create().WithPath("/par").UsingPost()).RespondWith(Response.Create().WithStatusCode(400)
            .WithHeader("Content-Type", "application/json").WithBody("""{"error":"invalid_request","error_description":"no"}"""));
        return stub;
    }

    /// <summary>Discovery works, and every endpoint it names is on <paramref name="closedPort"/>, where nothing listens.</summary>
    public static ScriptedAuthorizationServer WithEndpointsOn(int closedPort)
    {
        var stub = Start();
        stub.Metadata($"http://127.0.0.1:{closedPort}");
        return stub;
    }

    /// <summary>
    /// fixtures/targets/reference.json pointed at this server: the Authorization Server alone (no Resource Servers, Resource
    /// ASes, projection issuers or event receiver), consent by the form driver, key files by absolute path.
    /// </summary>
    public string WriteTargetFile(string folder)
    {
        var target = JsonNode.Parse(ExampleTarget.Text())!.AsObject();
        foreach (var member in new[] { "resourceServers", "peers", "scope" }) target.Remove(member);
        var server = target["authorizationServers"]![0]!.AsObject();
        server["issuer"] = Issuer.AbsoluteUri;
        foreach (var member in new[] { "projectionIssuers", "resourceAuthorizationServers", "lifecycleEvents", "tlsTrustFile" }) server.Remove(member);
        server["consent"]!["driver"] = "form";
        var file = Path.Combine(folder, "scripted-target.json");
        File.WriteAllText(file, target.ToJsonString());
        return file;
    }

    public void Dispose() => _server.Stop();

    private static ScriptedAuthorizationServer Start()
        => new(WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false }));

    private void Metadata(string endpoints)
    {
        var metadata = new JsonObject
        {
            ["issuer"] = Issuer.AbsoluteUri,
            ["authorization_endpoint"] = endpoints + "/authorize",
            ["token_endpoint"] = endpoints + "/token",
            ["pushed_authorization_request_endpoint"] = endpoints + "/par",
            ["jwks_uri"] = endpoints + "/jwks",
            ["response_types_supported"] = new JsonArray("code"),
            ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["require_pushed_authorization_requests"] = true,
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "private_key_jwt", "none"),
            ["mission_lifecycle_endpoint"] = endpoints + "/missions/lifecycle",
            ["mission_status_endpoint"] = endpoints + "/missions/status",
        };
        _server.Given(Request.Create().WithPath("/.well-known/oauth-authorization-server").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(metadata.ToJsonString()));
    }
}
