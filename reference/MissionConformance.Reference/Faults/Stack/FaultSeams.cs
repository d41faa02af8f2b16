using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Endpoints;
using OpenIddict.Server;

namespace MissionConformance.Reference.Faults.Stack;

/// <summary>
/// Faults that live beside the correct path instead of inside it: each is a handler or middleware the stack registers only
/// when its fault is active (<see cref="ReferenceStack"/>), so the correct code has no branch for it.
/// </summary>
public static class FaultSeams
{
    /// <summary>Fault AuthorizationResponseWithoutIss: the authorization response drops the RFC 9207 iss OpenIddict attached.</summary>
    public sealed class AuthorizationResponseWithoutIss : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyAuthorizationResponseContext>()
                .UseSingletonHandler<AuthorizationResponseWithoutIss>()
                .SetOrder(OpenIddictServerHandlers.Authentication.AttachIssuer.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyAuthorizationResponseContext context)
        {
            context.Response.Iss = null;
            return default;
        }
    }

    /// <summary>
    /// Fault ParNotRequired: in place of <see cref="FrontChannelHandler"/>, a front-channel request is refused only when it
    /// carries mission_intent; one without request_uri goes on to sign-in, though metadata says PAR is required.
    /// </summary>
    public sealed class FrontChannelWithoutPar : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateAuthorizationRequestContext>()
                .UseSingletonHandler<FrontChannelWithoutPar>()
                .SetOrder(FrontChannelHandler.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ValidateAuthorizationRequestContext context)
        {
            if (string.IsNullOrEmpty(context.Request.RequestUri) && context.Request[MissionParameters.MissionIntent] is not null)
            {
                context.Reject("invalid_request", "mission_intent must be pushed through PAR, never sent on the front channel");
            }
            return default;
        }
    }

    /// <summary>Fault TokenResponseCacheable: token endpoint answers that carry tokens are marked cacheable for five minutes.</summary>
    public static Task CacheableTokenResponses(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path == "/" + TokenEndpoint.Path)
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode != StatusCodes.Status200OK) return Task.CompletedTask;
                context.Response.Headers.CacheControl = "public, max-age=300";
                context.Response.Headers.Pragma = default;
                return Task.CompletedTask;
            });
        }
        return next();
    }

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
            var body = await ResponseCapture.CaptureAsync(context, next);
            if (context.Response.StatusCode == StatusCodes.Status200OK && Interlocked.Exchange(ref _last, body) is { } previous && dpop) body = previous;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>
    /// Fault AuthorizationCodeReusable: a code redeemed once is redeemed again, answered with the tokens of its first
    /// redemption, where RFC 6749 §4.1.2 has the AS refuse it (and should revoke what it issued).
    /// </summary>
    public sealed class ReusableCodes
    {
        private readonly ConcurrentDictionary<string, byte[]> _answers = new(StringComparer.Ordinal);

        public async Task InvokeAsync(HttpContext context, Func<Task> next)
        {
            if (context.Request.Path != "/" + TokenEndpoint.Path || !context.Request.HasFormContentType)
            {
                await next();
                return;
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form["grant_type"] != "authorization_code" || form["code"].ToString() is not { Length: > 0 } code)
            {
                await next();
                return;
            }
            if (_answers.TryGetValue(code, out var replay))
            {
                context.Response.ContentType = "application/json;charset=UTF-8";
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.Body.WriteAsync(replay, context.RequestAborted);
                return;
            }
            var body = await ResponseCapture.CaptureAsync(context, next);
            if (context.Response.StatusCode == StatusCodes.Status200OK) _answers[code] = body;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
