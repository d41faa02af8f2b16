using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// The authorization endpoint (passthrough after OpenIddict restored the pushed request): signs the
/// approver in, renders consent for the pending Mission, and on the consent POST activates the
/// Mission and issues the code, or records the denial.
/// </summary>
public sealed class AuthorizationEndpoint(
    MissionStore store, MissionIntentValidator validator, ReferenceSettings settings, Hooks<IAuthorizationHook> hooks, IAntiforgery antiforgery)
{
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("the OpenIddict request is missing from the passthrough authorization endpoint");

        var login = await http.AuthenticateAsync(LoginEndpoint.Scheme);
        if (!login.Succeeded)
        {
            if (HttpMethods.IsPost(http.Request.Method))
            {
                return HtmlPages.Error("Not signed in", "Sign in again and restart the approval.", StatusCodes.Status400BadRequest);
            }
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.Path + http.Request.QueryString }, [LoginEndpoint.Scheme]);
        }
        var approver = TestPrincipals.Accounts.Single(a => a.Subject == login.Principal!.FindFirstValue("sub"));

        var mission = await FindPendingAsync(http, request);
        if (mission is null)
        {
            return Refuse(Errors.InvalidRequest, "no pending Mission for this authorization request");
        }

        // oauth-profile.md §5 step 1 (MC-AS-APR-101): the approver meets the Intent's context.acr before consent.
        var acr = new AcrCheck(AuthenticationContext.Satisfies(login.Principal!.FindFirstValue(AuthenticationContext.ClaimType), mission.RequiredAcr));
        hooks.Run(h => h.AcrChecked(acr));
        if (!acr.Satisfied)
        {
            return HttpMethods.IsGet(http.Request.Method)
                ? SecondFactorEndpoint.Challenge(http)
                : HtmlPages.Error("Stronger sign-in required", "This Mission needs your second factor before it can be approved.", StatusCodes.Status400BadRequest);
        }
        var ready = new ConsentStep(store, mission, http.RequestAborted);
        await hooks.RunAsync(h => h.ApproverReadyAsync(ready));
        mission = ready.Mission;

        // MBO-AS-APR-005: the subject is the authenticated user, or whom they chose among those the AS lets them
        // approve for (oauth-profile.md §5 step 2); never client input.
        var choice = new SubjectChoice(mission, approver);
        hooks.Run(h => h.ChoosingSubject(choice));
        TestAccount subject;
        if (choice.Subject is { } chosenByHook)
        {
            subject = chosenByHook;
        }
        else if (approver.Represents.Count == 0)
        {
            subject = approver;
        }
        else if (ActingForEndpoint.Chosen(login.Principal!, approver) is { } chosen)
        {
            subject = chosen;
        }
        else
        {
            return HttpMethods.IsGet(http.Request.Method)
                ? ActingForEndpoint.Challenge(http)
                : HtmlPages.Error("Whom is this Mission for?", "Choose whom you approve this Mission for, then approve it again.", StatusCodes.Status400BadRequest);
        }
        var superseded = mission.Supersedes is { } priorId ? await store.FindAsync(priorId, http.RequestAborted) : null;
        var disclosure = ConsentDisclosure.Build(mission, subject, approver, settings.Catalogue, superseded);
        hooks.Run(h => h.DisclosureBuilt(new DisclosureDraft(disclosure, subject != approver)));

        if (HttpMethods.IsGet(http.Request.Method))
        {
            var consentForm = new ConsentForm(request, mission, new() { [Parameters.ClientId] = request.ClientId!, [Parameters.RequestUri] = request.RequestUri ?? "" });
            hooks.Run(h => h.ConsentRendering(consentForm));
            return HtmlPages.Consent(http, antiforgery, disclosure, consentForm.HiddenFields);
        }

        var antiForgery = new AntiForgeryCheck(await antiforgery.IsRequestValidAsync(http));
        hooks.Run(h => h.AntiForgeryChecked(antiForgery));
        if (!antiForgery.Valid)
        {
            return HtmlPages.Error("Request refused", "The consent form is missing its anti-forgery token.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        await ActingForEndpoint.ForgetAsync(http, login.Principal!, approver);
        if (form["decision"] == "approve")
        {
            await hooks.RunAsync(h => h.ApprovingAsync(new ConsentStep(store, mission, http.RequestAborted)));
            var approved = new ApprovalResult(await store.ApproveAsync(mission.Id, subject.Subject, approver.Subject, disclosure, http.RequestAborted));
            hooks.Run(h => h.Approved(approved));
            if (!approved.IssuesCode)
            {
                return Refuse(Errors.InvalidRequest, "the Mission is no longer awaiting approval");
            }
            return IssueCode(approved.Approved!, subject);
        }

        await store.RejectAsync(mission.Id, approver.Subject, http.RequestAborted);
        var denied = new DenialResult(mission, subject, Refuse(Errors.AccessDenied, "the user denied the Mission"));  // MBO-AS-APR-003
        hooks.Run(h => h.Denied(denied));
        return denied.Answer;
    }

    private async Task<MissionRecord?> FindPendingAsync(HttpContext http, OpenIddictRequest request)
    {
        // FrontChannelHandler has refused a request without request_uri: this one continues a pushed request.
        var mission = string.IsNullOrEmpty(request.RequestUri) ? null : await store.FindByRequestUriAsync(request.RequestUri, http.RequestAborted);
        var pending = new PendingMission(http, request, store, validator, mission);
        await hooks.RunAsync(h => h.PendingFoundAsync(pending));
        return pending.Mission is { } found && pending.Continues(found) ? found : null;
    }

    /// <summary>The code for <paramref name="mission"/>, approved for <paramref name="subject"/>.</summary>
    internal static IResult IssueCode(MissionRecord mission, TestAccount subject)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject.Subject);
        identity.SetClaim(TokenEndpoint.MissionRecordClaim, mission.Id);
        var principal = new ClaimsPrincipal(identity);
        principal.SetDestinations(_ => []);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description)
        => Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
