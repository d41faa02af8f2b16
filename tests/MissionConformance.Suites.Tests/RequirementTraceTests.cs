using MissionConformance.Cli;
using MissionConformance.Harness.Engine;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>`list requirements ID` leads from an id to everything tied to it, read from the code (issue 20).</summary>
public sealed class RequirementTraceTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void AnId_LeadsToItsCheckFileScenarioAndFaults()
    {
        var trace = RequirementTrace.Find("mbo-as-par-004")!;

        Assert.Equal("MBO-AS-PAR-004", trace.Id);
        var check = Assert.Single(trace.Checks);
        Assert.Equal("DuplicateMembersRefused", check.Name);
        Assert.Matches(@"^suites/MissionConformance\.Suites/Checks/AS-PAR\.cs:\d+$", check.File);
        Assert.Contains("par.refusals", trace.Scenarios);
        Assert.Contains(trace.Faults, f => f.Name == nameof(Fault.AcceptDuplicateMembers) && f.File!.StartsWith("reference/MissionConformance.Reference/Faults/", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryJudgedRequirement_HasLocatedChecks_AndAScenarioOrTheRunner()
    {
        var problems = new List<string>();
        foreach (var requirement in RequirementCatalogue.Default.All.Where(r => r.Checks.Count > 0))
        {
            var trace = RequirementTrace.Find(requirement.Id)!;
            problems.AddRange(trace.Checks.Where(c => c.File is null || !File.Exists(Path.Combine(Root, c.File.Split(':')[0]))).Select(c => $"{requirement.Id}: {c.Name} not located ({c.File})"));
            if (trace.Scenarios.Count == 0 && requirement.Id != "MBO-AS-MD-009") problems.Add($"{requirement.Id}: no scenario judges it");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryCheck_IsInItsFamilysFile()
    {
        var misplaced = typeof(LevelOneSuite).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ICheck).IsAssignableFrom(t))
            .Select(t => (Type: t, Id: ((ICheck)Activator.CreateInstance(t)!).RequirementId, File: SourceLocation.Of(t)?.Split(':')[0]))
            .Where(c => c.File != $"suites/MissionConformance.Suites/Checks/{Family(c.Id)}.cs")
            .Select(c => $"{c.Type.Name} ({c.Id}) is in {c.File}")
            .ToList();

        Assert.True(misplaced.Count == 0, string.Join("\n", misplaced));
    }

    /// <summary>MBO-AS-GATE-002 and MC-AS-GATE-101 are AS-GATE; MBO-MS-004 is MS.</summary>
    private static string Family(string id) => string.Join('-', id.Split('-')[1..^1]);

    [Fact]
    public void EveryFault_LeadsToItsHookFile()
    {
        var unlocated = FaultCatalogue.All.Where(f => f.RequirementIds.Count > 0)
            .SelectMany(f => f.RequirementIds.Take(1).Select(id => (Fault: f.Name, Located: RequirementTrace.Find(id)!.Faults.Single(l => l.Name == f.Name))))
            .Where(x => x.Located.File is null || !x.Located.File.StartsWith("reference/MissionConformance.Reference/Faults/", StringComparison.Ordinal))
            .Select(x => $"{x.Fault}: {x.Located.File}")
            .ToList();

        Assert.Empty(unlocated);
    }

    [Fact]
    public void AnUnknownId_IsAnError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(2, RequirementTrace.Print(["MBO-AS-NOPE-001"], json: false, stdout, stderr));
        Assert.Contains("no requirement MBO-AS-NOPE-001", stderr.ToString(), StringComparison.Ordinal);
    }
}
