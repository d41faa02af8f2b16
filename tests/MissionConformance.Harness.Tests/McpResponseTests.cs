using System.Net;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Tests;

/// <summary>How the harness reads an MCP server's answer: a JSON body or an SSE stream, and anything else as neither result nor refusal.</summary>
public sealed class McpResponseTests
{
    private const string Result = """{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"done"}],"isError":false}}""";

    private static McpResponse Answer(HttpStatusCode status, string contentType, string body) => new(new WireResponse(status, contentType, null, body), null);

    [Fact]
    public void JsonBody_WithAResult_IsServed()
    {
        var response = Answer(HttpStatusCode.OK, "application/json", Result);

        Assert.True(response.Served);
        Assert.Empty(response.ProtocolErrors);
    }

    [Fact]
    public void EventStream_TheResponseEventIsRead_AfterANotification()
    {
        var stream = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\r\n\r\n"
            + "event: message\ndata: " + Result + "\n\n";

        var response = Answer(HttpStatusCode.OK, "text/event-stream", stream);

        Assert.True(response.Served);
        Assert.Empty(response.ProtocolErrors);
    }

    [Theory]
    [InlineData("text/html", "<html>ok</html>", "holds no JSON-RPC message")]
    [InlineData("application/json", "{\"ok\":true", "holds no JSON-RPC message")]
    [InlineData("application/json", "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}", "/jsonrpc")]
    [InlineData("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1}", "exactly one")]
    public void TwoHundred_ThatIsNoJsonRpcResponse_HasProtocolErrors_AndIsNotServed(string contentType, string body, string expected)
    {
        var response = Answer(HttpStatusCode.OK, contentType, body);

        Assert.False(response.Served);
        Assert.Contains(response.ProtocolErrors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Refusal_OverHttp_IsNoProtocolError()
        => Assert.Empty(Answer(HttpStatusCode.Forbidden, "text/html", "<html>forbidden</html>").ProtocolErrors);
}
