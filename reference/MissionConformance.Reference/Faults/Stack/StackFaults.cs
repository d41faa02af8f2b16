using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Endpoints.Token;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace MissionConformance.Reference.Faults.Stack;

[FaultHook(Fault.TokenResponseCacheable)]
internal sealed class TokenResponseCacheable : IStackFault
{
    public void Use(IApplicationBuilder app) => app.Use((context, next) => FaultSeams.CacheableTokenResponses(context, () => next()));
}

[FaultHook(Fault.StatusDpopAnswerReplayed)]
internal sealed class StatusDpopAnswerReplayed : IStackFault
{
    public void Use(IApplicationBuilder app)
    {
        var answers = new FaultSeams.ReplayedDpopStatus();
        app.Use((context, next) => answers.InvokeAsync(context, () => next()));
    }
}

[FaultHook(Fault.AuthorizationCodeReusable)]
internal sealed class AuthorizationCodeReusable : IStackFault
{
    public void Use(IApplicationBuilder app)
    {
        var codes = new FaultSeams.ReusableCodes();
        app.Use((context, next) => codes.InvokeAsync(context, () => next()));
    }
}

/// <summary>The login and consent pages may be framed: the anti-framing headers are dropped as each answer starts.</summary>
[FaultHook(Fault.FramableConsent)]
internal sealed class FramableConsent : IStackFault
{
    public void Use(IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.Remove("X-Frame-Options");
            context.Response.Headers.Remove("Content-Security-Policy");
            return Task.CompletedTask;
        });
        return next();
    });
}

/// <summary>Token Exchange of an ID-JAG this AS issued, re-projected to another Resource AS (<see cref="IdJagReprojection"/>).</summary>
[FaultHook(Fault.ExchangeCopiesPairwiseRef)]
internal sealed class ExchangeCopiesPairwiseRef : IStackFault
{
    public void AddServices(IServiceCollection services) => services.AddScoped<IdJagReprojection>();

    public void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/" + TokenEndpoint.Path && context.Request.HasFormContentType)
        {
            // UnreadableFormGuard has read the form already; this is its cached copy.
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form["grant_type"] == OpenIddictConstants.GrantTypes.TokenExchange && IdJagReprojection.SubjectTokenTypes.Contains(form["subject_token_type"].ToString()))
            {
                await (await context.RequestServices.GetRequiredService<IdJagReprojection>().IssueAsync(context, form)).ExecuteAsync(context);
                return;
            }
        }
        await next();
    });
}

[FaultHook(Fault.SkipPkceVerification)]
internal sealed class SkipPkceVerification : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateCodeVerifier.Descriptor);
}

[FaultHook(Fault.ParNotRequired)]
internal sealed class ParNotRequired : IStackFault
{
    public void Configure(OpenIddictServerBuilder server)
    {
        server.RemoveEventHandler(FrontChannelHandler.Descriptor);
        server.AddEventHandler(FaultSeams.FrontChannelWithoutPar.Descriptor);
    }
}

[FaultHook(Fault.AuthorizationResponseWithoutIss)]
internal sealed class AuthorizationResponseWithoutIss : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.AddEventHandler(FaultSeams.AuthorizationResponseWithoutIss.Descriptor);
}

[FaultHook(Fault.TokenRevocationRevokesMission)]
internal sealed class TokenRevocationRevokesMission : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.AddEventHandler(RevocationRevokesMissionHandler.Descriptor);
}

[FaultHook(Fault.NoRefreshRotation)]
internal sealed class NoRefreshRotation : IStackFault
{
    public RefreshRotation Rotation(RefreshRotation rotation) => new(Confidential: false, Public: false);
}
