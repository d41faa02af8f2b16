namespace MissionConformance.Harness.Consent;

/// <summary>What a page is for the suite: signing in, stronger authentication (step-up), consent, or anything else the flow shows.</summary>
public enum ConsentPageKind { Login, StepUp, Consent, Other }

/// <summary>
/// One step on a page: fill (Selector, Value), select (Selector, Value: the option's value), click, check,
/// waitFor (Selector), or expectText (Value, inside Selector if given). Values may use ${username},
/// ${password}, ${secondFactor} and ${onBehalfOf}.
/// </summary>
public sealed record ScriptStep(string Action, string? Selector, string? Value)
{
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "fill", "select", "click", "check", "waitFor", "expectText" };

    public string Describe() => Action + (Selector is null ? "" : " " + Selector) + (Value is null || Value.Contains("${", StringComparison.Ordinal) ? "" : $" \"{Value}\"");
}

/// <summary>A page the flow may show, recognised by the CSS selector <see cref="When"/>, and the steps to take on it.</summary>
public sealed record ScriptPage(string Name, ConsentPageKind Kind, string When, IReadOnlyList<ScriptStep> Steps, string? Approve = null, string? Deny = null)
{
    /// <summary>How the decision goes to the AS, when not as the page's form sends it (target file consent.pages[].submit).</summary>
    public DecisionSubmission? Submit { get; init; }
}

/// <summary>
/// A decision re-sent by the driver: the fields the page's form submits, as a JSON object when <paramref name="AsJson"/> (an AS
/// whose form declares enctype application/json, which browsers do not send), with <paramref name="Add"/> added (values substituted
/// as in steps), e.g. an approver and a subject the page does not show.
/// </summary>
public sealed record DecisionSubmission(bool AsJson, IReadOnlyDictionary<string, string> Add);

/// <summary>
/// How to get through an authorization server's pages (the target file's consent.pages): after each
/// navigation the browser driver finds the page whose selector is present, runs its steps, and on the
/// consent page clicks Approve or Deny, until the redirect to the client arrives.
/// </summary>
public sealed record ConsentScript(IReadOnlyList<ScriptPage> Pages)
{
    /// <summary>The reference AS's pages (reference/…/Endpoints/HtmlPages.cs), the documented example.</summary>
    public static ConsentScript Reference { get; } = new(
    [
        new("login", ConsentPageKind.Login, "#login-form",
            [new("fill", "#login-username", "${username}"), new("fill", "#login-password", "${password}"), new("click", "#login-submit", null)]),
        new("second-factor", ConsentPageKind.StepUp, "#second-factor-form",
            [new("fill", "#second-factor-code", "${secondFactor}"), new("click", "#second-factor-submit", null)]),
        new("acting-for", ConsentPageKind.Other, "#acting-for-form",
            [new("select", "#acting-for-subject", "${onBehalfOf}"), new("click", "#acting-for-submit", null)]),
        new("consent", ConsentPageKind.Consent, "#consent-form", [new("waitFor", "#mission-authority", null)], Approve: "#consent-approve", Deny: "#consent-deny"),
    ]);

    public ScriptPage? Consent => Pages.FirstOrDefault(p => p.Kind == ConsentPageKind.Consent);

    public static string Substitute(string value, ApproverAccount account)
        => value.Replace("${username}", account.Username, StringComparison.Ordinal)
                .Replace("${password}", account.Password, StringComparison.Ordinal)
                .Replace("${secondFactor}", account.SecondFactor ?? "", StringComparison.Ordinal)
                .Replace("${onBehalfOf}", account.OnBehalfOf ?? "", StringComparison.Ordinal)
                .Replace("${missionSubject}", account.MissionSubject ?? account.Username, StringComparison.Ordinal)
                .Replace("${subject}", account.Subject ?? account.Username, StringComparison.Ordinal);
}
