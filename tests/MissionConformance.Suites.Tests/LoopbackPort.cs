namespace MissionConformance.Suites.Tests;

/// <summary>A port on 127.0.0.1 that was free a moment ago, for a server a test starts or a target file it writes.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
