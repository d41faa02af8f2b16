using System.Text.RegularExpressions;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// Faults live beside the correct path, never inside it (issue 20): each is a hook class under Faults/, registered only while
/// it is active, and no code of the reference outside Faults/ names a fault.
/// </summary>
public sealed partial class FaultSeamTests
{
    [Fact]
    public void EveryFault_IsAHookClass()
    {
        var unhooked = Enum.GetValues<Fault>().Except(FaultInstaller.HookedFaults).ToList();

        Assert.True(unhooked.Count == 0, "faults with no [FaultHook] class: " + string.Join(", ", unhooked));
        // One class per fault, so its description is written once, on it.
        Assert.Equal(Enum.GetValues<Fault>(), FaultCatalogue.All.Select(d => d.Fault));
    }

    [Fact]
    public void HookClasses_LiveUnderFaults()
    {
        var misplaced = typeof(FaultInstaller).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(FaultHookAttribute), inherit: false).Length > 0)
            .Where(t => t.Namespace is null || !t.Namespace.StartsWith("MissionConformance.Reference.Faults", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void CorrectPath_NamesNoFault()
    {
        var root = RunningReference.RepositoryPath("reference");
        var faults = Path.Combine(root, "MissionConformance.Reference", "Faults") + Path.DirectorySeparatorChar;
        var offending = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(faults, StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => FaultMention().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "the correct path asks about faults:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void OnlyActiveFaults_AreRegistered()
    {
        var none = FaultInstaller.HooksFor<ResourceServers.IResourceServerHook>(FaultSet.None);
        var one = FaultInstaller.HooksFor<ResourceServers.IResourceServerHook>(new FaultSet([Fault.RsSkipsPdp]));
        var consultations = new List<bool>();

        foreach (var hooks in new[] { none, one })
        {
            var consultation = new ResourceServers.PdpConsultation();
            hooks.Run(h => h.PdpConsulting(consultation));
            consultations.Add(consultation.Consults);
        }

        Assert.Equal([true, false], consultations);
    }

    /// <summary>A fault's name, or a question about the active set, in code.</summary>
    [GeneratedRegex(@"\bFault\.[A-Z]|[Ff]aults\.Has\(")]
    private static partial Regex FaultMention();
}
