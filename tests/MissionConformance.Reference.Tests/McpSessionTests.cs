using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MissionConformance.Harness.Mcp;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// MCP Streamable HTTP sessions (2025-06-18 §2.5) at a reference Resource Server, as stateful MCP servers keep them, and the harness's
/// client opening one channel per credential, reusing it, and opening it again when the server has ended it.
/// </summary>
public sealed class McpSessionTests
{
    private const string Call = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"query_financials","arguments":{"fiscal_period":"2026-Q3","max_rows":10}}}""";

    private static async Task<HttpStatusCode> PostAsync(ProbedResourceServer rs, string token, string body, string? session, string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, rs.Server.Resource) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (session is not null) request.Headers.Add(McpClient.SessionHeader, session);
        if (version is not null) request.Headers.Add(McpClient.ProtocolVersionHeader, version);
        using var response = await rs.Client.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task ACallOutsideASession_Is400_AnUnknownSession404_AnUnspokenVersion400_AndTheSameCallInItsSessionIsServed()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var token = rs.Token();

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(rs, token, Call, null));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(rs, token, Call, "no-such-session"));
        Assert.Empty(rs.Server.Executions);

        using var initialize = new HttpRequestMessage(HttpMethod.Post, rs.Server.Resource)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""", Encoding.UTF8, "application/json"),
        };
        initialize.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var opened = await rs.Client.Http.SendAsync(initialize, TestContext.Current.CancellationToken);
        var session = Assert.Single(opened.Headers.GetValues(McpClient.SessionHeader));
        Assert.Matches("^[\\x21-\\x7E]{32,}$", session);

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(rs, token, Call, session, "1999-01-01"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(rs, token, Call, session, McpSessions.ProtocolVersion));
        Assert.Single(rs.Server.Executions);
    }

    [Fact]
    public async Task TheClient_OpensOneChannelPerCredential_AndReusesIt()
    {
        await using var rs = await ProbedResourceServer.StartAsync(FaultSet.None);
        var token = rs.Token();

        Assert.True(await rs.ServedAsync(token));
        Assert.True(await rs.ServedAsync(token));
        Assert.True((await rs.Client.ListToolsAsync(rs.Server.Resource, token, TestContext.Current.CancellationToken)).Result is not null);
        Assert.Equal(1, rs.Client.OpenedChannels);

        Assert.True(await rs.ServedAsync(rs.Token(s => s with { Scope = "query_financials" })));
        Assert.Equal(2, rs.Client.OpenedChannels);
    }

    /// <summary>
    /// A scripted MCP server on 127.0.0.1: initialize opens session s1, s2, … (or none, when <paramref name="stateless"/>); a request
    /// naming a session it does not hold is 404; notifications are 202; a tools/call is a result. <paramref name="forget"/> ends every session.
    /// </summary>
    private sealed class ScriptedMcpServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HashSet<string> _sessions = [];
        private readonly Lock _gate = new();

        private ScriptedMcpServer(WebApplication app) => _app = app;

        public int Initializations { get; private set; }

        public int Calls { get; private set; }

        public List<string?> PresentedSessions { get; } = [];

        public string Endpoint => _app.Urls.First() + "/mcp";

        public void Forget()
        {
            lock (_gate) _sessions.Clear();
        }

        public static async Task<ScriptedMcpServer> StartAsync(bool stateless)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new ScriptedMcpServer(app);
            app.MapPost("/mcp", async http =>
            {
                var rpc = (await System.Text.Json.Nodes.JsonNode.ParseAsync(http.Request.Body))!;
                var method = (string)rpc["method"]!;
                var presented = http.Request.Headers[McpClient.SessionHeader].ToString() is { Length: > 0 } p ? p : null;
                lock (server._gate)
                {
                    if (method == "initialize")
                    {
                        server.Initializations++;
                        if (!stateless)
                        {
                            var id = "s" + server.Initializations;
                            server._sessions.Add(id);
                            http.Response.Headers[McpClient.SessionHeader] = id;
                        }
                    }
                    else
                    {
                        server.PresentedSessions.Add(presented);
                        if (!stateless && (presented is null || !server._sessions.Contains(presented)))
                        {
                            http.Response.StatusCode = 404;
                            return;
                        }
                        if (method.StartsWith("notifications/", StringComparison.Ordinal))
                        {
                            http.Response.StatusCode = 202;
                            return;
                        }
                        server.Calls++;
                    }
                }
                var result = method == "initialize"
                    ? """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"scripted","version":"1"}}"""
                    : """{"content":[{"type":"text","text":"done"}],"isError":false}""";
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync($$"""{"jsonrpc":"2.0","id":{{rpc["id"]!.ToJsonString()}},"result":{{result}}}""");
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static Task<McpResponse> CallAsync(McpClient client, string endpoint)
        => client.CallToolAsync(endpoint, "a-token", "query_financials", [], TestContext.Current.CancellationToken);

    [Fact]
    public async Task TheClient_ReopensAChannelTheServerEnded_AndMakesTheCallAgainOnce()
    {
        await using var server = await ScriptedMcpServer.StartAsync(stateless: false);
        using var http = new HttpClient();
        var client = new McpClient(http);

        Assert.True((await CallAsync(client, server.Endpoint)).Served);
        server.Forget();
        Assert.True((await CallAsync(client, server.Endpoint)).Served);

        Assert.Equal(2, server.Initializations);
        Assert.Equal(2, server.Calls);
        // notifications/initialized and the call in s1; the call in s1 (404); notifications/initialized and the call in s2.
        Assert.Equal(["s1", "s1", "s1", "s2", "s2"], server.PresentedSessions);
    }

    [Fact]
    public async Task AtAStatelessServer_TheClientSendsNoSession_AndOpensTheChannelOnce()
    {
        await using var server = await ScriptedMcpServer.StartAsync(stateless: true);
        using var http = new HttpClient();
        var client = new McpClient(http);

        Assert.True((await CallAsync(client, server.Endpoint)).Served);
        Assert.True((await CallAsync(client, server.Endpoint)).Served);

        Assert.Equal(1, server.Initializations);
        Assert.All(server.PresentedSessions, Assert.Null);
    }
}
