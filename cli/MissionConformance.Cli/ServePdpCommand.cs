using System.CommandLine;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Pdp;

namespace MissionConformance.Cli;

/// <summary>
/// `serve-pdp`: runs the reference AuthZEN PDP on loopback until stopped, deciding on the Missions of the issuer it trusts (the harness's
/// simulated AS: `run --print-peer-config`), whose DPoP-bound tokens for the PDP authenticate its callers.
/// </summary>
public static class ServePdpCommand
{
    public static Command Create()
    {
        var trust = new Option<string>("--trust") { Description = "the state authority whose Missions it decides on (Mission Status) and whose DPoP-bound tokens authenticate callers", Required = true };
        var port = new Option<int>("--port") { Description = "the port on 127.0.0.1", DefaultValueFactory = _ => 5205 };
        var maxStale = new Option<int>("--max-stale") { Description = "mission_max_stale_seconds: older context.freshness is denied stale_state", DefaultValueFactory = _ => 30 };
        var faults = new Option<string>("--faults") { Description = "comma-separated named faults (see `list faults`); none by default" };
        var evidenceToken = new Option<string>("--evidence-token")
        {
            Description = "the bearer credential GET /evidence (its Decision Evidence export) requires",
            DefaultValueFactory = _ => PdpOptions.DefaultEvidenceToken,
        };
        var command = new Command("serve-pdp", "Start the reference AuthZEN PDP") { trust, port, maxStale, faults, evidenceToken };
        command.SetAction(async (parse, ct) =>
        {
            ReferencePdp pdp;
            try
            {
                var portValue = parse.GetValue(port);
                if (portValue is < 0 or > 65535) throw new ReferenceConfigurationException($"--port: {portValue} is not a port");
                pdp = await ReferencePdp.StartAsync(new PdpOptions
                {
                    TrustedIssuer = ServeResourceServersCommand.Absolute(parse.GetValue(trust)!, "--trust"),
                    MaxStaleSeconds = parse.GetValue(maxStale),
                    Faults = FaultSet.Parse(parse.GetValue(faults)).OnlyAt(FaultSite.Pdp, "serve-pdp"),
                    EvidenceToken = parse.GetValue(evidenceToken)!,
                    Url = $"http://127.0.0.1:{portValue}",
                }, ct);
            }
            catch (Exception e) when (e is ReferenceConfigurationException or IOException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 2;
            }
            await using (pdp)
            {
                Console.WriteLine($"Mission reference PDP listening at {pdp.BaseUrl} (trusting {pdp.Options.TrustedIssuer})");
                Console.WriteLine($"  metadata: {pdp.BaseUrl}{ReferencePdp.MetadataPath.TrimStart('/')}  evidence: {pdp.EvidenceExport}  jwks: {pdp.JwksUri}");
                Console.WriteLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return command;
    }
}
