using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// MC-AS-APR-101 (oauth-profile.md §5 step 1): an Intent's context.acr is met before consent; and MBO-AS-EXP-005 (§13): the
/// step-up never expands the Mission, judged against the same Intent approved without context.acr.
/// </summary>
public sealed class StepUpScenario : Scenario
{
    public override string Id => "consent.step-up";
    public override string Title => "an Intent asking for stronger authentication gets it before consent, and no more authority for it";
    public override IReadOnlyList<ICheck> Checks { get; } = [new StepUpBeforeConsent(), new StepUpNeverExpands()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        if (flow.Server.Consent.StepUpAcr is not { } acr)
        {
            foreach (var id in Requirements) context.SkipForWant(id, "authorizationServers[0].consent.stepUp.acr", "the target file names no acr that makes this AS step up (authorizationServers[0].consent.stepUp.acr)");
            return;
        }
        var intent = flow.Intent();
        intent["context"] ??= new System.Text.Json.Nodes.JsonObject();
        intent["context"]!["acr"] = acr;
        var (pkce, consent, _) = await flow.ApproveAsync(intent);
        var stepUpPages = flow.Server.Consent.Script.Pages.Where(p => p.Kind == ConsentPageKind.StepUp).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var stepUp = new StepUpEvidence(acr, consent.Pages, stepUpPages);
        context.Judge(new StepUpBeforeConsent(), stepUp);

        if (consent.Code is null)
        {
            context.Blocked("MBO-AS-EXP-005", "the stepped-up approval issued no code (see MC-AS-APR-101)");
            return;
        }
        var steppedUp = await flow.RedeemAsync(consent.Code, pkce.Verifier);
        var baseline = await flow.ObtainAsync(flow.Intent());
        context.Judge(new StepUpNeverExpands(), new StepUpAuthorityEvidence(acr, stepUp.SteppedUp, steppedUp, baseline.Token));
    }
}

/// <summary>MC-AS-APR-102 (RFC 6749 §10.12): an approval a cross-site page could submit creates nothing.</summary>
public sealed class ForgedApprovalScenario : Scenario
{
    public override string Id => "consent.forgery";
    public override string Title => "an approval without the consent page's anti-forgery value issues no code";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ApprovalNotForgeable()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var (_, requestUri) = await flow.PushAcceptedAsync(flow.Intent(), Pkce.Create());
        var outcome = await flow.ConsentAsync(requestUri, ConsentDecision.ForgedApproval);
        context.Judge(new ApprovalNotForgeable(), new ForgeryEvidence(outcome));
    }
}

/// <summary>
/// MC-AS-APR-104 (oauth-profile.md §5 step 2): when the approver is not the subject, the consent page names
/// the subject. The target file's delegate account approves on behalf of another of its accounts, chosen on the AS's page;
/// or, where the AS itself makes someone else the subject of what an approver approves (approvesFor), that approver's flow.
/// </summary>
public sealed class OnBehalfConsentScenario : Scenario
{
    public override string Id => "consent.on-behalf";
    public override string Title => "an approval on behalf of someone else shows whom the Mission is for";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ConsentNamesSubject()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        if (flow.Server.Delegate is not { } assistant || flow.Server.Account(assistant.OnBehalfOf!) is not { } subject)
        {
            if (flow.Server.Approver is { ApprovesFor: { } represented } approver && represented != approver.Subject)
            {
                await JudgeApprovesForAsync(context, flow, approver, represented);
                return;
            }
            context.SkipForWant("MC-AS-APR-104", "an account with role \"delegate\" and onBehalfOf, or an approver with approvesFor (authorizationServers[0].accounts[])",
                "the target file names no account that approves on behalf of another (authorizationServers[0].accounts[] with role \"delegate\" and onBehalfOf, or approvesFor)");
            return;
        }
        var (pkce, consent, _) = await flow.ApproveAsync(flow.Intent(), account: assistant);
        var token = await flow.RedeemAsync(consent.Code!, pkce.Verifier);
        if (!token.Succeeded)
        {
            throw new ScenarioInterruptedException($"the code {assistant.Username} approved was not redeemed: HTTP {(int)token.Response.Status} {MissionFlow.Excerpt(token.Response.Body)}");
        }
        // Only an approval whose Mission is really the other person's exercises the requirement.
        if (subject.Subject is { } expected && token.Claim("sub") != expected)
        {
            throw new ScenarioInterruptedException($"{assistant.Username} approved on behalf of {subject.Username}, yet the token's sub is {token.Claim("sub") ?? "(none)"}, not {expected}: "
                + "the flow did not choose the subject (check the consent script's page for choosing whom to approve for, and ${onBehalfOf})");
        }
        context.JudgeRendering(new ConsentNamesSubject(), new SubjectShown(consent.ConsentPageText, assistant.Username, subject.DisplayName ?? subject.Subject ?? subject.Username), consent.Screenshots);
    }

    /// <summary>An approver whose Missions the AS makes another subject's (approvesFor): the page must name that subject.</summary>
    private static async Task JudgeApprovesForAsync(ScenarioContext context, MissionFlow flow, TargetAccount approver, string represented)
    {
        var (pkce, consent, _) = await flow.ApproveAsync(flow.Intent(), account: approver);
        var token = await flow.RedeemAsync(consent.Code!, pkce.Verifier);
        if (!token.Succeeded)
        {
            throw new ScenarioInterruptedException($"the code {approver.Username} approved was not redeemed: HTTP {(int)token.Response.Status} {MissionFlow.Excerpt(token.Response.Body)}");
        }
        // Only a Mission that is really the other subject's exercises the requirement (MBO-AS-TOK-010 judges sub itself).
        if (token.Claim("sub") != represented)
        {
            context.Skip("MC-AS-APR-104", $"not judged: {approver.Username}'s Mission was to be {represented}'s (approvesFor), yet the token's sub is {token.Claim("sub") ?? "(none)"} (see MBO-AS-TOK-010)");
            return;
        }
        context.JudgeRendering(new ConsentNamesSubject(), new SubjectShown(consent.ConsentPageText, approver.Username, represented), consent.Screenshots);
    }
}
