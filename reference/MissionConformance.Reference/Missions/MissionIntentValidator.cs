using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Missions;

/// <summary>A refusal with the spec's error code (oauth-profile.md §3.3).</summary>
public sealed record IntentRefusal(string Error, string Description);

/// <summary>One narrowing decision: field, submitted value, validated value, policy reference (§3.3).</summary>
public sealed record NarrowingDecision(string Field, string Submitted, string Validated, string PolicyReference);

/// <summary>An admitted Intent: the validated (post-narrowing) form and everything derived from it.</summary>
public sealed record AdmittedIntent(
    JsonObject Submitted,
    JsonObject Validated,
    IReadOnlyList<NarrowingDecision> Narrowing,
    JsonArray AuthoritySet,
    DateTimeOffset MissionExpiry,
    int? MaxDerivations,
    string? RequiredAcr);

public sealed class MissionIntentValidator(ResourceCatalogue catalogue, TimeProvider clock, Hooks<IIntentHook> hooks)
{
    public const int DefaultMaxSize = 16384;
    public const int MaxArrayLength = 64;
    public const int MaxGoalLength = 4096;

    /// <summary>Policy ceiling on a Mission's life; a later mission_expiry is narrowed to it.</summary>
    public static readonly TimeSpan MaxMissionLifetime = TimeSpan.FromDays(30);

    private static readonly HashSet<string> KnownMembers =
        ["goal", "objects", "constraints", "success_criteria", "mission_expiry", "purpose", "language", "context"];
    private static readonly HashSet<string> RequiredMembers =
        ["goal", "objects", "constraints", "success_criteria", "mission_expiry"];
    private static readonly HashSet<string> KnownContextMembers = ["max_derivations", "acr", "aal"];
    private static readonly Regex PositiveDecimal = new("^[1-9][0-9]*$", RegexOptions.CultureInvariant);

    public IntentValidation Validate(string raw, TestClient client)
    {
        // MBO-AS-PAR-007: the size limit is measured on the parameter value, in UTF-8 octets.
        if (Check(IntentRule.SizeLimit, Encoding.UTF8.GetByteCount(raw) <= DefaultMaxSize ? null
            : new("invalid_request", $"mission_intent exceeds mission_intent_max_size ({DefaultMaxSize} octets)")) is { } tooLarge)
        {
            return new(null, tooLarge);
        }

        JsonNode? parsed;
        try
        {
            if (HasUnreadableString(raw))
            {
                // RFC 8259 §8.2: a lone surrogate escape is valid JSON syntax but no Unicode text; no member can hold it.
                return Refuse("invalid_request", "mission_intent has a string escape that is not Unicode text (a lone surrogate)");
            }
            if (Check(IntentRule.NoDuplicateMembers, FindDuplicateMember(raw) is { } duplicate
                ? new("invalid_request", $"mission_intent has duplicate member \"{duplicate}\"") : null) is { } duplicated)
            {
                return new(null, duplicated);  // MBO-AS-PAR-004
            }
            var parsing = new IntentParsing(text => JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }));
            hooks.Run(h => h.Parsing(parsing));
            parsed = parsing.Parse(raw);
        }
        catch (JsonException)
        {
            hooks.Run(h => h.Unparseable(raw));
            return Refuse("invalid_request", "mission_intent is not valid JSON");  // MBO-AS-PAR-003
        }

        if (parsed is not JsonObject intent)
        {
            return Refuse("invalid_request", "mission_intent must be a JSON object");
        }
        hooks.Run(h => h.Parsed(new ParsedIntent(intent, clock.GetUtcNow())));
        return ValidateObject(intent, client);
    }

    private IntentValidation ValidateObject(JsonObject intent, TestClient client)
    {
        var unknown = intent.Select(m => m.Key).FirstOrDefault(name => !KnownMembers.Contains(name) && !IsExtension(name));
        if (Check(IntentRule.KnownMembers, unknown is null ? null : new("invalid_request", $"mission_intent has unknown member \"{unknown}\"")) is { } hasUnknown)
        {
            return new(null, hasUnknown);  // MBO-AS-PAR-006
        }
        var missing = RequiredMembers.FirstOrDefault(name => !intent.ContainsKey(name));
        if (Check(IntentRule.RequiredMembers, missing is null ? null : new("invalid_request", $"mission_intent lacks required member \"{missing}\"")) is { } lacks)
        {
            return new(null, lacks);  // MBO-AS-PAR-005
        }

        if (!TryString(intent["goal"], out var goal) || goal.Length is 0 or > MaxGoalLength)
        {
            return Refuse("invalid_request", $"goal must be a string of 1 to {MaxGoalLength} characters");
        }
        if (!TryStringArray(intent["objects"], out var objects) || objects.Count == 0)
        {
            return Refuse("invalid_request", "objects must be a non-empty array of non-empty strings");
        }
        if (!TryStringArray(intent["constraints"], out var constraints, unique: true))
        {
            return Refuse("invalid_request", "constraints must be an array of distinct non-empty strings");
        }
        if (!TryStringArray(intent["success_criteria"], out _, unique: true))
        {
            return Refuse("invalid_request", "success_criteria must be an array of distinct non-empty strings");
        }
        if (objects.Count > MaxArrayLength || constraints.Count > MaxArrayLength)
        {
            return Refuse("invalid_request", $"objects and constraints are limited to {MaxArrayLength} items");
        }

        // A member that is present must have its type: JSON null is not "absent" (schemas-notes.md).
        foreach (var (name, value) in intent)
        {
            if (value is null && !IsExtension(name))
            {
                return Refuse("invalid_request", $"mission_intent member \"{name}\" must not be null");
            }
        }

        var now = clock.GetUtcNow();
        if (!TryString(intent["mission_expiry"], out var expiryText) || !TryParseRfc3339(expiryText, out var expiry))
        {
            return Refuse("invalid_request", "mission_expiry must be an RFC 3339 date-time");
        }
        if (expiry <= now)
        {
            return Refuse("invalid_request", "mission_expiry is in the past");
        }

        if (intent["purpose"] is { } purposeNode)
        {
            if (!TryString(purposeNode, out var purpose) || !Uri.TryCreate(purpose, UriKind.Absolute, out _))
            {
                return Refuse("invalid_request", "purpose must be an absolute URI");
            }
            // MBO-AS-PAR-015: this deployment uses client-registered purposes.
            if (Check(IntentRule.RegisteredPurpose, client.RegisteredPurposes.Contains(purpose) ? null
                : new("invalid_request", $"purpose \"{purpose}\" is not registered for client {client.ClientId}")) is { } unregistered)
            {
                return new(null, unregistered);
            }
        }
        if (intent["language"] is { } language && !TryString(language, out _))
        {
            return Refuse("invalid_request", "language must be a string");
        }

        int? maxDerivations = null;
        string? acr = null;
        if (intent["context"] is { } contextNode)
        {
            if (contextNode is not JsonObject context)
            {
                return Refuse("invalid_request", "context must be an object");
            }
            var unknownInContext = context.Select(m => m.Key).FirstOrDefault(name => !KnownContextMembers.Contains(name) && !IsExtension(name));
            if (Check(IntentRule.KnownMembers, unknownInContext is null ? null : new("invalid_request", $"context has unknown member \"{unknownInContext}\"")) is { } contextUnknown)
            {
                return new(null, contextUnknown);  // MBO-AS-PAR-006
            }
            foreach (var (name, value) in context)
            {
                if (value is null && KnownContextMembers.Contains(name))
                {
                    return Refuse("invalid_request", $"context.{name} must not be null");
                }
            }
            if (context["max_derivations"] is { } budget)
            {
                // Open point 7: the framework's decimal string and the first core draft's integer are both accepted.
                if (!TryParseBudget(budget, out var value))
                {
                    return Refuse("invalid_request", "context.max_derivations must be a positive integer or decimal string");
                }
                if (Check(IntentRule.PositiveBudget, value >= 1 ? null : new("invalid_request", "context.max_derivations must be at least 1")) is { } zero)
                {
                    return new(null, zero);  // MBO-AS-PAR-009
                }
                maxDerivations = (int)Math.Clamp(value, 0, int.MaxValue);
            }
            if (context["acr"] is { } acrNode)
            {
                if (!TryString(acrNode, out var acrValue)) return Refuse("invalid_request", "context.acr must be a string");
                if (!AuthenticationContext.Supported.Contains(acrValue))
                {
                    return Refuse("invalid_request", $"context.acr \"{acrValue}\" cannot be satisfied here; acr_values_supported lists the ones that can");
                }
                acr = acrValue;
            }
            if (context["aal"] is { } aal && (aal is not JsonObject aalObject
                || !TryString(aalObject["value"], out _) || aalObject["freshness_seconds"] is not JsonValue fresh
                || !fresh.TryGetValue<int>(out _)))
            {
                return Refuse("invalid_request", "context.aal must be {\"value\": string, \"freshness_seconds\": integer}");
            }
        }

        return Narrow(intent, objects, expiry, now, maxDerivations, acr);
    }

    private IntentValidation Narrow(JsonObject submitted, List<string> objects, DateTimeOffset expiry, DateTimeOffset now, int? maxDerivations, string? acr)
    {
        var decisions = new List<NarrowingDecision>();
        var validated = (JsonObject)submitted.DeepClone();

        var ceiling = TruncateToSeconds(now + MaxMissionLifetime);
        var narrowing = new ExpiryNarrowing(expiry, ceiling);
        hooks.Run(h => h.ExpiryNarrowing(narrowing));
        var validatedExpiry = narrowing.Validated;
        if (expiry > ceiling)
        {
            decisions.Add(new("mission_expiry", FormatRfc3339(expiry), FormatRfc3339(validatedExpiry), "policy:max-mission-lifetime-30d"));
        }
        validated["mission_expiry"] = FormatRfc3339(validatedExpiry);

        // Objects may only shrink: those no catalogue entry serves are narrowed out (§3.2 "objects").
        var kept = objects.Where(o => catalogue.Find(o) is not null).Distinct(StringComparer.Ordinal).ToList();
        foreach (var dropped in objects.Where(o => catalogue.Find(o) is null).Distinct(StringComparer.Ordinal))
        {
            decisions.Add(new("objects", dropped, "(removed)", "policy:unrecognised-object"));
        }
        if (kept.Count == 0)
        {
            // MBO-AS-PAR-011: a well-formed Intent from which no Authority Set can be derived.
            return Refuse("invalid_authorization_details", "no object of the mission_intent maps to a resource this server can authorize");
        }
        validated["objects"] = new JsonArray(kept.Select(o => (JsonNode)JsonValue.Create(o)!).ToArray());
        // MBO-AS-PAR-014: objects only shrink, and constraints may be added, never removed.
        hooks.Run(h => h.Narrowed(validated));

        var authority = new JsonArray();
        foreach (var resource in kept.Select(o => catalogue.Find(o)!))
        {
            var entry = new JsonObject
            {
                ["type"] = "mission_resource_access",
                ["resource"] = resource.Resource,
                ["actions"] = new JsonArray(resource.Actions.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
                ["constraints"] = resource.Constraints.DeepClone(),
            };
            if (resource.Delegation is { } delegation) entry["delegation"] = delegation.DeepClone();
            authority.Add(entry);
        }
        hooks.Run(h => h.AuthorityDerived(authority));
        return new IntentValidation(new AdmittedIntent(submitted, validated, decisions, authority, validatedExpiry, maxDerivations, acr), null);
    }

    private static IntentValidation Refuse(string error, string description) => new(null, new IntentRefusal(error, description));

    /// <summary>A rule's answer, once the hooks have seen it: <paramref name="refusal"/>, or null when the rule holds.</summary>
    private IntentRefusal? Check(IntentRule rule, IntentRefusal? refusal)
    {
        var check = new IntentCheck(rule, refusal);
        hooks.Run(h => h.Checked(check));
        return check.Refusal;
    }

    private static bool IsExtension(string name) => name.StartsWith("x_", StringComparison.Ordinal) && name.Length > 2;

    private static bool TryString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }
        return false;
    }

    private static bool TryStringArray(JsonNode? node, out List<string> values, bool unique = false)
    {
        values = [];
        if (node is not JsonArray array) return false;
        foreach (var item in array)
        {
            if (!TryString(item, out var s) || s.Length == 0) return false;
            values.Add(s);
        }
        return !unique || values.Distinct(StringComparer.Ordinal).Count() == values.Count;
    }

    private static bool TryParseBudget(JsonNode node, out long value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.GetValueKind() == JsonValueKind.Number)
        {
            return v.TryGetValue(out value);
        }
        if (v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }
        var text = v.GetValue<string>();
        // "0" parses (to be refused as below 1); anything else must be a positive decimal.
        return text == "0" || PositiveDecimal.IsMatch(text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseRfc3339(string text, out DateTimeOffset value)
        => DateTimeOffset.TryParseExact(text,
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd't'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss'Z'"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value)
           && text.Length >= 20;

    /// <summary>UTC with a "Z", seconds, fractions kept only when present (urn:mbo:norm:mission-intent:1).</summary>
    public static string FormatRfc3339(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z";

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value)
        => new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, value.Offset);

    /// <summary>Fault AcceptDuplicateMembers: a repeated member silently replaces the earlier one.</summary>

    /// <summary>The first member name repeated within one object, or null (RFC 8259 leaves duplicates open; §3.3 refuses them).</summary>
    /// <summary>Whether a member name or string of <paramref name="json"/> is an escape no .NET string can hold (a lone surrogate); false for text that is not JSON at all.</summary>
    public static bool HasUnreadableString(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String)
                {
                    try
                    {
                        reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return true;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: MBO-AS-PAR-003's refusal says so.
        }
        return false;
    }

    public static string? FindDuplicateMember(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 32 });
        var scopes = new Stack<HashSet<string>?>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.StartArray:
                    scopes.Push(null);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    scopes.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    if (!scopes.Peek()!.Add(reader.GetString()!)) return reader.GetString();
                    break;
            }
        }
        return null;
    }
}

/// <summary>Either an admitted Intent or a refusal.</summary>
public readonly record struct IntentValidation(AdmittedIntent? Admitted, IntentRefusal? Refusal);
