using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Endpoints;

/// <summary>The approver's login page (oauth-profile.md §5 step 1: authenticate the approver).</summary>
public sealed class LoginEndpoint(IAntiforgery antiforgery)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Path = "/login";

    public IResult Show(HttpContext http)
        => HtmlPages.Login(http, antiforgery, SafeReturnUrl(http.Request.Query["ReturnUrl"]), error: null);

    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return HtmlPages.Error("Request refused", "The sign-in form expired or was forged; reload the page.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturnUrl(form["returnUrl"]);
        var account = TestPrincipals.Accounts.FirstOrDefault(a =>
            string.Equals(a.Username, form["username"], StringComparison.Ordinal) &&
            string.Equals(a.Password, form["password"], StringComparison.Ordinal));
        if (account is null)
        {
            return HtmlPages.Login(http, antiforgery, returnUrl, "Unknown username or wrong password.");
        }

        await http.SignInAsync(Scheme, Principal(account, AuthenticationContext.Password));
        return Results.Redirect(returnUrl);
    }

    /// <summary>The session principal: the account, the authentication context it reached, and whom it chose to approve for.</summary>
    public static ClaimsPrincipal Principal(TestAccount account, string acr, string? actingFor = null)
    {
        List<Claim> claims = [new("sub", account.Subject), new("name", account.DisplayName), new(AuthenticationContext.ClaimType, acr)];
        if (actingFor is not null) claims.Add(new Claim(ActingForEndpoint.ClaimType, actingFor));
        return new(new ClaimsIdentity(claims, Scheme, "name", "role"));
    }

    /// <summary>Only local paths: the login page is no open redirector.</summary>
    public static string SafeReturnUrl(string? value)
        => value is { Length: > 0 } && value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal) && !value.StartsWith("/\\", StringComparison.Ordinal)
            ? value
            : "/";
}
