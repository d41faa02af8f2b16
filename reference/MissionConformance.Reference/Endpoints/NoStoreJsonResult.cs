using Microsoft.AspNetCore.Http;

namespace MissionConformance.Reference.Endpoints;

/// <summary>A JSON body (an error, or an answer OpenIddict does not write) with Cache-Control: no-store unless told otherwise (RFC 6749 §5.1, §5.2).</summary>
public sealed class NoStoreJsonResult(object body, int status, bool cacheable = false) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (!cacheable)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
        }
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(body, body.GetType());
    }
}
