using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MissionConformance.Suites.Tests;

/// <summary>The ways a target can misbehave below the level of any check (issue 23 item 2).</summary>
public enum Hostility
{
    /// <summary>Accepts the connection, reads the request, never answers.</summary>
    NeverAnswers,

    /// <summary>Accepts the connection and resets it (RST) instead of answering.</summary>
    Resets,

    /// <summary>Answers random bytes, control characters among them, instead of HTTP.</summary>
    GarbageBytes,

    /// <summary>Answers 200 application/json with a 64 MB body.</summary>
    HugeBody,

    /// <summary>Answers a valid status line and headers, then the body one byte a second.</summary>
    OneByteASecond,

    /// <summary>Answers every request 500 with an HTML page.</summary>
    ServerErrorHtml,

    /// <summary>Answers every request 302 to itself.</summary>
    RedirectLoop,

    /// <summary>Nothing listens: the port was bound and closed.</summary>
    ClosedPort,

    /// <summary>Answers JSON whose members have the wrong JSON types: metadata with "issuer": 42, endpoints as numbers and arrays; elsewhere every member a number.</summary>
    WrongJsonTypes,

    /// <summary>Answers well-formed metadata whose endpoints are on a port where nothing listens (only with <see cref="HostileServer.MetadataFirst"/>).</summary>
    EndpointsOnClosedPort,

    /// <summary>
    /// Accepts every PAR and approves at once (the authorization endpoint redirects back with a code and the pushed state), then
    /// answers every later request (token, Mission Status, lifecycle, inventory, introspection, JWKS) with JSON of the wrong types,
    /// so the wrong types meet the token and Mission handling, not PAR (only with <see cref="HostileServer.MetadataFirst"/>).
    /// </summary>
    WrongTypesPastConsent,
}

/// <summary>
/// A loopback server that plays one <see cref="Hostility"/> on raw TCP, so it can break HTTP itself: the harness must come out of
/// each with an explained verdict, bounded time and memory, and every report file. Stops when disposed.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    /// <summary>The size of the <see cref="Hostility.HugeBody"/> answer.</summary>
    public const int HugeBytes = 64 * 1024 * 1024;

    private readonly TcpListener? _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting = Task.CompletedTask;

    private HostileServer(Hostility hostility, bool metadataFirst)
    {
        Hostility = hostility;
        MetadataFirst = metadataFirst;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        if (hostility == Hostility.ClosedPort)
        {
            listener.Stop();
            return;
        }
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public Hostility Hostility { get; }

    /// <summary>
    /// Well-formed RFC 8414 metadata at /.well-known/oauth-authorization-server, with every endpoint on this server (or, for
    /// <see cref="Hostility.EndpointsOnClosedPort"/>, on a closed port): the hostility then meets the scenarios, not discovery.
    /// </summary>
    public bool MetadataFirst { get; }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static HostileServer Start(Hostility hostility, bool metadataFirst = false) => new(hostility, metadataFirst);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_connections) _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var (method, path, body) = await ReadRequestAsync(socket);
                if (MetadataFirst && path.StartsWith("/.well-known/oauth-authorization-server", StringComparison.Ordinal))
                {
                    await AnswerAsync(socket, "200 OK", "application/json", Metadata(), _stop.Token);
                }
                else if (Hostility == Hostility.WrongTypesPastConsent && method == "POST" && path.StartsWith("/par", StringComparison.Ordinal))
                {
                    await AcceptPushAsync(socket, body);
                }
                else if (Hostility == Hostility.WrongTypesPastConsent && path.StartsWith("/authorize", StringComparison.Ordinal))
                {
                    await ApproveAsync(socket, path);
                }
                else
                {
                    await PlayAsync(socket, path);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The harness gave up on this connection, or the server is stopping: either is the point.
            }
        }
    }

    private async Task PlayAsync(Socket socket, string path)
    {
        var ct = _stop.Token;
        switch (Hostility)
        {
            case Hostility.NeverAnswers:
                await Task.Delay(Timeout.Infinite, ct);
                break;
            case Hostility.Resets:
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                break;
            case Hostility.GarbageBytes:
                var garbage = new byte[4096];
                new Random(23).NextBytes(garbage);
                await socket.SendAsync(garbage, ct);
                break;
            case Hostility.HugeBody:
                await SendAsync(socket, $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HugeBytes}\r\nConnection: close\r\n\r\n", ct);
                var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
                for (var sent = 0; sent < HugeBytes; sent += chunk.Length) await socket.SendAsync(chunk, ct);
                break;
            case Hostility.OneByteASecond:
                await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n", ct);
                for (var i = 0; i < 100_000; i++)
                {
                    await SendAsync(socket, " ", ct);
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                break;
            case Hostility.ServerErrorHtml:
                await AnswerAsync(socket, "500 Internal Server Error", "text/html", "<html><body><h1>Internal Server Error</h1><p>\u0001 stack trace here</p></body></html>", ct);
                break;
            case Hostility.RedirectLoop:
                await SendAsync(socket, $"HTTP/1.1 302 Found\r\nLocation: {Url.AbsoluteUri.TrimEnd('/')}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ct);
                break;
            case Hostility.WrongJsonTypes or Hostility.WrongTypesPastConsent when MetadataFirst:
                await AnswerAsync(socket, path.Contains("/par", StringComparison.Ordinal) ? "201 Created" : "200 OK", "application/json", """
                  {"request_uri": 5, "expires_in": "soon", "access_token": 7, "token_type": [], "refresh_token": {}, "keys": "none",
                   "mission": 3, "state": 4, "status": 5, "error": 6, "error_description": 7, "active": "yes", "authorization_details": "all"}
                  """, ct);
                break;
            case Hostility.EndpointsOnClosedPort:
                await AnswerAsync(socket, "404 Not Found", "text/plain", "nothing here", ct);
                break;
            case Hostility.WrongJsonTypes:
                await AnswerAsync(socket, "200 OK", "application/json", path.Contains("jwks", StringComparison.Ordinal)
                    ? """{"keys": "none"}"""
                    : $$"""
                      {"issuer": 42, "authorization_endpoint": ["{{Url}}authorize"], "token_endpoint": {"url": "{{Url}}token"},
                       "pushed_authorization_request_endpoint": 7, "jwks_uri": "{{Url}}jwks", "response_types_supported": "code",
                       "authorization_details_types_supported": {"mission_intent": true}, "grant_types_supported": null}
                      """, ct);
                break;
        }
    }

    /// <summary>The pushed requests: their state and redirect URI, by the request_uri given for them.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string State, string RedirectUri)> _pushed = new(StringComparer.Ordinal);

    private int _pushes;

    /// <summary>A PAR accepted as RFC 9126 says: 201 with a request_uri and expires_in.</summary>
    private async Task AcceptPushAsync(Socket socket, string body)
    {
        var form = System.Web.HttpUtility.ParseQueryString(body);
        var requestUri = $"urn:ietf:params:oauth:request_uri:hostile-{Interlocked.Increment(ref _pushes)}";
        _pushed[requestUri] = (form["state"] ?? "", form["redirect_uri"] ?? "http://127.0.0.1/callback");
        await AnswerAsync(socket, "201 Created", "application/json", $$"""{"request_uri": "{{requestUri}}", "expires_in": 60}""", _stop.Token);
    }

    /// <summary>Approval without a page: the redirect back with a code, the pushed state and the issuer (RFC 9207).</summary>
    private async Task ApproveAsync(Socket socket, string path)
    {
        var query = System.Web.HttpUtility.ParseQueryString(path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : "");
        if (query["request_uri"] is not { } requestUri || !_pushed.TryGetValue(requestUri, out var pushed))
        {
            await AnswerAsync(socket, "400 Bad Request", "application/json", """{"error": "invalid_request_uri"}""", _stop.Token);
            return;
        }
        var location = $"{pushed.RedirectUri}?code=hostile-code-{Guid.NewGuid():N}&state={Uri.EscapeDataString(pushed.State)}&iss={Uri.EscapeDataString(Url.AbsoluteUri)}";
        await SendAsync(socket, $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", _stop.Token);
    }

    /// <summary>Metadata a client can use, with the Mission members, pointing at this server or, for EndpointsOnClosedPort, at a closed port.</summary>
    private string Metadata()
    {
        var at = Hostility == Hostility.EndpointsOnClosedPort ? $"http://127.0.0.1:{ClosedPort.Value}/" : Url.AbsoluteUri;
        return $$"""
            {"issuer": "{{Url}}", "authorization_endpoint": "{{at}}authorize", "token_endpoint": "{{at}}token",
             "pushed_authorization_request_endpoint": "{{at}}par", "require_pushed_authorization_requests": true, "jwks_uri": "{{at}}jwks",
             "revocation_endpoint": "{{at}}revoke", "introspection_endpoint": "{{at}}introspect", "mission_lifecycle_endpoint": "{{at}}lifecycle",
             "mission_status_endpoint": "{{at}}status", "mission_inventory_endpoint": "{{at}}missions", "response_types_supported": ["code"],
             "grant_types_supported": ["authorization_code", "refresh_token"], "code_challenge_methods_supported": ["S256"],
             "authorization_details_types_supported": ["mission_resource_access"], "mission_bound_authorization_supported": true}
            """;
    }

    /// <summary>A loopback port that was bound and released: nothing listens there.</summary>
    private static readonly Lazy<int> ClosedPort = new(() =>
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    });

    /// <summary>Reads the request head, and the body its Content-Length announces (up to 64 KiB): method, path, body.</summary>
    private async Task<(string Method, string Path, string Body)> ReadRequestAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int end;
        while ((end = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0 && received.Length < 65536)
        {
            var read = await socket.ReceiveAsync(buffer, _stop.Token);
            if (read == 0) break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        var text = received.ToString();
        var head = end < 0 ? text : text[..end];
        var requestLine = head.Split("\r\n")[0].Split(' ');
        var length = head.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.TryParse(h[1].Trim(), out var n) ? Math.Min(n, 65536) : 0).FirstOrDefault();
        var body = new StringBuilder(end < 0 ? "" : text[(end + 4)..]);
        while (body.Length < length)
        {
            var read = await socket.ReceiveAsync(buffer, _stop.Token);
            if (read == 0) break;
            body.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", body.ToString());
    }

    private static Task AnswerAsync(Socket socket, string status, string contentType, string body, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetByteCount(body);
        return SendAsync(socket, $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n{body}", ct);
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken ct) => await socket.SendAsync(Encoding.UTF8.GetBytes(text), ct);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll([_accepting, .. connections]).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
