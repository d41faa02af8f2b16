using System.CommandLine;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceAs;

namespace MissionConformance.Cli;

/// <summary>
/// `serve-ras`: runs the reference Resource AS of a second trust domain on loopback until stopped, redeeming
/// ID-JAGs from the one origin it is told to trust (the harness's simulated AS: `run --print-peer-config`).
/// </summary>
public static class ServeResourceAsCommand
{
    public static Command Create()
    {
        var trust = new Option<string>("--trust") { Description = "the origin AS whose ID-JAGs it redeems (its metadata names jwks_uri)", Required = true };
        var urls = new Option<string>("--urls") { Description = "where it listens, on 127.0.0.1", DefaultValueFactory = _ => "http://127.0.0.1:5203" };
        var resources = new Option<string>("--resources")
        {
            Description = "comma-separated resources it is authoritative for",
            DefaultValueFactory = _ => ResourceCatalogue.WorkflowResource,
        };
        var faults = new Option<string>("--faults") { Description = "comma-separated named faults of the Resource AS (see `list faults`); none by default" };
        var projection = new Option<bool>("--projection")
        {
            Description = $"a projection issuer (mas.md) of the trusted origin, its Mission Authority: asks its Mission Status (as {TestPrincipals.WorkflowProjectionIssuer}) before it issues, and refreshes what it issued",
        };
        var command = new Command("serve-ras", "Start the reference Resource AS (redeems ID-JAGs by the JWT bearer grant)") { trust, urls, resources, faults, projection };
        command.SetAction(async (parse, ct) =>
        {
            ReferenceResourceAs server;
            try
            {
                var served = parse.GetValue(resources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                server = await ReferenceResourceAs.StartAsync(new ResourceAsOptions
                {
                    TrustedOrigin = ServeResourceServersCommand.Absolute(parse.GetValue(trust)!, "--trust"),
                    Resources = served,
                    Url = parse.GetValue(urls)!,
                    Faults = FaultSet.Parse(parse.GetValue(faults)).OnlyAt(FaultSite.ResourceAs, "serve-ras"),
                    Projection = parse.GetValue(projection) && served.Length > 0 ? ProjectionSettings.For(TestPrincipals.WorkflowProjectionIssuer, served[0]) : null,
                }, ct);
            }
            catch (Exception e) when (e is ReferenceConfigurationException or IOException or UriFormatException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            Console.WriteLine($"Mission reference Resource AS listening at {server.Issuer} (trusting {server.Options.TrustedOrigin}; resources: {string.Join(", ", server.Options.Resources)})"
                + (server.Options.Projection is { } settings ? $"; a projection issuer of that origin, asking its Mission Status as {settings.StatusClientId}" : ""));
            Console.WriteLine($"  client {server.Options.ClientId} (client_secret_basic), token endpoint {server.TokenEndpoint}");
            Console.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            await server.DisposeAsync();
            return 0;
        });
        return command;
    }
}
