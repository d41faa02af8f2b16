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

    [Theory]
    [InlineData("tools/call", """{"jsonrpc":"2.0","id":3,"result":{"isError":false}}""", "mcp-call-tool-result.schema.json")]
    [InlineData("tools/list", """{"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"create_doc"}]}}""", "/result/tools/0/inputSchema")]
    [InlineData("tasks/get", """{"jsonrpc":"2.0","id":3,"result":{"taskId":"t","status":"pending"}}""", "/result/status")]
    public void AResultThatIsNotItsMethodsMcpResult_IsAProtocolError_NeitherServedNorARefusalToJudge(string method, string body, string named)
    {
        var response = Answer(HttpStatusCode.OK, "application/json", body) with { Method = method };

        Assert.Contains(response.ProtocolErrors, e => e.Contains(named, StringComparison.Ordinal));
        Assert.Null(response.Result);
        Assert.False(response.Served);
    }

    [Fact]
    public void AProperCallToolResult_IsServed_WithNoProtocolError()
    {
        var response = Answer(HttpStatusCode.OK, "application/json", Result) with { Method = "tools/call" };

        Assert.Empty(response.ProtocolErrors);
        Assert.True(response.Served);
    }
}
