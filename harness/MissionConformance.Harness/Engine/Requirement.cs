using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MissionConformance.Harness.Engine;

/// <summary>One testable requirement of fixtures/requirements.json (ids from ../shared/spec/requirements.json).</summary>
public sealed record Requirement
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("doc")] public string Doc { get; init; } = "";
    [JsonPropertyName("section")] public string Section { get; init; } = "";
    [JsonPropertyName("role")] public string Role { get; init; } = "";
    [JsonPropertyName("keyword")] public required string Keyword { get; init; }
    [JsonPropertyName("level")] public int? Level { get; init; }
    [JsonPropertyName("tier")] public string? Tier { get; init; }
    /// <summary>The optional surface the requirement belongs to (<see cref="Coordinate.DomainFeatures"/>), when it applies only where that surface is offered.</summary>
    [JsonPropertyName("feature")] public string? Feature { get; init; }
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("test")] public string Test { get; init; } = "";

    /// <summary>The checks (class names) that judge it; empty when <see cref="Excluded"/> says why.</summary>
    [JsonPropertyName("checks")] public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Why the suite does not judge this requirement (not black-box testable, a harness self-check, a later issue).</summary>
    [JsonPropertyName("excluded")] public string? Excluded { get; init; }

    /// <summary>For a suite-defined requirement (id MC-…): where it comes from, as the spec catalogue gives it no id.</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }

    /// <summary>Why no reference fault proves this MUST's check, when none does.</summary>
    [JsonPropertyName("unproven")] public string? Unproven { get; init; }

    /// <summary>
    /// How the requirement reads in editions other than the seed, by edition name (issue 21 item 2); an edition not listed takes
    /// it as the seed writes it. A note that it does not apply makes every verdict of it SKIPPED in that edition, with the why.
    /// </summary>
    [JsonPropertyName("editions")] public IReadOnlyDictionary<string, EditionNote> Editions { get; init; } = new Dictionary<string, EditionNote>();

    /// <summary>
    /// The one edition the requirement belongs to, when it is new there (issue 21 item 2: an ietf-2026-08 sentence the seed has no
    /// counterpart for gets an id of its own); null: every edition, as <see cref="Editions"/> notes. Its note there cites the draft.
    /// </summary>
    [JsonPropertyName("edition")] public string? OnlyIn { get; init; }

    /// <summary>Whether the requirement is one of <paramref name="edition"/>'s: not new in another, and not noted as not applying there.</summary>
    public bool AppliesIn(string edition) => (OnlyIn is null || OnlyIn == edition) && In(edition) is not { Applies: false };

    /// <summary>The note for <paramref name="edition"/>, if the catalogue has one.</summary>
    public EditionNote? In(string edition) => Editions.TryGetValue(edition, out var note) ? note : null;

    /// <summary>MUST and MUST NOT: a broken one is FAILED; SHOULD, SHOULD NOT and MAY give WARNING.</summary>
    public bool IsMandatory => Keyword is "MUST" or "MUST NOT";

    /// <summary>Excluded only until the suite judges it ("planned: …"), not because it cannot be judged.</summary>
    public bool IsPlanned => Excluded?.StartsWith("planned", StringComparison.Ordinal) == true;

    /// <summary>A capability-model requirement (MBO-CM-*): what a tier is, rather than one wire behaviour of it.</summary>
    public bool IsCapability => Id.StartsWith("MBO-CM-", StringComparison.Ordinal);
}

/// <summary>
/// A requirement in another edition: whether it applies, the draft and section where its text is (<see cref="Doc"/> is the
/// file name in ../shared/spec/editions/&lt;edition&gt;/), the normative sentence quoted word for word (a test checks it still
/// appears in the pinned draft), and how it differs from the seed's.
/// </summary>
public sealed record EditionNote
{
    [JsonPropertyName("applies")] public bool Applies { get; init; } = true;
    [JsonPropertyName("doc")] public required string Doc { get; init; }
    [JsonPropertyName("section")] public required string Section { get; init; }
    [JsonPropertyName("quote")] public required string Quote { get; init; }
    /// <summary>What the edition says otherwise; null when it says the same (the quote then shows where). Required when it does not apply or has another keyword.</summary>
    [JsonPropertyName("differs")] public string? Differs { get; init; }

    /// <summary>The keyword in that edition when it differs (a seed MUST that the edition makes a SHOULD): a failure is then a WARNING.</summary>
    [JsonPropertyName("keyword")] public string? Keyword { get; init; }
}

public sealed class RequirementCatalogue
{
    private readonly Dictionary<string, Requirement> _byId;

    public RequirementCatalogue(IEnumerable<Requirement> requirements)
    {
        All = requirements.ToList();
        _byId = All.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<Requirement> All { get; }

    /// <summary>The catalogue shipped in fixtures/requirements.json (embedded in this assembly).</summary>
    public static RequirementCatalogue Default { get; } = Load();

    public Requirement this[string id]
        => _byId.TryGetValue(id, out var r) ? r : throw new KeyNotFoundException($"requirement {id} is not in fixtures/requirements.json");

    public bool Contains(string id) => _byId.ContainsKey(id);

    private static RequirementCatalogue Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("fixtures.requirements.json")
            ?? throw new InvalidOperationException("fixtures/requirements.json is not embedded in the harness");
        return new RequirementCatalogue(JsonSerializer.Deserialize<List<Requirement>>(stream)!);
    }
}
