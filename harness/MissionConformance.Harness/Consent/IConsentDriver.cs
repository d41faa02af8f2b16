namespace MissionConformance.Harness.Consent;

/// <summary>
/// Approve and Deny are the approver's choices. ForgedApproval is a cross-site attacker's: the driver
/// signs in and opens the consent page like the approver, then submits approval with only the form
/// fields an attacker can know (the values it put in the authorization URL and the approve button),
/// never the page's own per-session values (RFC 6749 §10.12).
/// </summary>
public enum ConsentDecision { Approve, Deny, ForgedApproval }

/// <summary>
/// A test account the consent driver signs in with; SecondFactor answers a step-up page, and OnBehalfOf is
/// whom an approver who approves for others chooses on the AS's own page (${onBehalfOf} in steps).
/// </summary>
public sealed record ApproverAccount(string Username, string Password, string? SecondFactor = null, string? OnBehalfOf = null)
{
    /// <summary>The subject the AS gives this account, when the target file says.</summary>
    public string? Subject { get; init; }

    /// <summary>Whom the Missions it approves are for (target file approvesFor, else <see cref="Subject"/>).</summary>
    public string? MissionSubject { get; init; }
}

/// <summary>What the driver must do: open the PAR-issued authorization URL, sign in, decide.</summary>
public sealed record ConsentRequest(
    Uri AuthorizationEndpoint,
    string ClientId,
    string RequestUri,
    string RedirectUri,
    ApproverAccount Account,
    ConsentDecision Decision,
    IReadOnlyDictionary<string, string>? ExtraQuery = null)
{
    /// <summary>The authorization URL: client_id, request_uri and any extra front-channel parameters.</summary>
    public Uri AuthorizationUrl()
    {
        var query = new Dictionary<string, string> { ["client_id"] = ClientId, ["request_uri"] = RequestUri };
        foreach (var (name, value) in ExtraQuery ?? new Dictionary<string, string>()) query[name] = value;
        return new Uri(AuthorizationEndpoint + "?" + string.Join("&", query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
    }

    /// <summary>
    /// What a cross-site attacker (the client) knows of the consent form: the values it put in the
    /// authorization URL. A forged approval carries only form fields with these values (RFC 6749 §10.12).
    /// </summary>
    public IReadOnlySet<string> AttackerKnownValues()
    {
        var query = System.Web.HttpUtility.ParseQueryString(AuthorizationUrl().Query);
        return query.AllKeys.Select(k => query[k]).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>
/// One page the flow passed through, by the script's name for it ("login", "second-factor",
/// "consent"): its URL (redacted), the HTTP status and headers of the document, and the screenshot's
/// attachment id when the driver took one.
/// </summary>
public sealed record ConsentPageCapture(string Name, string Url, int? Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Screenshot)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// Where the flow ended: the redirect back to the client with a code or an error, and what the consent
/// page showed (its HTML, and the text a person sees: the rendered text in a browser, the HTML's text
/// otherwise), and every page on the way.
/// </summary>
public sealed record ConsentOutcome(
    Uri? FinalRedirect, string? Code, string? Error, string? ErrorDescription, string? Issuer,
    string ConsentPageHtml, string ConsentPageText, IReadOnlyList<ConsentPageCapture> Pages)
{
    public string? Parameter(string name)
        => FinalRedirect is null ? null : System.Web.HttpUtility.ParseQueryString(FinalRedirect.Query)[name];

    public ConsentPageCapture? Page(string name) => Pages.LastOrDefault(p => p.Name == name);

    /// <summary>The screenshots taken on the way, as evidence references.</summary>
    public IReadOnlyList<string> Screenshots => [.. Pages.Select(p => p.Screenshot).OfType<string>()];

    /// <summary>An outcome from the redirect the flow reached.</summary>
    public static ConsentOutcome FromRedirect(Uri redirect, string consentHtml, string consentText, IReadOnlyList<ConsentPageCapture> pages)
    {
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        return new ConsentOutcome(redirect, query["code"], query["error"], query["error_description"], query["iss"], consentHtml, consentText, pages);
    }
}

/// <summary>
/// Why what a consent page shows cannot be judged in this run (no browser), and whether that is a
/// failure (under CI, where the browser is required) or a skip with the install instruction.
/// </summary>
public sealed record RenderingGap(string Reason, bool IsFailure);

/// <summary>Drives an authorization server's login and consent pages to a decision.</summary>
public interface IConsentDriver
{
    /// <summary>The driver's name, as the report states which driver judged consent.</summary>
    string Name { get; }

    /// <summary>Null when this driver can judge what the consent page shows; else why not.</summary>
    RenderingGap? Gap { get; }

    Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct);
}

/// <summary>A consent step that could not be performed: the report shows the step, the URL and why.</summary>
public class ConsentDriverException(string step, Uri? pageUrl, string reason, string? screenshot = null)
    : Exception($"consent step \"{step}\" failed at {pageUrl}: {reason}")
{
    public string Step { get; } = step;

    public Uri? PageUrl { get; } = pageUrl;

    /// <summary>The attachment id of a screenshot of the page where the step failed, when a browser took one.</summary>
    public string? Screenshot { get; } = screenshot;
}

/// <summary>
/// After the decision the AS showed its consent page again (a new interaction, say) instead of redirecting to the client: the
/// flow never ends, with neither a code nor an error. A scenario may judge that, where it shows a refusal is missing.
/// </summary>
public sealed class ConsentLoopException(string page, string decidedAt, Uri? againAt, string? screenshot)
    : ConsentDriverException("decide", againAt, $"after the decision at {decidedAt}, the AS showed its consent page \"{page}\" again instead of redirecting to the client: the flow never ends, with neither a code nor an error", screenshot);

