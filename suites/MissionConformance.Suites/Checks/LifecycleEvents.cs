using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
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
        if (ArtifactSchemas.Validate(ArtifactKind.LifecycleEventSet, set.Payload.GetRawText()) is { Count: > 0 } errors)
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

/// <summary>MBO-MAS-006: a state authority advertising event_driven emits a lifecycle SET on suspend, revoke, complete and expiry.</summary>
public sealed class LifecycleEventsEmitted : Check<LifecycleEventEvidence>
{
    public override string RequirementId => "MBO-MAS-006";

    public override Judgement Judge(LifecycleEventEvidence e)
    {
        var sets = e.Sets().ToList();
        var missing = e.Expected.Where(x => !sets.Any(s => s.Problem is null && s.MissionId == x.MissionId && s.State == x.State)).ToList();
        var problems = sets.Where(s => s.Problem is not null).Select(s => s.Problem!).Distinct().ToList();
        var notJudged = e.NotCaused.Count == 0 ? "" : $"; not judged, as the transition did not happen: {string.Join("; ", e.NotCaused)}";
        return Judgement.That(missing.Count == 0,
            $"a signed lifecycle SET arrived for each transition: {string.Join(", ", e.Expected.Select(x => $"{x.Transition} ⇒ {x.State}"))} ({sets.Count} SETs received in all){notJudged}",
            $"no valid lifecycle SET arrived for {string.Join(", ", missing.Select(x => $"{x.Transition} of {x.MissionId} (state {x.State})"))}"
                + (problems.Count > 0 ? $"; SETs that did not count: {string.Join("; ", problems)}" : $"; {sets.Count} SETs received in all")
                + ": the AS advertises event_driven, so each state change must reach its receivers (mas.md, lifecycle.md)" + notJudged);
    }
}
