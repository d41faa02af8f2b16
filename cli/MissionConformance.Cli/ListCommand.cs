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
                var rows = FaultCatalogue.All.Select(f => new { name = f.Name, site = f.Site.Slug(), breaks = f.Breaks, requirements = f.RequirementIds, under = f.Under?.ToString() });
                Console.WriteLine(JsonSerializer.Serialize(rows, Indented));
                return 0;
            }
            foreach (var site in FaultSites.All)
            {
                Console.WriteLine($"{site.Title()} ({site.Command()} --faults …):");
                foreach (var fault in FaultCatalogue.All.Where(f => f.Site == site))
                {
                    Console.WriteLine($"  {fault.Name,-36} {string.Join(" ", fault.RequirementIds)}");
                    Console.WriteLine($"  {"",-36} {fault.Breaks}{(fault.Under is { } under ? $" (in variant {under}, which --faults brings along)" : "")}");
                }
            }
            Console.WriteLine($"{FaultCatalogue.All.Count} faults ({string.Join(", ", FaultSites.All.Select(site => $"{FaultCatalogue.All.Count(f => f.Site == site)} of the {site.Title()}"))})");
            return 0;
        });
        var ids = new Argument<string[]>("id") { Description = "requirement ids to show in full: check and its file, scenarios, faults and variants", Arity = ArgumentArity.ZeroOrMore };
        var requirements = new Command("requirements", "The requirement catalogue with each requirement's checks or exclusion; with ids, where each is judged") { json, ids };
        requirements.SetAction(parse =>
        {
            var all = MissionConformance.Harness.Engine.RequirementCatalogue.Default.All;
            if (parse.GetValue(ids) is { Length: > 0 } asked) return RequirementTrace.Print(asked, parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(all, Indented));
                return 0;
            }
            foreach (var r in all)
            {
                Console.WriteLine($"{r.Id,-18} {r.Keyword,-9} L{r.Level?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {r.Tier ?? "-",-5} {(r.Checks.Count > 0 ? string.Join(",", r.Checks) : "excluded: " + r.Excluded)}");
            }
            Console.WriteLine($"{all.Count} requirements, {all.Count(r => r.Checks.Count > 0)} judged");
            return 0;
        });
        var scenarios = new Command("scenarios", "The scenarios of the suite and the requirements each judges") { json };
        scenarios.SetAction(parse =>
        {
            var all = MissionConformance.Suites.ConformanceSuite.Scenarios();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(all.Select(s => new { id = s.Id, title = s.Title, requirements = s.Requirements }), Indented));
                return 0;
            }
            foreach (var s in all) Console.WriteLine($"{s.Id,-32} {s.Title}{Environment.NewLine}{"",-32} {string.Join(" ", s.Requirements)}");
            return 0;
        });
        var variants = new Command("variants", "The named variants of the reference: choices the spec allows, which the whole suite must pass") { json };
        variants.SetAction(parse =>
        {
            var all = MissionConformance.Reference.Configuration.VariantCatalogue.All;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(all.Select(v => new { name = v.Name, behaviour = v.Behaviour, target_file = v.TargetFile, warns = v.Warns ?? [], meets = v.Meets ?? [] }), Indented));
                return 0;
            }
            foreach (var v in all)
            {
                Console.WriteLine($"{v.Name,-30} {v.Behaviour}{Environment.NewLine}{"",-30} target file: {v.TargetFile}");
                if (v.Warns is { Count: > 0 } warns) Console.WriteLine($"{"",-30} warns, as the SHOULD it departs from: {string.Join(", ", warns)}");
                if (v.Meets is { Count: > 0 } meets) Console.WriteLine($"{"",-30} meets the SHOULD the default departs from: {string.Join(", ", meets)}");
            }
            Console.WriteLine($"{all.Count} variant(s); run --variants NAME starts the embedded reference in one");
            return 0;
        });
        return new Command("list", "List catalogues") { faults, requirements, scenarios, variants };
    }
}
