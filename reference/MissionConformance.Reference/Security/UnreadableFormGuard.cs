using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MissionConformance.Reference.Endpoints.Token;

namespace MissionConformance.Reference.Security;

/// <summary>
/// A form body the server cannot read is the client's error, never the server's: ASP.NET Core's form reader throws on a
/// value over its 4 MiB limit and on a NUL character, which reached the endpoints as a 500 with an empty body and nothing
/// logged. Every form is read here first, before OpenIddict or an endpoint reads it (they get the cached form, and the body
/// stays rewindable); one that cannot be read is answered 400 invalid_request with the reason, and logged.
/// </summary>
public static partial class UnreadableFormGuard
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            context.Request.EnableBuffering();
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or BadHttpRequestException)
            {
                Refused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnreadableFormGuard)), context.Request.Path, e.Message);
                await TokenEndpoint.OAuthError("invalid_request", "the form body cannot be read: " + e.Message).ExecuteAsync(context);
                return;
            }
            context.Request.Body.Position = 0;
        }
        await next();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "request to {Path} refused with invalid_request: its form body cannot be read ({Reason})")]
    private static partial void Refused(ILogger log, string path, string reason);
}
