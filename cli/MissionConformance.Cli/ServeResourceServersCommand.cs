using System.CommandLine;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Cli;

/// <summary>
/// `serve-rs`: runs the reference finance, docs and workflow MCP Resource Servers on loopback until
/// stopped, trusting the issuer and PDP given (the harness's simulated peers: `run --print-peer-config`).
/// </summary>
public static class ServeResourceServersCommand
{
    public static Command Create()
    {
        var trust = new Option<string>("--trust") { Description = "the issuer the servers trust (its metadata names jwks_uri and mission_status_endpoint)", Required = true };
        var pdp = new Option<string?>("--pdp") { Description = "the AuthZEN PDP base URL; required at RS-D" };
        var tier = new Option<string>("--tier") { Description = "A, B, C or D", DefaultValueFactory = _ => "D" };
        var ports = new Option<string>("--ports") { Description = "finance,docs,workflow ports on 127.0.0.1", DefaultValueFactory = _ => "5101,5102,5103" };
        var maxStale = new Option<int>("--max-stale") { Description = "mission_max_stale_seconds", DefaultValueFactory = _ => 3 };
        var faults = new Option<string>("--faults") { Description = "comma-separated named faults (see `list faults`); none by default" };
        var events = new Option<string?>("--events") { Description = "comma-separated servers (finance,docs,workflow) that learn Mission state from lifecycle events pushed to /events instead of asking Mission Status again" };
        var introspect = new Option<string?>("--introspect") { Description = "comma-separated servers (finance,docs,workflow) that learn Mission state by introspecting each token instead of asking Mission Status" };
        var evidenceToken = new Option<string>("--evidence-token")
        {
            Description = "the bearer credential GET /evidence (RS-D) requires",
            DefaultValueFactory = _ => ResourceServerOptions.DefaultEvidenceToken,
        };
        var slotTimeout = new Option<int>("--slot-timeout")
        {
            Description = "max_invocations_slot_timeout_seconds (30-3600): how long a slot waits for its outcome before synthetic failed evidence",
            DefaultValueFactory = _ => 30,
        };
        var command = new Command("serve-rs", "Start the reference MCP Resource Servers (finance, docs, workflow)")
        {
            trust, pdp, tier, ports, maxStale, faults, events, introspect, evidenceToken, slotTimeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var servers = new List<ReferenceResourceServer>();
            try
            {
                var faultSet = FaultSet.Parse(parse.GetValue(faults)).OnlyAt(FaultSite.ResourceServer, "serve-rs");
                if (!Enum.TryParse<RsTierSetting>(parse.GetValue(tier), ignoreCase: true, out var tierSetting) || !Enum.IsDefined(tierSetting))
                {
                    throw new ReferenceConfigurationException($"--tier: \"{parse.GetValue(tier)}\" is not A, B, C or D");
                }
                var portList = parse.GetValue(ports)!.Split(',', StringSplitOptions.TrimEntries);
                if (portList.Length != ResourceServerProfile.All.Count || portList.Any(p => !int.TryParse(p, out var n) || n is < 0 or > 65535))
                {
                    throw new ReferenceConfigurationException($"--ports: give {ResourceServerProfile.All.Count} ports (finance,docs,workflow), not \"{parse.GetValue(ports)}\"");
                }
                var issuer = Absolute(parse.GetValue(trust)!, "--trust");
                var pdpUrl = parse.GetValue(pdp) is { } p ? Absolute(p, "--pdp") : null;
                var eventDriven = Servers(parse.GetValue(events), "--events");
                var introspecting = Servers(parse.GetValue(introspect), "--introspect");
                for (var i = 0; i < portList.Length; i++)
                {
                    servers.Add(await ReferenceResourceServer.StartAsync(new ResourceServerOptions
                    {
                        Profile = ResourceServerProfile.All[i], Tier = tierSetting, TrustedIssuer = issuer, Pdp = pdpUrl,
                        MaxStaleSeconds = parse.GetValue(maxStale), Faults = faultSet, Url = $"http://127.0.0.1:{portList[i]}",
                        EventDriven = eventDriven.Contains(ResourceServerProfile.All[i].Name), Introspection = introspecting.Contains(ResourceServerProfile.All[i].Name),
                        EvidenceToken = parse.GetValue(evidenceToken)!, SlotTimeoutSeconds = parse.GetValue(slotTimeout),
                    }, ct));
                }
            }
            catch (Exception e) when (e is ReferenceConfigurationException or IOException)
            {
                foreach (var server in servers) await server.DisposeAsync();
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            Console.WriteLine($"Mission reference resource servers listening (RS-{parse.GetValue(tier)!.ToUpperInvariant()}, trusting {parse.GetValue(trust)})");
            foreach (var server in servers)
            {
                Console.WriteLine($"  {server.Options.Profile.Name,-9} {server.Resource}  tools: {string.Join(", ", server.Options.Profile.Tools.Select(t => t.Name))}"
                    + (server.EventReceiver is { } receiver ? $"  events: {receiver}" : "") + (server.Options.Introspection ? "  introspects" : "") + (server.EvidenceExport is { } export ? $"  evidence: {export}" : "")
                    + (server.DropOutcomeUrl is { } drop ? $"  drop-outcome: {drop}" : ""));
            }
            Console.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            foreach (var server in servers) await server.DisposeAsync();
            return 0;
        });
        return command;
    }

    private static HashSet<string> Servers(string? list, string option)
    {
        var names = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return names.FirstOrDefault(name => ResourceServerProfile.Find(name) is null) is { } unknown
            ? throw new ReferenceConfigurationException($"{option}: \"{unknown}\" is not finance, docs or workflow")
            : names;
    }

    internal static Uri Absolute(string value, string option)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ReferenceConfigurationException($"{option}: \"{value}\" is not an http(s) URL");
}
