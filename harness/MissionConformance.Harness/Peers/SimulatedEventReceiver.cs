using MissionConformance.Harness.Schemas;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
namespace MissionConformance.Harness.Peers;

/// <summary>One SET pushed to the harness (RFC 8935), as received: its content type and the compact JWS.</summary>
public sealed record ReceivedEvent(string? ContentType, string Body, DateTimeOffset At)
{
    /// <summary>The SET's payload validated as a lifecycle event (lifecycle-event-set.schema.json) as the receiver took it; one error when the body is no JWS.</summary>
    public CapturedArtifact Artifact { get; init; } = CapturedArtifact.Validate(ArtifactKind.LifecycleEventSet, Body);
}

/// <summary>
/// The harness as receiver of an AS's lifecycle events (mas.md, MBO-MAS-006): POST {url}/events answered 202, every
/// request kept for the checks. WireMock on 127.0.0.1, at the port the AS under test was configured to push to.
/// </summary>
public sealed class SimulatedEventReceiver : IDisposable
{
    public const string Path = "/events";

    private readonly WireMockServer _server;

    private SimulatedEventReceiver(WireMockServer server) => _server = server;

    public Uri Endpoint => new($"http://127.0.0.1:{_server.Ports[0]}{Path}");

    public static SimulatedEventReceiver Start(int port)
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
        server.Given(Request.Create().WithPath(Path).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        return new SimulatedEventReceiver(server);
    }

    /// <summary>Every request POSTed to <see cref="Path"/> so far.</summary>
    public IReadOnlyList<ReceivedEvent> Received
        => [.. _server.LogEntries.Where(l => l.RequestMessage?.Path == Path && l.RequestMessage.Method == "POST")
            .Select(l => new ReceivedEvent(l.RequestMessage!.Headers?.TryGetValue("Content-Type", out var type) == true ? type.FirstOrDefault() : null,
                l.RequestMessage.Body ?? "", new DateTimeOffset(l.RequestMessage.DateTime, TimeSpan.Zero)))];

    public void Dispose() => _server.Stop();
}
