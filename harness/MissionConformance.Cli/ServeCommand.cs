using System.CommandLine;
using MissionConformance.Reference;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Cli;

/// <summary>`serve`: runs the reference Authorization Server on loopback until stopped.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "loopback URL to listen on (port 0: any free port)", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var faults = new Option<string>("--faults") { Description = "comma-separated named faults (see `list faults`); none by default" };
        var db = new Option<string?>("--db") { Description = "SQLite file; reusing one keeps Missions across restarts (default: a new temporary file)" };
        var command = new Command("serve", "Start the reference Mission-Bound Authorization Server") { urls, faults, db };
        command.SetAction(async (parse, ct) =>
        {
            FaultSet faultSet;
            try
            {
                faultSet = FaultSet.Parse(parse.GetValue(faults)).OnlyAt(FaultSite.AuthorizationServer, "serve");
            }
            catch (ReferenceConfigurationException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            ReferenceStack stack;
            try
            {
                stack = await ReferenceStack.StartAsync(new ReferenceStackOptions { Url = parse.GetValue(urls)!, Faults = faultSet, DatabasePath = parse.GetValue(db) }, ct);
            }
            catch (Exception e) when (e is ReferenceConfigurationException or IOException or UriFormatException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message);
                return 2;
            }

            await using (stack)
            {
                PrintBanner(stack);
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

    private static void PrintBanner(ReferenceStack stack)
    {
        var issuer = stack.Settings.MissionOrigin.TrimEnd('/');
        Console.WriteLine($"Mission reference AS listening");
        Console.WriteLine($"  issuer     {stack.Settings.MissionOrigin}");
        Console.WriteLine($"  metadata   {issuer}/.well-known/oauth-authorization-server");
        Console.WriteLine($"  mtls       {stack.Settings.MutualTlsEndpoint(Reference.Endpoints.MissionStatusEndpoint.Path)} (Mission Status's alias; its certificate: fixtures/keys/reference-tls.crt.pem)");
        Console.WriteLine($"  database   {stack.DatabasePath}");
        Console.WriteLine($"  faults     {(stack.Faults.Active.Count == 0 ? "none" : string.Join(",", stack.Faults.Active))}");
        Console.WriteLine("  clients    (redirect_uri " + TestPrincipals.RedirectUri + ")");
        foreach (var client in TestPrincipals.Clients)
        {
            var auth = client.IsStatusClient ? $"Mission Status only, audience {client.StatusAudience}; private_key_jwt (fixtures/keys/{client.ClientId}.jwk.json)"
                : client.IsPublic ? "public, PKCE" : "client_secret_basic at /token; private_key_jwt (fixtures/keys/" + client.ClientId + ".jwk.json) at lifecycle/inventory";
            Console.WriteLine($"    {client.ClientId,-20} {auth}{(client.IsAdmin ? "; administrator" : "")}");
        }
        Console.WriteLine("  accounts   " + string.Join(", ", TestPrincipals.Accounts.Select(a => $"{a.Username} ({a.Subject})")) + "; passwords in the README");
        Console.WriteLine("Press Ctrl+C to stop.");
    }
}
