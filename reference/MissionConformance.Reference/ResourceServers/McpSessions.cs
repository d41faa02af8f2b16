using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Anchors;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// MCP Streamable HTTP sessions (2025-06-18 §2.5), as stateful MCP servers keep them: initialize opens one and names it in the
/// Mcp-Session-Id response header; every later request must carry it (400 without, 404 for one this server does not hold) and, when it
/// names one, a MCP-Protocol-Version this server speaks (400 otherwise). The server's other checks come first, so a request refused
/// for its token or its Mission is refused for that, session or not.
/// </summary>
public sealed class McpSessions
{
    public const string ProtocolVersion = "2025-06-18";

    public const string SessionHeader = "Mcp-Session-Id";

    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);

    /// <summary>A new session: a visible-ASCII id of 256 random bits (§2.5.1: globally unique, cryptographically secure).</summary>
    public string Open()
    {
        var id = IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(32));
        _open[id] = DateTimeOffset.UtcNow;
        return id;
    }

    /// <summary>Whether the request belongs to an open session; if not, the JSON-RPC error is written.</summary>
    public async Task<bool> AcceptAsync(HttpContext http, JsonNode? id)
    {
        var session = http.Request.Headers[SessionHeader].ToString();
        var version = http.Request.Headers[ProtocolVersionHeader].ToString();
        var (status, message) = session.Length == 0 ? (400, "Bad Request: no Mcp-Session-Id; initialize first")
            : !_open.ContainsKey(session) ? (404, "Not Found: no such session")
            : version.Length > 0 && version != ProtocolVersion ? (400, $"Bad Request: unsupported MCP-Protocol-Version {version}")
            : (0, null);
        if (message is null) return true;
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = -32000, ["message"] = message } });
        return false;
    }
}
