using System.Collections.Concurrent;
using MissionConformance.Harness.Wire;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace MissionConformance.Harness.Peers;

/// <summary>
/// Every request a simulated peer receives, with its answer, as an exchange of the run's wire log
/// (redacted like the harness's own). A peer's request comes from the target, outside any scenario's
/// async flow, so it is tagged with the scenario that created the Mission it concerns.
/// </summary>
public sealed class PeerLog
{
    private readonly ConcurrentDictionary<string, (string Scenario, WireLog? Wire)> _owners = new(StringComparer.Ordinal);

    /// <summary>The wire log of the latest run, for requests about no Mission (metadata, keys); requests arriving before any run are not kept.</summary>
    public WireLog? Wire { get; set; }

    /// <summary>Requests about <paramref name="missionId"/> go to <paramref name="wire"/>, tagged with <paramref name="scenario"/>.</summary>
    public void Own(string missionId, string scenario, WireLog? wire) => _owners[missionId] = (scenario, wire);

    /// <summary>Logs the request with this answer and returns the answer for WireMock to send.</summary>
    public ResponseMessage Answer(string peer, IRequestMessage request, int status, string contentType, string body, string? missionId = null,
        params (string Name, string Value)[] headers)
    {
        Record(peer, request, status, contentType, body, missionId, headers);
        return Response(status, contentType, body, headers);
    }

    /// <summary>A WireMock answer with a string body, for a peer whose requests come from the harness alone and are captured on its side.</summary>
    public static ResponseMessage Response(int status, string contentType, string body, params (string Name, string Value)[] headers)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body, Encoding = System.Text.Encoding.UTF8 },
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        };
        foreach (var (name, value) in headers) response.Headers[name] = new WireMockList<string>(value);
        return response;
    }

    public void Record(string peer, IRequestMessage request, int? status, string? contentType, string? body, string? missionId,
        (string Name, string Value)[]? headers = null, string? error = null)
    {
        var owner = missionId is not null && _owners.TryGetValue(missionId, out var o) ? o : default;
        if ((owner.Wire ?? Wire) is not { } wire) return;
        var requestHeaders = (request.Headers ?? new Dictionary<string, WireMockList<string>>())
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, Redactor.Header(h.Key, v)))).ToList();
        requestHeaders.Insert(0, new("X-Mission-Conformance-Peer", peer));
        var requestType = request.Headers is { } h2 && h2.TryGetValue("Content-Type", out var types) ? types.FirstOrDefault() : null;
        wire.Add(new Exchange(wire.NextId(), owner.Scenario ?? "peers", request.DateTime, TimeSpan.Zero, request.Method, Redactor.Url(request.Url),
            requestHeaders, requestType, Redactor.Body(requestType, request.Body),
            status, [.. (headers ?? []).Select(p => new KeyValuePair<string, string>(p.Name, p.Value))], contentType, Redactor.Body(contentType, body), error));
    }
}
