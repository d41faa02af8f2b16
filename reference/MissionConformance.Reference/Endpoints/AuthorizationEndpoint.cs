using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
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
    MissionStore store, MissionIntentValidator validator, ReferenceSettings settings, FaultSet faults, IAntiforgery antiforgery)
{
    public const string PendingField = "mission_pending";

    /// <summary>Fault ChangeAuthorityAfterRender: the action a "policy change" adds after the page was rendered.</summary>
    public const string ChangedAuthorityAction = "delete_records";

    /// <summary>What the StepUpWidensAuthority fault adds to the first entry once the approver has stepped up.</summary>
    public const string SteppedUpAuthorityAction = "approve_payments";

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
        if (!AuthenticationContext.Satisfies(login.Principal!.FindFirstValue(AuthenticationContext.ClaimType), mission.RequiredAcr) && !faults.Has(Fault.IgnoreAcr))
        {
            return HttpMethods.IsGet(http.Request.Method)
                ? SecondFactorEndpoint.Challenge(http)
                : HtmlPages.Error("Stronger sign-in required", "This Mission needs your second factor before it can be approved.", StatusCodes.Status400BadRequest);
        }
        if (faults.Has(Fault.StepUpWidensAuthority) && mission.RequiredAcr is not null)
        {
            // The defect (MBO-AS-EXP-005): an approver who stepped up is trusted with more than the Intent asked for.
            mission = await store.AddActionToPendingAsync(mission.Id, SteppedUpAuthorityAction, http.RequestAborted) ?? mission;
        }

        // MBO-AS-APR-005: the subject is the authenticated user, or whom they chose among those the AS lets them
        // approve for (oauth-profile.md §5 step 2); never client input.
        TestAccount subject;
        if (faults.Has(Fault.SubjectFromLoginHint) && mission.LoginHint is { } hint)
        {
            subject = TestPrincipals.Accounts.FirstOrDefault(a => a.Username == hint || a.Subject == hint) ?? approver;
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
        var disclosure = ConsentDisclosure.Build(mission, subject, approver, settings.Catalogue, faults, superseded);

        if (HttpMethods.IsGet(http.Request.Method))
        {
            return HtmlPages.Consent(http, antiforgery, disclosure, HiddenFields(request, mission));
        }

        if (!faults.Has(Fault.NoAntiForgery) && !await antiforgery.IsRequestValidAsync(http))
        {
            return HtmlPages.Error("Request refused", "The consent form is missing its anti-forgery token.", StatusCodes.Status400BadRequest);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        await ActingForEndpoint.ForgetAsync(http, login.Principal!, approver);
        if (form["decision"] == "approve")
        {
            if (faults.Has(Fault.ChangeAuthorityAfterRender))
            {
                await store.AddActionToPendingAsync(mission.Id, ChangedAuthorityAction, http.RequestAborted);
            }
            var approved = await store.ApproveAsync(mission.Id, subject.Subject, approver.Subject, disclosure, http.RequestAborted);
            var activated = approved?.State == MissionState.Active
                || faults.Has(Fault.ActivateOnRedemption) && approved?.ApprovalEventId is not null;
            if (!activated)
            {
                return Refuse(Errors.InvalidRequest, "the Mission is no longer awaiting approval");
            }
            return IssueCode(approved!, subject);
        }

        await store.RejectAsync(mission.Id, approver.Subject, http.RequestAborted);
        if (faults.Has(Fault.DenyIssuesCode))
        {
            return IssueCode(mission, subject);
        }
        return Refuse(Errors.AccessDenied, "the user denied the Mission");  // MBO-AS-APR-003
    }

    private async Task<MissionRecord?> FindPendingAsync(HttpContext http, OpenIddictRequest request)
    {
        MissionRecord? mission;
        if (!string.IsNullOrEmpty(request.RequestUri))
        {
            mission = await store.FindByRequestUriAsync(request.RequestUri, http.RequestAborted);
            if (mission is not null && faults.Has(Fault.FrontChannelWidensAuthority) && http.Request.Query[MissionParameters.AuthorizationDetails] is { Count: > 0 } extra)
            {
                mission = await store.WidenPendingAsync(mission.Id, extra[0]!, http.RequestAborted);
            }
            if (mission is not null && faults.Has(Fault.FrontChannelScopeGranted) && http.Request.Query["scope"] is { Count: > 0 } scope)
            {
                mission = await store.GrantFrontChannelScopeAsync(mission.Id, scope[0]!, http.RequestAborted);
            }
        }
        else
        {
            // Reached only under the AcceptFrontChannelIntent fault: FrontChannelHandler refuses it otherwise.
            mission = await AdmitFrontChannelAsync(http, request);
        }
        var reusable = faults.Has(Fault.ReuseMissionIdForIdenticalIntent) && mission?.State == MissionState.Active;
        return mission?.State == MissionState.PendingApproval || reusable ? mission : null;
    }

    private async Task<MissionRecord?> AdmitFrontChannelAsync(HttpContext http, OpenIddictRequest request)
    {
        if (HttpMethods.IsPost(http.Request.Method))
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return await store.FindByRequestUriAsync(form[PendingField].ToString(), http.RequestAborted);
        }
        var validation = validator.Validate((string?)request[MissionParameters.MissionIntent] ?? "", TestPrincipals.FindClient(request.ClientId)!);
        return validation.Admitted is { } admitted
            ? await store.CreatePendingAsync(admitted, request.ClientId!, "front:" + MissionStore.RandomToken(12), [], request.LoginHint, http.RequestAborted)
            : null;
    }

    private static Dictionary<string, string> HiddenFields(OpenIddictRequest request, MissionRecord mission)
    {
        if (!string.IsNullOrEmpty(request.RequestUri))
        {
            return new() { [Parameters.ClientId] = request.ClientId!, [Parameters.RequestUri] = request.RequestUri };
        }
        var fields = request.GetParameters().ToDictionary(p => p.Key, p => (string?)p.Value ?? "");
        fields[PendingField] = mission.RequestUri!;
        return fields;
    }

    private static IResult IssueCode(MissionRecord mission, TestAccount subject)
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
