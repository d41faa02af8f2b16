namespace MissionConformance.Harness.Peers;

/// <summary>
/// The ports the simulated peers listen on (0: any free port), as a target RS was configured to trust them, and where the
/// harness receives an AS's lifecycle events (null: it does not).
/// </summary>
public sealed record PeerSettings(int AuthorizationServerPort = 0, int PdpPort = 0, int? EventReceiverPort = null)
{
    public static PeerSettings Any { get; } = new();
}

/// <summary>
/// The peers the harness plays for Resource Servers under test: the AS they trust and the PDP they ask,
/// both on 127.0.0.1, sharing one log.
/// </summary>
public sealed class PeerSet : IDisposable
{
    private PeerSet(SimulatedAuthorizationServer authorizationServer, SimulatedPdp pdp, PeerLog log, SimulatedEventReceiver? eventReceiver)
    {
        AuthorizationServer = authorizationServer;
        Pdp = pdp;
        Log = log;
        EventReceiver = eventReceiver;
    }

    /// <summary>Where the AS under test pushes its lifecycle SETs (target file lifecycleEvents), when the settings ask for it.</summary>
    public SimulatedEventReceiver? EventReceiver { get; }

    public SimulatedAuthorizationServer AuthorizationServer { get; }

    public SimulatedPdp Pdp { get; }

    public PeerLog Log { get; }

    /// <summary>Starts both peers; a port already taken is reported with the setting that asked for it.</summary>
    public static PeerSet Start(PeerSettings settings)
    {
        var log = new PeerLog();
        var authorizationServer = Listen(() => SimulatedAuthorizationServer.Start(settings.AuthorizationServerPort, log), "peers.authorizationServerPort", settings.AuthorizationServerPort);
        SimulatedPdp? pdp = null;
        try
        {
            // Its callers authenticate with the simulated AS's DPoP-bound tokens for the PDP (runtime.md §1, MBO-RT-PEP-013).
            pdp = Listen(() => SimulatedPdp.Start(settings.PdpPort, log, authorizationServer.CallerProblemAsync), "peers.pdpPort", settings.PdpPort);
            var receiver = settings.EventReceiverPort is { } port
                ? Listen(() => SimulatedEventReceiver.Start(port), "authorizationServers[].lifecycleEvents.receiverPort", port)
                : null;
            return new PeerSet(authorizationServer, pdp, log, receiver);
        }
        catch
        {
            pdp?.Dispose();
            authorizationServer.Dispose();
            throw;
        }
    }

    /// <summary>What a Resource Server must be configured with to trust these peers (run --print-peer-config).</summary>
    public IReadOnlyList<(string Name, string Value)> Configuration() =>
    [
        ("trusted issuer", AuthorizationServer.Issuer.AbsoluteUri),
        ("issuer metadata", AuthorizationServer.Issuer.AbsoluteUri + ".well-known/oauth-authorization-server"),
        ("JWKS", AuthorizationServer.JwksUri),
        ("Mission Status endpoint (private_key_jwt)", AuthorizationServer.StatusEndpoint),
        ("token endpoint (client_credentials by private_key_jwt, DPoP, resource = the PDP's URL: the PEP's credential at the PDP)", AuthorizationServer.TokenEndpoint),
        ("PDP (AuthZEN)", Pdp.Url.AbsoluteUri + SimulatedPdp.EvaluationPath.TrimStart('/')),
        .. EventReceiver is { } receiver ? [("the AS's lifecycle event receiver (RFC 8935 push)", receiver.Endpoint.AbsoluteUri)] : Array.Empty<(string, string)>(),
    ];

    private static T Listen<T>(Func<T> start, string setting, int port)
    {
        try
        {
            return start();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or WireMock.Exceptions.WireMockException)
        {
            throw new InvalidOperationException($"{setting}: cannot listen on 127.0.0.1:{port}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        AuthorizationServer.Dispose();
        Pdp.Dispose();
        EventReceiver?.Dispose();
    }
}
