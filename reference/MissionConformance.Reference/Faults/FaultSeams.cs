using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints;

namespace MissionConformance.Reference.Faults;

/// <summary>
/// Faults that live beside the correct path instead of inside it: each is a handler or middleware the stack registers only
/// when its fault is active (<see cref="ReferenceStack"/>), so the correct code has no branch for it.
/// </summary>
public static class FaultSeams
{
    /// <summary>
    /// Fault StatusDpopAnswerReplayed: a Mission Status request authenticated by dpop_bearer that would be answered is answered
    /// with the answer signed before it instead (a cache keyed by nothing), so its nonce is another request's (MBO-MS-004).
    /// </summary>
    public sealed class ReplayedDpopStatus
    {
        private byte[]? _last;

        public async Task InvokeAsync(HttpContext context, Func<Task> next)
        {
            if (context.Request.Path != "/" + MissionStatusEndpoint.Path)
            {
                await next();
                return;
            }
            var dpop = context.Request.Headers.Authorization.ToString().StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase);
            var body = await CaptureAsync(context, next);
            if (context.Response.StatusCode == StatusCodes.Status200OK && Interlocked.Exchange(ref _last, body) is { } previous && dpop) body = previous;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>Runs the rest of the pipeline with the response body held back, and returns it unsent.</summary>
    private static async Task<byte[]> CaptureAsync(HttpContext context, Func<Task> next)
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
