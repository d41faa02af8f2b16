using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Endpoints.Token;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace MissionConformance.Reference.Faults.Stack;

[FaultHook(Fault.TokenResponseCacheable, "token endpoint answers carry Cache-Control: public, max-age=300 instead of no-store", "MC-AS-TOK-102")]
internal sealed class TokenResponseCacheable : IStackFault
{
    public void Use(IApplicationBuilder app) => app.Use((context, next) => FaultSeams.CacheableTokenResponses(context, () => next()));
}

[FaultHook(
    Fault.StatusDpopAnswerReplayed,
    "a dpop_bearer request is answered with the Mission Status answer signed before it, another request's nonce and all",
    "MBO-MS-004")]
internal sealed class StatusDpopAnswerReplayed : IStackFault
{
    public void Use(IApplicationBuilder app)
    {
        var answers = new FaultSeams.ReplayedDpopStatus();
        app.Use((context, next) => answers.InvokeAsync(context, () => next()));
    }
}

[FaultHook(
    Fault.AuthorizationCodeReusable,
    "a redeemed authorization code is redeemed again, with the tokens of its first redemption",
    "MC-AS-TOK-101")]
internal sealed class AuthorizationCodeReusable : IStackFault
{
    public void Use(IApplicationBuilder app)
    {
        var codes = new FaultSeams.ReusableCodes();
        app.Use((context, next) => codes.InvokeAsync(context, () => next()));
    }
}

/// <summary>The login and consent pages may be framed: the anti-framing headers are dropped as each answer starts.</summary>
[FaultHook(Fault.FramableConsent, "the login and consent pages send neither X-Frame-Options nor CSP frame-ancestors", "MC-AS-APR-103")]
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
[FaultHook(
    Fault.ExchangeCopiesPairwiseRef,
    "Token Exchange takes an ID-JAG this AS issued as subject_token and re-projects it to another Resource AS, copying its mission claim: the first sector's ref reaches the second",
    "MBO-AS-PW-003")]
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

[FaultHook(Fault.SkipPkceVerification, "redeems a code without verifying the PKCE code_verifier", "MBO-AS-PAR-016")]
internal sealed class SkipPkceVerification : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateCodeVerifier.Descriptor);
}

[FaultHook(
    Fault.ParNotRequired,
    "advertises require_pushed_authorization_requests, but serves a front-channel authorization request without request_uri",
    "MC-AS-PAR-101")]
internal sealed class ParNotRequired : IStackFault
{
    public void Configure(OpenIddictServerBuilder server)
    {
        server.RemoveEventHandler(FrontChannelHandler.Descriptor);
        server.AddEventHandler(FaultSeams.FrontChannelWithoutPar.Descriptor);
    }
}

[FaultHook(
    Fault.AuthorizationResponseWithoutIss,
    "advertises authorization_response_iss_parameter_supported, but the authorization response carries no iss",
    "MC-AS-APR-105")]
internal sealed class AuthorizationResponseWithoutIss : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.AddEventHandler(FaultSeams.AuthorizationResponseWithoutIss.Descriptor);
}

[FaultHook(Fault.TokenRevocationRevokesMission, "RFC 7009 revocation of a token also revokes its Mission", "MBO-AS-GATE-013")]
internal sealed class TokenRevocationRevokesMission : IStackFault
{
    public void Configure(OpenIddictServerBuilder server) => server.AddEventHandler(RevocationRevokesMissionHandler.Descriptor);
}

[FaultHook(Fault.NoRefreshRotation, "refresh tokens are not rotated and the predecessor stays valid", "MBO-AS-RT-002", "MBO-AS-RT-003")]
internal sealed class NoRefreshRotation : IStackFault
{
    public RefreshRotation Rotation(RefreshRotation rotation) => new(Confidential: false, Public: false);
}
