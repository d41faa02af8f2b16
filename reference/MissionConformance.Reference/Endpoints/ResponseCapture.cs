using Microsoft.AspNetCore.Http;

namespace MissionConformance.Reference.Endpoints;

/// <summary>For the seams that rewrite an answer (faults, variants): the rest of the pipeline runs with its body held back.</summary>
internal static class ResponseCapture
{
    /// <summary>Runs <paramref name="next"/> with the response body held back, and returns it unsent.</summary>
    public static async Task<byte[]> CaptureAsync(HttpContext context, Func<Task> next)
    {
        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
        }
        return captured.ToArray();
    }
}
