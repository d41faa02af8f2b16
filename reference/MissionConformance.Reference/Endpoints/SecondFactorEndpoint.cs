using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// The step-up page: a signed-in approver whose Mission asks for context.acr
/// <see cref="AuthenticationContext.SecondFactor"/> enters the account's second factor before consent.
/// </summary>
public sealed class SecondFactorEndpoint(IAntiforgery antiforgery)
{
    public const string Path = "/login/second-factor";

    public static IResult Challenge(HttpContext http)
        => Results.Redirect(Path + "?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

    public IResult Show(HttpContext http)
        => HtmlPages.SecondFactor(http, antiforgery, LoginEndpoint.SafeReturnUrl(http.Request.Query["returnUrl"]), error: null);

    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return HtmlPages.Error("Request refused", "The form expired or was forged; reload the page.", StatusCodes.Status400BadRequest);
        }
        var login = await http.AuthenticateAsync(LoginEndpoint.Scheme);
        if (!login.Succeeded)
        {
            return HtmlPages.Error("Not signed in", "Sign in with your password first.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LoginEndpoint.SafeReturnUrl(form["returnUrl"]);
        var account = TestPrincipals.Accounts.Single(a => a.Subject == login.Principal!.FindFirstValue("sub"));
        if (!string.Equals(form["code"], account.SecondFactor, StringComparison.Ordinal))
        {
            return HtmlPages.SecondFactor(http, antiforgery, returnUrl, "That code is not right.");
        }
        await http.SignInAsync(LoginEndpoint.Scheme, LoginEndpoint.Principal(account, AuthenticationContext.SecondFactor));
        return Results.Redirect(returnUrl);
    }
}
