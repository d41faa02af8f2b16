using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// oauth-profile.md §5 step 2: an approver who may approve for others (an assistant) says, before consent,
/// whom the Mission is for. The AS offers only the subjects it has authorised this approver for and checks
/// the answer again, so the subject never comes from the client. The choice lives in the approver's session
/// until the next consent decision.
/// </summary>
public sealed class ActingForEndpoint(IAntiforgery antiforgery)
{
    public const string Path = "/login/acting-for";
    public const string ClaimType = "acting_for";

    public static IResult Challenge(HttpContext http)
        => Results.Redirect(Path + "?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

    public async Task<IResult> Show(HttpContext http)
    {
        var login = await http.AuthenticateAsync(LoginEndpoint.Scheme);
        if (!login.Succeeded || TestPrincipals.FindAccount(login.Principal!.FindFirstValue("sub")) is not { } approver)
        {
            return HtmlPages.Error("Not signed in", "Sign in first.", StatusCodes.Status400BadRequest);
        }
        return HtmlPages.ActingFor(http, antiforgery, LoginEndpoint.SafeReturnUrl(http.Request.Query["returnUrl"]), Choices(approver), error: null);
    }

    public async Task<IResult> SubmitAsync(HttpContext http)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return HtmlPages.Error("Request refused", "The form expired or was forged; reload the page.", StatusCodes.Status400BadRequest);
        }
        var login = await http.AuthenticateAsync(LoginEndpoint.Scheme);
        if (!login.Succeeded || TestPrincipals.FindAccount(login.Principal!.FindFirstValue("sub")) is not { } approver)
        {
            return HtmlPages.Error("Not signed in", "Sign in first.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LoginEndpoint.SafeReturnUrl(form["returnUrl"]);
        var subject = form["subject"].ToString();
        if (!approver.MayApproveFor(subject))
        {
            return HtmlPages.ActingFor(http, antiforgery, returnUrl, Choices(approver), "You may not approve Missions for that person.");
        }
        await http.SignInAsync(LoginEndpoint.Scheme, LoginEndpoint.Principal(approver, login.Principal!.FindFirstValue(AuthenticationContext.ClaimType)!, actingFor: subject));
        return Results.Redirect(returnUrl);
    }

    /// <summary>The subject the approver chose for the approval in progress, if it is one they may still approve for.</summary>
    public static TestAccount? Chosen(ClaimsPrincipal session, TestAccount approver)
        => session.FindFirstValue(ClaimType) is { } subject && approver.MayApproveFor(subject) ? TestPrincipals.FindAccount(subject) : null;

    /// <summary>After a consent decision the choice is spent: the next Mission asks again.</summary>
    public static Task ForgetAsync(HttpContext http, ClaimsPrincipal session, TestAccount approver)
        => session.HasClaim(c => c.Type == ClaimType)
            ? http.SignInAsync(LoginEndpoint.Scheme, LoginEndpoint.Principal(approver, session.FindFirstValue(AuthenticationContext.ClaimType)!))
            : Task.CompletedTask;

    private static IEnumerable<(string Subject, string Name)> Choices(TestAccount approver)
        => new[] { (approver.Subject, approver.DisplayName + " (yourself)") }
            .Concat(approver.Represents.Select(s => TestPrincipals.FindAccount(s)).OfType<TestAccount>().Select(a => (a.Subject, a.DisplayName)));
}
