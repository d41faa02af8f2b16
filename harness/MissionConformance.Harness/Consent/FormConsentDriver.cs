using System.Net;
using System.Text.RegularExpressions;

namespace MissionConformance.Harness.Consent;

/// <summary>
/// Fills the reference AS's server-rendered login and consent forms over plain HTTP (no JavaScript,
/// no browser): follows redirects by hand, posts each form with its hidden fields, and stops at the
/// redirect to the client. The browser driver replaces it for consent pages a machine must see.
/// </summary>
public sealed partial class FormConsentDriver(TimeSpan timeout, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) : IConsentDriver
{
    private const int MaxHops = 12;

    public string Name => "form";

    public async Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct)
    {
        // A fresh cookie jar per run of the flow; wrap adds wire capture.
        var cookies = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        using var http = new HttpClient(wrap?.Invoke(cookies) ?? cookies) { Timeout = timeout };

        var query = new Dictionary<string, string> { ["client_id"] = request.ClientId, ["request_uri"] = request.RequestUri };
        foreach (var (name, value) in request.ExtraQuery ?? new Dictionary<string, string>()) query[name] = value;
        var url = new Uri(request.AuthorizationEndpoint + "?" + string.Join("&", query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));

        var consentHtml = "";
        var response = await http.GetAsync(url, ct);
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using (var current = response)
            {
                if (IsRedirect(current.StatusCode))
                {
                    var next = new Uri(url, current.Headers.Location!);
                    if (next.AbsoluteUri.StartsWith(request.RedirectUri, StringComparison.Ordinal))
                    {
                        return Outcome(next, consentHtml);
                    }
                    url = next;
                    response = await http.GetAsync(url, ct);
                    continue;
                }

                var html = await current.Content.ReadAsStringAsync(ct);
                if (FindForm(html, "login-form") is { } login)
                {
                    login.Fields["username"] = request.Account.Username;
                    login.Fields["password"] = request.Account.Password;
                    response = await http.PostAsync(new Uri(url, login.Action), new FormUrlEncodedContent(login.Fields), ct);
                    continue;
                }
                if (FindForm(html, "consent-form") is { } consent)
                {
                    consentHtml = html;
                    consent.Fields["decision"] = request.Decision == ConsentDecision.Approve ? "approve" : "deny";
                    response = await http.PostAsync(new Uri(url, consent.Action), new FormUrlEncodedContent(consent.Fields), ct);
                    continue;
                }
                // An error page or response that is neither a form nor a redirect ends the flow.
                throw new ConsentDriverException("follow", url, $"HTTP {(int)current.StatusCode} with neither a login form, a consent form nor a redirect: {Excerpt(html)}");
            }
        }
        throw new ConsentDriverException("follow", url, $"more than {MaxHops} hops without reaching {request.RedirectUri}");
    }

    private static ConsentOutcome Outcome(Uri redirect, string consentHtml)
    {
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        return new ConsentOutcome(redirect, query["code"], query["error"], query["error_description"], query["iss"], consentHtml);
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    private sealed record HtmlForm(string Action, Dictionary<string, string> Fields);

    private static HtmlForm? FindForm(string html, string id)
    {
        var form = FormPattern().Matches(html).FirstOrDefault(m => Attribute(m.Groups["attrs"].Value, "id") == id);
        if (form is null) return null;
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
        {
            var attrs = input.Groups["attrs"].Value;
            if (Attribute(attrs, "type") == "hidden" && Attribute(attrs, "name") is { } name)
            {
                fields[name] = Attribute(attrs, "value") ?? "";
            }
        }
        return new HtmlForm(Attribute(form.Groups["attrs"].Value, "action") ?? "", fields);
    }

    private static string? Attribute(string attributes, string name)
    {
        var match = Regex.Match(attributes, "(?:^|\\s)" + Regex.Escape(name) + "\\s*=\\s*\"(?<v>[^\"]*)\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["v"].Value) : null;
    }

    private static string Excerpt(string html) => html.Length <= 300 ? html : html[..300] + "…";

    [GeneratedRegex("<form(?<attrs>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InputPattern();
}
