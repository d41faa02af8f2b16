using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Anchors;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// A tool call held as an MCP task while its Access Request awaits approval (runtime.md §11: requestable
/// denial at an MCP PEP). The client holds only the taskId; the call is carried out, if at all, after the
/// approval and a fresh decision.
/// </summary>
public sealed class PendingCall(string taskId, string missionId, McpTool tool, JsonObject arguments, Uri statusEndpoint, DateTimeOffset createdAt)
{
    private int _settling;

    public string TaskId => taskId;

    public string MissionId => missionId;

    public McpTool Tool => tool;

    public JsonObject Arguments => arguments;

    public Uri StatusEndpoint => statusEndpoint;

    /// <summary>working, completed or failed (MCP task status).</summary>
    public string Status { get; private set; } = "working";

    public string StatusMessage { get; private set; } = "awaiting approval of an access request";

    public JsonObject? Result { get; private set; }

    /// <summary>True for the one caller that may settle the task; a second poll while it settles sees it working.</summary>
    public bool TryBeginSettling() => Interlocked.CompareExchange(ref _settling, 1, 0) == 0;

    public void Complete(JsonObject result)
    {
        Result = result;
        StatusMessage = "carried out after approval and a fresh decision";
        Status = "completed";
    }

    public void Fail(string why)
    {
        StatusMessage = why;
        Status = "failed";
    }

    /// <summary>Back to working, for the next poll (the approval is still pending).</summary>
    public void EndSettling() => Volatile.Write(ref _settling, 0);

    /// <summary>The MCP Task object (tasks/get, and CreateTaskResult's task).</summary>
    public JsonObject Describe() => new()
    {
        ["taskId"] = taskId,
        ["status"] = Status,
        ["statusMessage"] = StatusMessage,
        ["createdAt"] = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["ttl"] = 600_000,
        ["pollInterval"] = 500,
    };
}

/// <summary>The tasks a server holds, each readable only with a token for the Mission it was created for.</summary>
public sealed class McpTasks
{
    private readonly ConcurrentDictionary<string, PendingCall> _tasks = new(StringComparer.Ordinal);

    public PendingCall Create(string missionId, McpTool tool, JsonObject arguments, Uri statusEndpoint)
    {
        var call = new PendingCall("task_" + IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(16)), missionId, tool, arguments, statusEndpoint, DateTimeOffset.UtcNow);
        _tasks[call.TaskId] = call;
        return call;
    }

    /// <summary>The task, when it exists and belongs to <paramref name="missionId"/> (another Mission's task is as unknown as a missing one).</summary>
    public PendingCall? Find(string? taskId, string? missionId)
        => taskId is not null && _tasks.TryGetValue(taskId, out var call) && call.MissionId == missionId ? call : null;
}
