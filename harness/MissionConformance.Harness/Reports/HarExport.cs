using System.Text.Json.Nodes;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Reports;

/// <summary>wire.har: every exchange of the run, redacted at capture, as HTTP Archive 1.2.</summary>
public static class HarExport
{
    /// <summary>HAR 1.2 of the captured (already redacted) exchanges.</summary>
    public static JsonObject Build(WireLog wire) => new()
    {
        ["log"] = new JsonObject
        {
            ["version"] = "1.2",
            ["creator"] = new JsonObject { ["name"] = "MissionConformance", ["version"] = "0.1" },
            ["entries"] = new JsonArray(wire.Exchanges.Select(x => (JsonNode)new JsonObject
            {
                ["startedDateTime"] = x.StartedAt.ToString("O"), ["time"] = x.Duration.TotalMilliseconds, ["comment"] = $"{x.Id} [{x.Scenario}]{(x.Error is null ? "" : " " + x.Error)}",
                ["request"] = new JsonObject
                {
                    ["method"] = x.Method, ["url"] = x.Url, ["httpVersion"] = "HTTP/1.1", ["headers"] = Headers(x.RequestHeaders), ["queryString"] = new JsonArray(),
                    ["cookies"] = new JsonArray(), ["headersSize"] = -1, ["bodySize"] = x.RequestBody?.Length ?? 0,
                    ["postData"] = x.RequestBody is null ? null : new JsonObject { ["mimeType"] = x.RequestContentType ?? "", ["text"] = x.RequestBody },
                },
                ["response"] = new JsonObject
                {
                    ["status"] = x.Status ?? 0, ["statusText"] = "", ["httpVersion"] = "HTTP/1.1", ["headers"] = Headers(x.ResponseHeaders), ["cookies"] = new JsonArray(),
                    ["content"] = new JsonObject { ["size"] = x.ResponseBody?.Length ?? 0, ["mimeType"] = x.ResponseContentType ?? "", ["text"] = x.ResponseBody },
                    ["redirectURL"] = "", ["headersSize"] = -1, ["bodySize"] = x.ResponseBody?.Length ?? 0,
                },
                ["cache"] = new JsonObject(), ["timings"] = new JsonObject { ["send"] = 0, ["wait"] = x.Duration.TotalMilliseconds, ["receive"] = 0 },
            }).ToArray()),
        },
    };

    private static JsonArray Headers(IReadOnlyList<KeyValuePair<string, string>> headers)
        => new(headers.Select(h => (JsonNode)new JsonObject { ["name"] = h.Key, ["value"] = h.Value }).ToArray());
}
