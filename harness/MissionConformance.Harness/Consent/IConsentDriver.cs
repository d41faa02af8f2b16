namespace MissionConformance.Harness.Consent;

public enum ConsentDecision { Approve, Deny }

/// <summary>A test account the consent driver signs in with.</summary>
public sealed record ApproverAccount(string Username, string Password);

/// <summary>What the driver must do: open the PAR-issued authorization URL, sign in, decide.</summary>
public sealed record ConsentRequest(
    Uri AuthorizationEndpoint,
    string ClientId,
    string RequestUri,
    string RedirectUri,
    ApproverAccount Account,
    ConsentDecision Decision,
    IReadOnlyDictionary<string, string>? ExtraQuery = null);

/// <summary>Where the flow ended: the redirect back to the client with a code or an error, and what the consent page showed.</summary>
public sealed record ConsentOutcome(Uri FinalRedirect, string? Code, string? Error, string? ErrorDescription, string? Issuer, string ConsentPageHtml)
{
    public string? Parameter(string name)
        => System.Web.HttpUtility.ParseQueryString(FinalRedirect.Query)[name];
}

/// <summary>Drives an authorization server's login and consent pages to a decision.</summary>
public interface IConsentDriver
{
    /// <summary>The driver's name, as the report states which driver judged consent.</summary>
    string Name { get; }

    Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct);
}

/// <summary>A consent step that could not be performed: the report shows the step, the URL and why.</summary>
public sealed class ConsentDriverException(string step, Uri? pageUrl, string reason)
    : Exception($"consent step \"{step}\" failed at {pageUrl}: {reason}")
{
    public string Step { get; } = step;

    public Uri? PageUrl { get; } = pageUrl;
}
