using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// The no-oracle comparisons (MBO-AS-LC-003, MBO-MS-007): the answer about a Mission the caller may not see must be the
/// answer about an id that does not exist. Members and headers that differ between two answers about unknown ids (a nonce
/// echoed, a trace id, an error_uri with a request id) say nothing about any Mission, so they are left out; any other
/// difference tells the caller the Mission exists. Until issue 19 the bodies were compared whole, which failed a
/// conforming server that adds a per-request member.
/// </summary>
public static class NoOracle
{
    /// <summary>
    /// What differs between <paramref name="probed"/> and <paramref name="unknown"/>, leaving out the members the client made
    /// differ (<paramref name="perRequest"/>, such as an echoed nonce) and what differs between the two unknown answers; without
    /// <paramref name="unknownAgain"/>, only the former.
    /// </summary>
    public static IReadOnlyList<string> Differences(WireResponse unknown, WireResponse? unknownAgain, WireResponse probed, params string[] perRequest)
    {
        var differences = new List<string>();
        if (unknown.Status != probed.Status) differences.Add($"HTTP {(int)probed.Status} against {(int)unknown.Status}");
        if (unknown.ContentType != probed.ContentType) differences.Add($"Content-Type {probed.ContentType ?? "(absent)"} against {unknown.ContentType ?? "(absent)"}");
        differences.AddRange(Members(unknown.Body, (unknownAgain ?? unknown).Body, probed.Body, perRequest));
        differences.AddRange(Headers(unknown, unknownAgain ?? unknown, probed));
        return differences;
    }

    private static IEnumerable<string> Members(string unknown, string unknownAgain, string probed, string[] perRequest)
    {
        if (Object(unknown) is not { } a || Object(unknownAgain) is not { } again || Object(probed) is not { } b)
        {
            // Not JSON objects: the bodies must be equal, unless even two unknown answers differ (then nothing can be told apart).
            if (unknown != probed && unknown == unknownAgain) yield return $"the body {Excerpt(probed)} against {Excerpt(unknown)}";
            yield break;
        }
        foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Except(perRequest).Order(StringComparer.Ordinal))
        {
            var (value, noise, other) = (Text(a[name]), Text(again[name]), Text(b[name]));
            if (value != noise) continue;
            if (value != other) yield return $"member {name}: {other ?? "(absent)"} against {value ?? "(absent)"}";
        }
    }

    private static IEnumerable<string> Headers(WireResponse unknown, WireResponse unknownAgain, WireResponse probed)
    {
        // Date is dropped at capture; Content-Length follows the body, compared above.
        static Dictionary<string, string> Comparable(WireResponse r) => (r.Headers ?? new Dictionary<string, string>())
            .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        var (a, again, b) = (Comparable(unknown), Comparable(unknownAgain), Comparable(probed));
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) == again.GetValueOrDefault(k) && a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => $"header {k}: {b.GetValueOrDefault(k) ?? "(absent)"} against {a.GetValueOrDefault(k) ?? "(absent)"}");
    }

    private static JsonObject? Object(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node?.ToJsonString();

    private static string Excerpt(string body) => body.Length <= 120 ? body : body[..120] + "…";
}
