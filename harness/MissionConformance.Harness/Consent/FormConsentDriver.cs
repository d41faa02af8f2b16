using System.Net;
using System.Text.RegularExpressions;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Consent;

/// <summary>
/// Fills the reference AS's server-rendered login and consent forms over plain HTTP (no JavaScript,
/// no browser): follows redirects by hand, posts each form with its hidden fields, and stops at the
/// redirect to the client. The browser driver replaces it for consent pages a machine must see; the
/// target file may still choose it (consent.driver "form"), and it stands in when no browser is found.
/// </summary>
public sealed partial class FormConsentDriver : IConsentDriver
{
    private const int MaxHops = 12;

    /// <param name="gap">Set when this driver stands in for a browser that is missing: what the consent page shows is then not judged.</param>
    public FormConsentDriver(TimeSpan timeout, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null, RenderingGap? gap = null)
    {
        _timeout = timeout;
        _wrap = wrap;
        Gap = gap;
    }

    private readonly TimeSpan _timeout;
    private readonly Func<HttpMessageHandler, HttpMessageHandler>? _wrap;

    public string Name => Gap is null ? "form" : "form (no browser)";

    public RenderingGap? Gap { get; }

    public async Task<ConsentOutcome> RunAsync(ConsentRequest request, CancellationToken ct)
    {
        // A fresh cookie jar per run of the flow; wrap adds wire capture.
        var cookies = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        using var http = new HttpClient(_wrap?.Invoke(cookies) ?? cookies) { Timeout = _timeout };

        var url = request.AuthorizationUrl();
        var pages = new List<ConsentPageCapture>();
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
                        return ConsentOutcome.FromRedirect(next, consentHtml, Text(consentHtml), pages);
                    }
                    url = next;
                    response = await http.GetAsync(url, ct);
                    continue;
                }

                var html = await current.Content.ReadAsStringAsync(ct);
                if (FindForm(html, "login-form") is { } login)
                {
                    pages.Add(Capture("login", url, current));
                    login.Fields["username"] = request.Account.Username;
                    login.Fields["password"] = request.Account.Password;
                    response = await http.PostAsync(new Uri(url, login.Action), new FormUrlEncodedContent(login.Fields), ct);
                    continue;
                }
                if (FindForm(html, "second-factor-form") is { } secondFactor)
                {
                    pages.Add(Capture("second-factor", url, current));
                    secondFactor.Fields["code"] = request.Account.SecondFactor ?? "";
                    response = await http.PostAsync(new Uri(url, secondFactor.Action), new FormUrlEncodedContent(secondFactor.Fields), ct);
                    continue;
                }
                if (FindForm(html, "acting-for-form") is { } actingFor)
                {
                    pages.Add(Capture("acting-for", url, current));
                    actingFor.Fields["subject"] = request.Account.OnBehalfOf ?? "";
                    response = await http.PostAsync(new Uri(url, actingFor.Action), new FormUrlEncodedContent(actingFor.Fields), ct);
                    continue;
                }
                if (FindForm(html, "consent-form") is { } consent)
                {
                    pages.Add(Capture("consent", url, current));
                    consentHtml = html;
                    if (request.Decision == ConsentDecision.ForgedApproval)
                    {
                        var attackerValues = request.AttackerKnownValues();
                        var forged = consent.Fields.Where(f => attackerValues.Contains(f.Value)).Append(new("decision", "approve"));
                        response = await http.PostAsync(new Uri(url, consent.Action), new FormUrlEncodedContent(forged), ct);
                        pages.Add(Capture("forged-approval", new Uri(url, consent.Action), response));
                        if (IsRedirect(response.StatusCode) && new Uri(url, response.Headers.Location!) is var target && target.AbsoluteUri.StartsWith(request.RedirectUri, StringComparison.Ordinal))
                        {
                            response.Dispose();
                            return ConsentOutcome.FromRedirect(target, consentHtml, Text(consentHtml), pages);
                        }
                        var status = (int)response.StatusCode;
                        response.Dispose();
                        return new ConsentOutcome(null, null, null, $"HTTP {status}", null, consentHtml, Text(consentHtml), pages);
                    }
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

    private static ConsentPageCapture Capture(string name, Uri url, HttpResponseMessage response)
        => new(name, Redactor.Url(url.AbsoluteUri), (int)response.StatusCode,
            [.. response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, Redactor.Header(h.Key, v))))], null);

    /// <summary>The text of an HTML page, without its tags: what the form driver takes for what a person sees.</summary>
    public static string Text(string html) => WebUtility.HtmlDecode(Tags().Replace(html, " "));

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

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
