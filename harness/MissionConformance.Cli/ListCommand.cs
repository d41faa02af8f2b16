using System.CommandLine;
using System.Text.Json;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Cli;

/// <summary>`list faults [--json]`: the fault catalogue with the requirement ids each breaks.</summary>
public static class ListCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var faults = new Command("faults", "The named faults of the reference stack and the requirement ids each breaks") { json };
        faults.SetAction(parse =>
        {
            if (parse.GetValue(json))
            {
                var rows = FaultCatalogue.All.Select(f => new { name = f.Name, breaks = f.Breaks, requirements = f.RequirementIds });
                Console.WriteLine(JsonSerializer.Serialize(rows, Indented));
                return 0;
            }
            foreach (var fault in FaultCatalogue.All)
            {
                Console.WriteLine($"{fault.Name,-38} {string.Join(" ", fault.RequirementIds)}");
                Console.WriteLine($"{"",-38} {fault.Breaks}");
            }
            Console.WriteLine($"{FaultCatalogue.All.Count} faults");
            return 0;
        });
        return new Command("list", "List catalogues") { faults };
    }
}
