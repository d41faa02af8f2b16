using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// conformance.md §5 L2 item 5 (oauth-profile.md §10): the agent's Mission-bound token delegated by
/// Token Exchange to the target file's delegate client, with and without a DPoP proof of the
/// delegate's key; the agent's token narrowed to one resource and delegated; the delegated token
/// delegated again (one hop further); a client the AS does not know as an agent claiming a profile
/// in an actor_token; and a delegation after the Mission was suspended.
/// </summary>
public sealed record DelegatedTokenEvidence(
    TokenExchange Subject,
    string DelegateId,
    string DelegateKeyThumbprint,
    TokenExchange Delegated,
    TokenExchange Unbound,
    TokenExchange? Narrowed,
    TokenExchange? NarrowedDelegated,
    TokenExchange? Redelegated,
    string? ForeignId,
    string? ClaimedProfile,
    TokenExchange? SelfAsserted,
    ExchangeGating? Gated)
{
    /// <summary>The edition whose client_id rule applies (<see cref="Harness.Editions.Edition.DelegatedClientIsRequester"/>).</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;

    public IReadOnlyList<JsonElement> SubjectEntries => Subject.Entries;

    /// <summary>The delegated token's outermost act, when it has one.</summary>
    public JsonElement? Act => Delegated.Claims is { } claims && claims.TryGetProperty("act", out var act) && act.ValueKind == JsonValueKind.Object ? act : null;

    /// <summary>
    /// Whether an entry may go to <paramref name="delegateId"/> at <paramref name="depth"/> (oauth-profile.md §10):
    /// a delegation member, depth ≤ max_depth, and an allowed_delegates matcher (absent: any). A sub_profile
    /// matcher counts only with the profile the AS asserted; null when it is the only possible match and none was asserted.
    /// </summary>
    public static bool? Delegable(JsonElement entry, int depth, string delegateId, string? assertedProfile)
    {
        if (!entry.TryGetProperty("delegation", out var delegation) || delegation.ValueKind != JsonValueKind.Object) return false;
        if (!delegation.TryGetProperty("max_depth", out var max) || !max.TryGetInt32(out var maxDepth) || depth > maxDepth) return false;
        if (!delegation.TryGetProperty("allowed_delegates", out var allowed) || allowed.ValueKind != JsonValueKind.Array) return true;
        var matchers = allowed.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object).ToList();
        if (matchers.Any(m => Subset.Text(m, "sub") == delegateId)) return true;
        var profiles = matchers.Select(m => Subset.Text(m, "sub_profile")).OfType<string>().ToList();
        if (profiles.Count == 0) return false;
        return assertedProfile is null ? null : profiles.Contains(assertedProfile);
    }

    public static string? Refused(TokenExchange token)
        => token.Response.Status == HttpStatusCode.OK ? null : $"HTTP {(int)token.Response.Status} {token.Response.Member("error")} {token.Response.Member("error_description")}".TrimEnd();

    /// <summary>Why the main delegation tells nothing, or null when it was issued.</summary>
    public string? NotDelegated()
    {
        if (Subject.Mission is null) return "not judged: the agent's token carries no mission claim (see MBO-AS-TOK-001)";
        if (Delegated.Succeeded) return null;
        var eligible = SubjectEntries.Where(e => Delegable(e, 1, DelegateId, null) != false).ToList();
        return eligible.Count == 0
            ? $"not judged: no entry of the agent's token may be delegated to {DelegateId} (none has a delegation member it matches)"
            : null;
    }
}
