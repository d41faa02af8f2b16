using System.CommandLine;
using MissionConformance.Reference;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.ResourceAs;

namespace MissionConformance.Cli;

/// <summary>`serve`: runs the reference Authorization Server on loopback until stopped.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "loopback URL to listen on (port 0: any free port)", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var faults = new Option<string>("--faults") { Description = "comma-separated named faults (see `list faults`); none by default" };
        var db = new Option<string?>("--db") { Description = "SQLite file; reusing one keeps Missions across restarts (default: a new temporary file)" };
        var projectionIssuers = new Option<string?>("--projection-issuers")
        {
            Description = "run as Mission Authority Server (mas.md) of the board-packet projection issuers "
                + string.Join(" and ", ProjectionIssuerSpec.BoardPacket.Select(p => p.Id)) + ", started at these comma-separated loopback URLs, in that order",
        };
        var events = new Option<string?>("--events")
        {
            Description = $"push lifecycle SETs (RFC 8935) to this receiver URL, audience {EventAudience}: the harness's, at http://127.0.0.1:<lifecycleEvents.receiverPort>/events",
        };
        var command = new Command("serve", "Start the reference Mission-Bound Authorization Server") { urls, faults, db, projectionIssuers, events };
        command.SetAction(async (parse, ct) =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            FaultSet faultSet;
            try
            {
                // A projection issuer's faults only where serve starts them.
                faultSet = parse.GetValue(projectionIssuers) is null
                    ? FaultSet.Parse(parse.GetValue(faults)).OnlyAt(FaultSite.AuthorizationServer, "serve")
                    : FaultSet.Parse(parse.GetValue(faults)).OnlyAt([FaultSite.AuthorizationServer, FaultSite.ProjectionIssuer], "serve --projection-issuers");
            }
            catch (ReferenceConfigurationException e)
            {
                await stderr.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            ReferenceStack stack;
            MissionAuthorityTopology? topology = null;
            try
            {
                var options = new ReferenceStackOptions
                {
                    Url = parse.GetValue(urls)!, Faults = faultSet, DatabasePath = parse.GetValue(db),
                    EventSubscriptions = parse.GetValue(events) is { } receiver ? [new EventSubscription(LoopbackUrl(receiver, "--events"), EventAudience)] : [],
                };
                if (parse.GetValue(projectionIssuers) is { } issuerUrls)
                {
                    var each = issuerUrls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var url in each) LoopbackUrl(url, "--projection-issuers");
                    topology = await MissionAuthorityTopology.StartAsync(options, ProjectionIssuerSpec.BoardPacket, faultSet, each, ct);
                }
                stack = topology?.Authority ?? await ReferenceStack.StartAsync(options, ct);
            }
            catch (Exception e) when (e is ReferenceConfigurationException or IOException or UriFormatException)
            {
                await stderr.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            await using (topology is null ? stack : (IAsyncDisposable)topology)
            {
                PrintBanner(stack, topology, parse.GetValue(events), stdout);
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

    /// <summary>The audience of the SETs `serve --events` pushes: a resource every board-packet Mission has an entry for, as in the embedded run.</summary>
    public const string EventAudience = ResourceCatalogue.FinanceResource;

    private static Uri LoopbackUrl(string text, string option)
        => Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.IsLoopback
            ? url
            : throw new ReferenceConfigurationException($"{option}: \"{text}\" is not an http(s) URL on loopback");

    private static void PrintBanner(ReferenceStack stack, MissionAuthorityTopology? topology, string? events, TextWriter stdout)
    {
        var issuer = stack.Settings.MissionOrigin.TrimEnd('/');
        stdout.WriteLine($"Mission reference AS listening");
        stdout.WriteLine($"  issuer     {stack.Settings.MissionOrigin}");
        stdout.WriteLine($"  metadata   {issuer}/.well-known/oauth-authorization-server");
        stdout.WriteLine($"  mtls       {stack.Settings.MutualTlsEndpoint(Reference.Endpoints.MissionStatusEndpoint.Path)} (Mission Status's alias; its certificate: fixtures/keys/reference-tls.crt.pem)");
        stdout.WriteLine($"  database   {stack.DatabasePath}");
        stdout.WriteLine($"  faults     {(stack.Faults.Active.Count == 0 ? "none" : string.Join(",", stack.Faults.Active))}");
        foreach (var (spec, server) in topology?.Issuers ?? [])
        {
            stdout.WriteLine($"  projects   {spec.Id} at {server.Issuer} (resource {spec.Resource}; client {server.Options.ClientId}, client_secret_basic, its secret as fixtures/targets/reference.json gives it)");
        }
        if (events is not null) stdout.WriteLine($"  events     lifecycle SETs to {events}, audience {EventAudience}");
        stdout.WriteLine("  clients    (redirect_uri " + TestPrincipals.RedirectUri + ")");
        foreach (var client in TestPrincipals.Clients)
        {
            var auth = client.IsStatusClient ? $"Mission Status only, audience {client.StatusAudience}; private_key_jwt (fixtures/keys/{client.ClientId}.jwk.json)"
                : client.IsPublic ? "public, PKCE" : "client_secret_basic at /token; private_key_jwt (fixtures/keys/" + client.ClientId + ".jwk.json) at lifecycle/inventory";
            stdout.WriteLine($"    {client.ClientId,-20} {auth}{(client.IsAdmin ? "; administrator" : "")}");
        }
        stdout.WriteLine("  accounts   " + string.Join(", ", TestPrincipals.Accounts.Select(a => $"{a.Username} ({a.Subject})")) + "; passwords in the README");
        stdout.WriteLine("Press Ctrl+C to stop.");
    }
}
