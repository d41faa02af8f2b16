using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints;

namespace MissionConformance.Reference.Configuration;

/// <summary>Variants that change answers rather than policy: middleware the stack registers only when its variant is active.</summary>
public static class VariantSeams
{
    /// <summary>
    /// Variant ErrorBodiesWithExtraMembers: every JSON error body gains error_uri (RFC 6749 §5.2) and an x_ extension member,
    /// which a client must ignore (RFC 6749 §8.2: parameters it does not understand).
    /// </summary>
    public static async Task ErrorBodiesWithExtraMembers(HttpContext context, Func<Task> next)
    {
        var body = await ResponseCapture.CaptureAsync(context, next);
        if (context.Response.StatusCode >= 400 && context.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && TryParseObject(body) is { } error && error.ContainsKey("error"))
        {
            error["error_uri"] ??= "https://reference.mission-conformance.example/errors/" + (string?)error["error"];
            error["x_trace_id"] = Guid.NewGuid().ToString("N");
            body = System.Text.Encoding.UTF8.GetBytes(error.ToJsonString());
        }
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static JsonObject? TryParseObject(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
