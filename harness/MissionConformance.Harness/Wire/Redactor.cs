using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MissionConformance.Harness.Wire;

/// <summary>
/// Removes credentials at the moment of capture, so that no report, log or HAR can hold them:
/// tokens, codes, secrets, passwords, client assertions, cookies and anti-forgery values.
/// </summary>
public static partial class Redactor
{
    public const string Mark = "[redacted]";
    public const int MaxBodyLength = 65_536;

    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "refresh_token", "id_token", "code", "code_verifier", "client_secret", "client_assertion",
        "assertion", "password", "token", "subject_token", "actor_token", "__RequestVerificationToken", "binding_token",
    };

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "DPoP", "Cookie", "Set-Cookie", "Proxy-Authorization",
    };

    public static bool IsSecretName(string name) => SecretNames.Contains(name);

    /// <summary>
    /// Whether a header carries a credential: the standard ones, and any whose name says so (x-service-token, x-api-key), as
    /// the target file may declare a service credential in a header of any name (authorizationServers[].lifecycle).
    /// </summary>
    public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name) || CredentialHeaderName().IsMatch(name);

    public static string Header(string name, string value)
    {
        if (!IsSecretHeader(name)) return name.Equals("Location", StringComparison.OrdinalIgnoreCase) ? Url(value) : value;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && space > 0 ? value[..space] + " " + Mark : Mark;
    }

    public static string Url(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? url : url[..(query + 1)] + Form(url[(query + 1)..]);
    }

    public static string? Body(string? contentType, string? body)
    {
        if (body is null) return null;
        var redacted = contentType switch
        {
            _ when contentType?.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true => Form(body),
            _ when contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true => Json(body),
            _ when contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true => HiddenSecret().Replace(body, m => m.Groups["pre"].Value + Mark + "\""),
            _ => body,
        };
        return redacted.Length <= MaxBodyLength ? redacted : redacted[..MaxBodyLength] + $"… [{redacted.Length - MaxBodyLength} more characters not kept]";
    }

    /// <summary>application/x-www-form-urlencoded (or a query string) with secret values replaced.</summary>
    public static string Form(string form)
        => string.Join("&", form.Split('&').Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) return pair;
            var name = Uri.UnescapeDataString(pair[..eq].Replace('+', ' '));
            return IsSecretName(name) ? pair[..eq] + "=" + Uri.EscapeDataString(Mark) : pair;
        }));

    public static string Json(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            Redact(node);
            return node?.ToJsonString() ?? json;
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }

    private static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is JsonValue) obj[name] = Mark;
                    else Redact(obj[name]);
                }
                break;
            case JsonArray array:
                foreach (var item in array) Redact(item);
                break;
        }
    }

    [GeneratedRegex("(token|secret|api-?key|credential|password)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialHeaderName();

    [GeneratedRegex("(?<pre>name=\"(?:__RequestVerificationToken|password|code)\"[^>]*?value=\")[^\"]*\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HiddenSecret();
}
