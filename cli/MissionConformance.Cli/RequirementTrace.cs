using System.Text.Json;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites;

namespace MissionConformance.Cli;

/// <summary>
/// `list requirements ID…`: for each id, everything tied to it, read from the code rather than kept in a table: its check
/// classes and the files they are written in, the scenarios that judge it, the faults that break it and the variants that touch it.
/// </summary>
public static class RequirementTrace
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public sealed record Trace(string Id, string Keyword, string Summary, string? Excluded, IReadOnlyList<Located> Checks, IReadOnlyList<string> Scenarios,
        IReadOnlyList<Located> Faults, IReadOnlyList<string> Variants);

    public sealed record Located(string Name, string? File);

    /// <summary>Every check class of the suite and of the runner (MBO-AS-MD-009, judged on the coordinate), by name.</summary>
    private static readonly IReadOnlyDictionary<string, Type> CheckTypes = typeof(LevelOneSuite).Assembly.GetTypes()
        .Concat(typeof(AdvertisementWithinCoordinate).Assembly.GetTypes())
        .Where(t => !t.IsAbstract && typeof(ICheck).IsAssignableFrom(t))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static Trace? Find(string id)
    {
        var requirement = RequirementCatalogue.Default.All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
        if (requirement is null) return null;
        var faults = FaultCatalogue.All.Where(f => f.RequirementIds.Contains(requirement.Id)).ToList();
        return new Trace(
            requirement.Id, requirement.Keyword, requirement.Summary, requirement.Excluded,
            [.. requirement.Checks.Select(c => new Located(c, CheckTypes.TryGetValue(c, out var type) ? SourceLocation.Of(type) : null))],
            [.. ConformanceSuite.Scenarios().Where(s => s.Requirements.Contains(requirement.Id)).Select(s => s.Id)],
            [.. faults.Select(f => new Located(f.Name, FaultInstaller.HookTypes(f.Fault).Select(SourceLocation.Of).FirstOrDefault(l => l is not null)))],
            [.. VariantCatalogue.All.Where(v => (v.Warns ?? []).Concat(v.Meets ?? []).Contains(requirement.Id)).Select(v => v.Name)
                .Concat(faults.Select(f => f.Under?.ToString()).OfType<string>()).Distinct(StringComparer.Ordinal)]);
    }

    public static int Print(IReadOnlyList<string> ids, bool json, TextWriter stdout, TextWriter stderr)
    {
        var traces = ids.Select(id => (Id: id, Trace: Find(id))).ToList();
        if (traces.FirstOrDefault(t => t.Trace is null) is { Id: { } unknown })
        {
            stderr.WriteLine($"error: no requirement {unknown}; `mission-conformance list requirements` prints the catalogue");
            return 2;
        }
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(traces.Select(t => t.Trace), Indented));
            return 0;
        }
        foreach (var trace in traces.Select(t => t.Trace!))
        {
            stdout.WriteLine($"{trace.Id} ({trace.Keyword}) {trace.Summary}");
            if (trace.Excluded is { } why) stdout.WriteLine($"  not judged: {why}");
            foreach (var check in trace.Checks) stdout.WriteLine($"  check     {check.Name,-40} {check.File ?? "(no PDB: source unknown)"}");
            stdout.WriteLine($"  scenario  {(trace.Scenarios.Count > 0 ? string.Join(", ", trace.Scenarios) : trace.Checks.Count > 0 ? "the runner, on the computed coordinate" : "none")}");
            foreach (var fault in trace.Faults) stdout.WriteLine($"  fault     {fault.Name,-40} {fault.File ?? "(no PDB: source unknown)"}");
            if (trace.Faults.Count == 0) stdout.WriteLine("  fault     none");
            stdout.WriteLine($"  variants  {(trace.Variants.Count == 0 ? "none" : string.Join(", ", trace.Variants))}");
        }
        return 0;
    }
}
