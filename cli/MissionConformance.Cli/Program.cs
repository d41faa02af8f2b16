using System.CommandLine;
using MissionConformance.Cli;

var root = new RootCommand("MissionConformance: conformance suite and reference stack for Mission-Bound Authorization");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ServeResourceServersCommand.Create());
root.Subcommands.Add(ServeResourceAsCommand.Create());
root.Subcommands.Add(ServePdpCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ListCommand.Create());
root.Subcommands.Add(DocsCommand.Create());
root.Subcommands.Add(MissionConformance.Cli.Bench.BenchCommand.Create());
return await root.Parse(args).InvokeAsync();
