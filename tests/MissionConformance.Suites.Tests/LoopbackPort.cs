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

    /// <summary>
    /// A port on 127.0.0.1 that refuses connections for as long as the result is held: bound, never listening, so no server
    /// a concurrent test starts can take it (a port that was only free a moment ago can be, and then answers).
    /// </summary>
    public static RefusingPort Refusing()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return new RefusingPort(socket);
    }

    public sealed class RefusingPort(System.Net.Sockets.Socket socket) : IDisposable
    {
        public int Port => ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;

        public void Dispose() => socket.Dispose();
    }
}
