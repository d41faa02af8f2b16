using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>One transition the harness caused at the AS (or let happen: expiry), and the state its SET must name.</summary>
public sealed record ExpectedEvent(string Transition, string MissionId, string State);

/// <summary>
/// mas.md "Lifecycle events": the transitions the harness caused, every SET the receiver got while it listened, and
/// what it takes for one to count: signed by the AS (its jwks_uri), typ secevent+jwt, iss the AS, aud the declared
/// audience, valid against lifecycle-event-set.schema.json.
/// </summary>
public sealed record LifecycleEventEvidence(string Issuer, string Audience, string Jwks, IReadOnlyList<ExpectedEvent> Expected, IReadOnlyList<ReceivedEvent> Received)
{
    /// <summary>Transitions the harness asked for but the AS did not make, so no event is expected for them.</summary>
    public IReadOnlyList<string> NotCaused { get; init; } = [];

    /// <summary>Each received SET: the Mission id and state it names, or why it does not count.</summary>
    public IEnumerable<(string? MissionId, string? State, string? Problem)> Sets()
    {
        foreach (var received in Received)
        {
            yield return Inspect(received);
        }
    }

    private (string?, string?, string?) Inspect(ReceivedEvent received)
    {
        if (received.ContentType?.StartsWith("application/secevent+jwt", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, null, $"Content-Type {received.ContentType ?? "(none)"}, not application/secevent+jwt (RFC 8935)");
        }
        DecodedJwt set;
        try
        {
            set = DecodedJwt.Decode(received.Body.Trim());
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return (null, null, "the body is not a compact JWS");
        }
        if (!DecodedJwt.VerifySignatureAsync(received.Body.Trim(), Jwks).GetAwaiter().GetResult()) return (null, null, "its signature does not verify against the AS's jwks_uri");
        if (Subset.Text(set.Header, "typ") != "secevent+jwt") return (null, null, $"typ {Subset.Text(set.Header, "typ") ?? "(none)"}, not secevent+jwt (RFC 8417 §2.3)");
        if (received.Artifact.Errors is { Count: > 0 } errors)
        {
            return (null, null, $"it breaks lifecycle-event-set.schema.json: {string.Join("; ", errors.Take(2))}");
        }
        if (Subset.Text(set.Payload, "iss") != Issuer) return (null, null, $"iss {Subset.Text(set.Payload, "iss")}, not the AS {Issuer}");
        var audiences = set.Payload.GetProperty("aud") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().Select(a => a.GetString()).ToList() : [set.Payload.GetProperty("aud").GetString()];
        if (!audiences.Contains(Audience)) return (null, null, $"aud {string.Join(", ", audiences)}, not the receiver's audience {Audience}");
        var payload = set.Payload.GetProperty("events").EnumerateObject().First().Value;
        // A receiver in a pairwise sector knows the Mission by its ref (oauth-profile.md §15), and the SET names it so.
        var mission = payload.GetProperty("mission");
        return (Subset.Text(mission, "id") ?? Subset.Text(mission, "ref"), Subset.Text(payload, "state"), null);
    }
}
