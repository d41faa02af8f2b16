using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Tests;

/// <summary>fixtures/requirements.json and the code agree: every requirement has checks or a reason, and the checks exist.</summary>
public sealed partial class CatalogueTests
{
    private static readonly RequirementCatalogue Catalogue = RequirementCatalogue.Default;

    /// <summary>Every check class: the suite's, and the runner's own (MBO-AS-MD-009, judged on the computed coordinate).</summary>
    private static readonly Type[] CheckTypes = [.. typeof(LevelOneSuite).Assembly.GetTypes().Concat(typeof(Scenario).Assembly.GetTypes()).Where(t => !t.IsAbstract && IsCheck(t))];

    private static readonly IReadOnlyDictionary<string, string> CheckRequirements = CheckTypes
        .ToDictionary(t => t.Name, t => (string)t.GetProperty("RequirementId")!.GetValue(Activator.CreateInstance(t))!);

    [Fact]
    public void EveryRequirement_HasChecksOrAnExclusionReason_NotBoth()
    {
        var wrong = Catalogue.All.Where(r => (r.Checks.Count > 0) == (r.Excluded is not null)).Select(r => r.Id).ToList();

        Assert.Empty(wrong);
        Assert.Equal(204, Catalogue.All.Count(r => r.Id.StartsWith("MBO-", StringComparison.Ordinal)));  // the spec's, each kept
        Assert.All(Catalogue.All.Where(r => r.Id.StartsWith("MC-", StringComparison.Ordinal)), r => Assert.False(string.IsNullOrEmpty(r.Source), $"{r.Id} cites no source"));
    }

    [Fact]
    public void CatalogueChecks_AreTheCheckClassesInCode()
    {
        var listed = Catalogue.All.SelectMany(r => r.Checks.Select(c => (Check: c, Requirement: r.Id))).ToList();

        Assert.All(listed, l => Assert.True(CheckRequirements.TryGetValue(l.Check, out var id) && id == l.Requirement, $"{l.Requirement} lists {l.Check}, which does not judge it"));
        Assert.All(CheckRequirements, c => Assert.Contains(c.Key, Catalogue[c.Value].Checks));
    }

    [Fact]
    public void Scenarios_DeclareOnlyRequirementsWithChecks()
    {
        var declared = ConformanceSuite.Scenarios().SelectMany(s => s.Requirements.Select(id => (s.Id, id))).ToList();

        Assert.All(declared, d => Assert.True(Catalogue[d.id].Checks.Count > 0, $"{d.Id} declares {d.id}, which lists no check"));
    }

    /// <summary>
    /// Refusal requirements whose check needs no separate control, each with why: it judges the valid request itself (a
    /// refused valid request is that requirement's failure), or what is refused is not a request the AS could serve.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> ControlledWithin = new Dictionary<string, string>
    {
        ["MBO-AS-APR-003"] = "the denial is the user's at consent; the check judges that the AS then issues nothing",
        ["MBO-AS-EXP-003"] = "the denial is the user's at consent; the check judges that the AS then changes nothing",
        ["MC-AS-APR-103"] = "framing is refused by a response header, not by refusing a request",
        ["MBO-AS-GATE-008"] = "its evidence is the derivations within the budget, which must be served, and the one beyond it",
        ["MBO-AS-XD-001"] = "an ID-JAG from the refresh token must be issued, or the check fails; only then is the access token's refusal judged",
        ["MBO-MCP-003"] = "a requestable denial must be answered with a task, not refused: the check judges the answer's shape",
        ["MBO-RT-PDP-009"] = "it judges what the Decision Evidence records say of denials, not a refusal; the permit among the decisions it reads is recorded too",
    };

    /// <summary>design.md principle 9: a check judging a refusal names its positive control, which the engine enforces.</summary>
    [Fact]
    public void RefusalChecks_NameTheirPositiveControl()
    {
        var refusals = Catalogue.All.Where(r => r.Checks.Count > 0 && RefusalWording().IsMatch(r.Summary)).ToList();

        var uncontrolled = refusals.Where(r => !ControlledWithin.ContainsKey(r.Id))
            .SelectMany(r => r.Checks.Where(c => ControlOf(c) is null).Select(c => $"{r.Id} ({c})")).ToList();

        Assert.True(uncontrolled.Count == 0, "refusal checks without a positive control: " + string.Join(", ", uncontrolled));
        Assert.All(ControlledWithin.Keys, id => Assert.Contains(refusals, r => r.Id == id));
        Assert.True(refusals.Count >= 40, $"only {refusals.Count} refusal requirements were recognised; the wording pattern has drifted");
    }

    private static PositiveControl? ControlOf(string checkName)
    {
        var type = CheckTypes.Single(t => t.Name == checkName);
        return (PositiveControl?)type.GetProperty(nameof(Check<object>.Control))!.GetValue(Activator.CreateInstance(type));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(refus|reject|deni|deny|fails? closed|gated)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex RefusalWording();

    private static bool IsCheck(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Check<>)) return true;
        }
        return false;
    }
}
