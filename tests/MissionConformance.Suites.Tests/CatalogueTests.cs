using System.Reflection;
using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Tests;

/// <summary>fixtures/requirements.json and the code agree: every requirement has checks or a reason, and the checks exist.</summary>
public sealed class CatalogueTests
{
    private static readonly RequirementCatalogue Catalogue = RequirementCatalogue.Default;

    private static readonly IReadOnlyDictionary<string, string> CheckRequirements = typeof(LevelOneSuite).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && IsCheck(t))
        .ToDictionary(t => t.Name, t => (string)t.GetProperty("RequirementId")!.GetValue(Activator.CreateInstance(t))!);

    [Fact]
    public void EveryRequirement_HasChecksOrAnExclusionReason_NotBoth()
    {
        var wrong = Catalogue.All.Where(r => (r.Checks.Count > 0) == (r.Excluded is not null)).Select(r => r.Id).ToList();

        Assert.Empty(wrong);
        Assert.Equal(212, Catalogue.All.Count);  // the spec's 204 and eight suite-defined (MC-…)
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

    private static bool IsCheck(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Check<>)) return true;
        }
        return false;
    }
}
