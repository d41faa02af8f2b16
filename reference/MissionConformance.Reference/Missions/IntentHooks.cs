using System.Text.Json.Nodes;

namespace MissionConformance.Reference.Missions;

/// <summary>The rules <see cref="MissionIntentValidator"/> refuses an Intent by, where a hook may waive the refusal.</summary>
public enum IntentRule
{
    /// <summary>MBO-AS-PAR-007: at most mission_intent_max_size octets.</summary>
    SizeLimit,

    /// <summary>MBO-AS-PAR-004: no duplicate member.</summary>
    NoDuplicateMembers,

    /// <summary>MBO-AS-PAR-006: no unknown member, in the Intent or its context.</summary>
    KnownMembers,

    /// <summary>MBO-AS-PAR-005: every required member.</summary>
    RequiredMembers,

    /// <summary>MBO-AS-PAR-015: a purpose registered for the client.</summary>
    RegisteredPurpose,

    /// <summary>MBO-AS-PAR-009: context.max_derivations of at least 1.</summary>
    PositiveBudget,
}

/// <summary>
/// The points of <see cref="MissionIntentValidator"/> where a registered hook may change what it decides. The correct stack
/// registers none; each fault of Intent admission and narrowing is one (Faults/Missions/).
/// </summary>
public interface IIntentHook
{
    /// <summary>How the raw Intent is parsed.</summary>
    void Parsing(IntentParsing parsing) { }

    /// <summary>The Intent is not JSON.</summary>
    void Unparseable(string raw) { }

    /// <summary>The parsed Intent object, before its members are checked.</summary>
    void Parsed(ParsedIntent parsed) { }

    /// <summary>A rule was checked: <see cref="IntentCheck.Refusal"/> is its answer (null: it holds).</summary>
    void Checked(IntentCheck check) { }

    /// <summary>The validated mission_expiry, against the policy ceiling.</summary>
    void ExpiryNarrowing(ExpiryNarrowing expiry) { }

    /// <summary>The validated Intent, after narrowing.</summary>
    void Narrowed(JsonObject validated) { }

    /// <summary>The Authority Set derived from the validated Intent.</summary>
    void AuthorityDerived(JsonArray authoritySet) { }
}

public sealed class IntentParsing(Func<string, JsonNode?> parse)
{
    public Func<string, JsonNode?> Parse { get; set; } = parse;
}

public sealed class ParsedIntent(JsonObject intent, DateTimeOffset now)
{
    public JsonObject Intent { get; } = intent;

    public DateTimeOffset Now { get; } = now;
}

public sealed class IntentCheck(IntentRule rule, IntentRefusal? refusal)
{
    public IntentRule Rule { get; } = rule;

    public IntentRefusal? Refusal { get; set; } = refusal;
}

public sealed class ExpiryNarrowing(DateTimeOffset submitted, DateTimeOffset ceiling)
{
    public DateTimeOffset Submitted { get; } = submitted;

    public DateTimeOffset Ceiling { get; } = ceiling;

    /// <summary>What mission_expiry becomes: the submitted one, or the ceiling when it is later.</summary>
    public DateTimeOffset Validated { get; set; } = submitted > ceiling ? ceiling : submitted;
}
