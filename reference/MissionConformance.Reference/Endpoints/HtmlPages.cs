using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// Server-rendered pages that work without JavaScript. Element ids are stable: they are the
/// contract of the default consent script a browser driver follows.
/// </summary>
public static class HtmlPages
{
    public static IResult Login(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? error)
    {
        var body = new StringBuilder();
        body.Append("<h1>Sign in</h1>");
        if (error is not null) body.Append("<p id=\"login-error\" role=\"alert\">").Append(E(error)).Append("</p>");
        body.Append("<form id=\"login-form\" method=\"post\" action=\"/login\">")
            .Append(AntiforgeryField(http, antiforgery))
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(returnUrl)).Append("\">")
            .Append("<label>Username <input id=\"login-username\" name=\"username\" autocomplete=\"username\"></label>")
            .Append("<label>Password <input id=\"login-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>")
            .Append("<button id=\"login-submit\" type=\"submit\">Sign in</button></form>");
        return Page("Sign in", body.ToString(), error is null ? 200 : 401);
    }

    public static IResult SecondFactor(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? error)
    {
        var body = new StringBuilder();
        body.Append("<h1>Confirm it is you</h1><p>This Mission asks for stronger sign-in: enter the code from your second factor.</p>");
        if (error is not null) body.Append("<p id=\"second-factor-error\" role=\"alert\">").Append(E(error)).Append("</p>");
        body.Append("<form id=\"second-factor-form\" method=\"post\" action=\"").Append(SecondFactorEndpoint.Path).Append("\">")
            .Append(AntiforgeryField(http, antiforgery))
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(returnUrl)).Append("\">")
            .Append("<label>Code <input id=\"second-factor-code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\"></label>")
            .Append("<button id=\"second-factor-submit\" type=\"submit\">Confirm</button></form>");
        return Page("Confirm it is you", body.ToString(), error is null ? 200 : 401);
    }

    /// <summary>The subject chooser an account that may approve for others sees before consent (oauth-profile.md §5 step 2).</summary>
    public static IResult ActingFor(HttpContext http, IAntiforgery antiforgery, string returnUrl, IEnumerable<(string Subject, string Name)> choices, string? error)
    {
        var body = new StringBuilder();
        body.Append("<h1>Who is this Mission for?</h1><p>You may approve Missions for yourself and for the people you assist.</p>");
        if (error is not null) body.Append("<p id=\"acting-for-error\" role=\"alert\">").Append(E(error)).Append("</p>");
        body.Append("<form id=\"acting-for-form\" method=\"post\" action=\"").Append(ActingForEndpoint.Path).Append("\">")
            .Append(AntiforgeryField(http, antiforgery))
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(returnUrl)).Append("\">")
            .Append("<label>Acting for <select id=\"acting-for-subject\" name=\"subject\">");
        foreach (var (subject, name) in choices)
        {
            body.Append("<option value=\"").Append(E(subject)).Append("\">").Append(E(name)).Append("</option>");
        }
        body.Append("</select></label><button id=\"acting-for-submit\" type=\"submit\">Continue</button></form>");
        return Page("Who is this Mission for?", body.ToString(), error is null ? 200 : 400);
    }

    public static IResult Consent(HttpContext http, IAntiforgery antiforgery, JsonObject disclosure, IReadOnlyDictionary<string, string> hiddenFields)
    {
        var b = new StringBuilder();
        b.Append("<h1>Approve a Mission for <span id=\"mission-client\">").Append(E(Text(disclosure["client"]?["name"]))).Append("</span></h1>");
        b.Append("<section><h2>Goal</h2><p id=\"mission-goal\">").Append(E(Text(disclosure["goal"]))).Append("</p></section>");
        b.Append("<section><h2>Acting for</h2>");
        if (disclosure["subject"] is { } subject)
        {
            b.Append("<p id=\"mission-subject\">").Append(E(Text(subject["name"]))).Append(" (").Append(E(Text(subject["id"]))).Append(")</p>");
        }
        b.Append("<p>Approved by <span id=\"mission-approver\">").Append(E(Text(disclosure["approver"]?["name"]))).Append("</span></p></section>");
        b.Append(List("Objects", "mission-objects", "object", disclosure["objects"]));
        b.Append(List("Constraints", "mission-constraints", "constraint", disclosure["constraints"]));
        b.Append(List("Success criteria", "mission-success-criteria", "success-criterion", disclosure["success_criteria"]));
        if (disclosure["mission_expiry"] is { } expiry)
        {
            b.Append("<section><h2>Expires</h2><p>This Mission ends at <time id=\"mission-expiry\" datetime=\"")
                .Append(E(Text(expiry))).Append("\">").Append(E(Text(expiry))).Append("</time>.</p></section>");
        }
        if (disclosure["supersedes"] is { } supersedes)
        {
            // oauth-profile.md §13: an expansion is a new Mission replacing the current one, which ends when this one is approved.
            b.Append("<section><h2>Replaces a Mission</h2><p>Approving replaces Mission <code id=\"mission-supersedes\">").Append(E(Text(supersedes)))
                .Append("</code>, which then ends; denying leaves it as it is.</p>");
            if (disclosure["expansion"]?["adds"] is JsonArray adds)
            {
                // The diff against the Mission it replaces (oauth-profile.md §13): what approving adds.
                b.Append(adds.Count == 0 ? "<p id=\"mission-expansion-adds\">Compared with it, this Mission adds no authority.</p>"
                    : "<p>Compared with it, approving adds:</p><ul id=\"mission-expansion-adds\">");
                foreach (var added in adds)
                {
                    b.Append("<li class=\"added\" data-resource=\"").Append(E(Text(added!["resource"]))).Append("\">")
                        .Append((bool?)added["new_resource"] == true ? "new: " : "more at ").Append(E(Text(added["name"]))).Append(": ")
                        .Append(E(string.Join(", ", added["actions"]!.AsArray().Select(a => (string?)a)))).Append("</li>");
                }
                if (adds.Count > 0) b.Append("</ul>");
            }
            b.Append("</section>");
        }
        if (disclosure["purpose"] is { } purpose)
        {
            b.Append("<section><h2>Purpose</h2><p id=\"mission-purpose\">").Append(E(Text(purpose))).Append("</p></section>");
        }
        if (disclosure["context_bounds"] is JsonObject bounds && bounds.Count > 0)
        {
            b.Append("<section><h2>Limits</h2><ul id=\"mission-context-bounds\">");
            foreach (var (name, value) in bounds)
            {
                b.Append("<li class=\"bound\" data-bound=\"").Append(E(name)).Append("\">").Append(E(name)).Append(": ").Append(E(Text(value))).Append("</li>");
            }
            b.Append("</ul></section>");
        }

        b.Append("<section><h2>Authority the agent receives</h2><table id=\"mission-authority\"><thead><tr><th>Resource</th><th>Actions</th><th>Constraints</th></tr></thead><tbody>");
        foreach (var entry in disclosure["authority"]!.AsArray())
        {
            b.Append("<tr class=\"authority-entry\" data-resource=\"").Append(E(Text(entry!["resource"]))).Append("\">")
                .Append("<td><span class=\"resource-name\">").Append(E(Text(entry["name"]))).Append("</span><br><code class=\"resource\">")
                .Append(E(Text(entry["resource"]))).Append("</code></td><td><ul>");
            foreach (var action in entry["actions"]!.AsArray())
            {
                b.Append("<li class=\"action\">").Append(E(Text(action))).Append("</li>");
            }
            b.Append("</ul></td><td><ul>");
            foreach (var (name, value) in entry["constraints"]!.AsObject())
            {
                b.Append("<li class=\"entry-constraint\" data-constraint=\"").Append(E(name)).Append("\">")
                    .Append(E(name)).Append(": ").Append(E(Text(value))).Append("</li>");
            }
            b.Append("</ul></td></tr>");
        }
        b.Append("</tbody></table></section>");

        if (disclosure["narrowing"] is JsonArray narrowing && narrowing.Count > 0)
        {
            b.Append("<section><h2>What the server changed in the request</h2><ul id=\"mission-narrowing\">");
            foreach (var decision in narrowing)
            {
                b.Append("<li class=\"narrowing-decision\" data-field=\"").Append(E(Text(decision!["field"]))).Append("\">")
                    .Append(E(Text(decision["field"]))).Append(": requested ").Append(E(Text(decision["submitted"])))
                    .Append(", granted ").Append(E(Text(decision["validated"]))).Append(" (").Append(E(Text(decision["policy"]))).Append(")</li>");
            }
            b.Append("</ul></section>");
        }

        b.Append("<form id=\"consent-form\" method=\"post\" action=\"/authorize\">").Append(AntiforgeryField(http, antiforgery));
        foreach (var (name, value) in hiddenFields)
        {
            b.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">");
        }
        b.Append("<button id=\"consent-approve\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button> ")
            .Append("<button id=\"consent-deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>");
        return Page("Approve a Mission", b.ToString(), 200);
    }

    public static IResult Error(string title, string message, int status)
        => Page(title, "<h1>" + E(title) + "</h1><p id=\"error-message\">" + E(message) + "</p>", status);

    private static string List(string title, string id, string itemClass, JsonNode? items)
    {
        var b = new StringBuilder("<section><h2>").Append(E(title)).Append("</h2><ul id=\"").Append(id).Append("\">");
        foreach (var item in items as JsonArray ?? [])
        {
            b.Append("<li class=\"").Append(itemClass).Append("\">").Append(E(Text(item))).Append("</li>");
        }
        return b.Append("</ul></section>").ToString();
    }

    private static string AntiforgeryField(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return "<input type=\"hidden\" name=\"" + E(tokens.FormFieldName) + "\" value=\"" + E(tokens.RequestToken ?? "") + "\">";
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static IResult Page(string title, string body, int status)
        => Results.Content(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + E(title) + " · Mission reference AS</title>" +
            "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.4rem;vertical-align:top}button{margin:.5rem .5rem 0 0;padding:.4rem 1rem}</style>" +
            "</head><body>" + body + "</body></html>",
            "text/html; charset=utf-8", Encoding.UTF8, status);
}
