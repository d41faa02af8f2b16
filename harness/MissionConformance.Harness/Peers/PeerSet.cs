namespace MissionConformance.Harness.Peers;

/// <summary>The ports the simulated peers listen on (0: any free port), as a target RS was configured to trust them.</summary>
public sealed record PeerSettings(int AuthorizationServerPort = 0, int PdpPort = 0)
{
    public static PeerSettings Any { get; } = new();
}

/// <summary>
/// The peers the harness plays for Resource Servers under test: the AS they trust and the PDP they ask,
/// both on 127.0.0.1, sharing one log.
/// </summary>
public sealed class PeerSet : IDisposable
{
    private PeerSet(SimulatedAuthorizationServer authorizationServer, SimulatedPdp pdp, PeerLog log)
    {
        AuthorizationServer = authorizationServer;
        Pdp = pdp;
        Log = log;
    }

    public SimulatedAuthorizationServer AuthorizationServer { get; }

    public SimulatedPdp Pdp { get; }

    public PeerLog Log { get; }

    /// <summary>Starts both peers; a port already taken is reported with the setting that asked for it.</summary>
    public static PeerSet Start(PeerSettings settings)
    {
        var log = new PeerLog();
        var authorizationServer = Listen(() => SimulatedAuthorizationServer.Start(settings.AuthorizationServerPort, log), "peers.authorizationServerPort", settings.AuthorizationServerPort);
        try
        {
            return new PeerSet(authorizationServer, Listen(() => SimulatedPdp.Start(settings.PdpPort, log), "peers.pdpPort", settings.PdpPort), log);
        }
        catch
        {
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
        ("PDP (AuthZEN)", Pdp.Url.AbsoluteUri + SimulatedPdp.EvaluationPath.TrimStart('/')),
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
    }
}
