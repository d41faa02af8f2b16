using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>The entries a token carries, and the resources it is for; or the refusal.</summary>
public sealed record Selection(JsonArray? Entries, IReadOnlyList<string>? Resources, IResult? Error);

/// <summary>
/// What a derived token may carry (oauth-profile.md §4.3): out of a source (the Mission's Authority Set, or an exchanged token's
/// entries) the entries of the requested resources (RFC 8707 resource, RFC 8693 audience; by default what the grant was issued
/// for, else all), further narrowed by requested authorization_details, each a subset of a source entry.
/// </summary>
public sealed class AuthorityDeriver(Hooks<ITokenHook> hooks)
{
    public Selection Select(GrantKind grant, OpenIddictRequest request, IReadOnlyList<string>? grantedResources, JsonArray source, JsonArray authoritySet)
    {
        var selection = new EntrySelection(grant, request, source, authoritySet);
        hooks.Run(h => h.Selecting(selection));
        selection.Covered = selection.Source.Select(e => (string)e!["resource"]!).Distinct(StringComparer.Ordinal).ToList();
        var named = (request.Resources ?? []).Concat(request.Audiences ?? []).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        selection.Requested = named.Count > 0 ? named : grantedResources?.ToList() ?? [.. selection.Covered];
        var outside = selection.Requested.FirstOrDefault(r => !selection.Covered.Contains(r));
        if (Check(selection, SelectionCheck.ResourcesCovered,
            outside is null ? null : TokenEndpoint.OAuthError("invalid_target", $"resource {outside} is not covered by the authority this grant carries")) is { } uncovered)
        {
            return new(null, null, uncovered);
        }

        var narrowedByResource = selection.Requested.Count < selection.Covered.Count;
        var entries = new JsonArray(selection.Source.Where(e => selection.Requested.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());
        var narrowedByDetails = false;
        if ((string?)request[MissionParameters.AuthorizationDetails] is { Length: > 0 } detailsText)
        {
            if (!TryParseArray(detailsText, out var wanted))
            {
                return new(null, null, TokenEndpoint.OAuthError("invalid_authorization_details", "authorization_details must be a JSON array of objects"));
            }
            var beyond = wanted.Any(entry => !entries.Any(e => SubsetRule.IsSubset(entry!, e!)));
            if (Check(selection, SelectionCheck.EntriesWithinSource,
                beyond ? TokenEndpoint.OAuthError("invalid_authorization_details", "a requested entry is not a subset of the Mission's Authority Set") : null) is { } outsideSet)
            {
                return new(null, null, outsideSet);
            }
            entries = wanted;
            narrowedByDetails = true;
        }
        selection.Entries = entries;
        selection.Narrowed = narrowedByResource || narrowedByDetails;
        hooks.Run(h => h.Selected(selection));
        return new(selection.Entries, selection.Requested, null);
    }

    private IResult? Check(EntrySelection selection, SelectionCheck check, IResult? refusal)
    {
        selection.Refusal = refusal;
        hooks.Run(h => h.SelectionChecked(selection, check));
        return selection.Refusal;
    }

    /// <summary>A validated token's authorization_details: a JSON array claim comes back as one claim per entry.</summary>
    public static JsonArray CarriedEntries(ClaimsPrincipal token)
    {
        var entries = new JsonArray();
        foreach (var value in token.GetClaims("authorization_details"))
        {
            switch (JsonNode.Parse(value))
            {
                case JsonArray array: foreach (var entry in array) entries.Add(entry!.DeepClone()); break;
                case JsonObject entry: entries.Add(entry); break;
            }
        }
        return entries;
    }

    /// <summary>The resources named by a grant's private claim (RFC 8707 §2.2), if it has one.</summary>
    public static List<string>? GrantedResources(ClaimsPrincipal grant)
        => grant.GetClaim(TokenEndpoint.GrantedResourcesClaim) is { } text ? JsonSerializer.Deserialize<List<string>>(text)! : null;

    /// <summary>oauth-profile.md §10: an entry goes to a delegate only with a delegation member, within max_depth, and matching allowed_delegates (absent: any).</summary>
    public static bool Delegable(JsonNode entry, int depth, string delegateId, string? profile)
    {
        if (entry["delegation"] is not JsonObject delegation || delegation["max_depth"] is not JsonValue max || !max.TryGetValue<int>(out var maxDepth) || depth > maxDepth)
        {
            return false;
        }
        return delegation["allowed_delegates"] is not JsonArray allowed
            || allowed.OfType<JsonObject>().Any(m => (string?)m["sub"] == delegateId || (profile is not null && (string?)m["sub_profile"] == profile));
    }

    private static bool TryParseArray(string text, out JsonArray array)
    {
        array = [];
        try
        {
            if (JsonNode.Parse(text) is JsonArray parsed && parsed.All(e => e is JsonObject))
            {
                array = parsed;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}
