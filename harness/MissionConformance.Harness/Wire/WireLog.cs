using System.Collections.Concurrent;

namespace MissionConformance.Harness.Wire;

/// <summary>One HTTP exchange as captured, already redacted.</summary>
public sealed record Exchange(
    string Id,
    string Scenario,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    string Method,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    string? RequestContentType,
    string? RequestBody,
    int? Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    string? ResponseContentType,
    string? ResponseBody,
    string? Error);

/// <summary>A file of evidence that is not an HTTP exchange, such as a screenshot of a consent page.</summary>
public sealed record Attachment(string Id, string Scenario, string Name, string MediaType, byte[] Content)
{
    public string FileName => Id + (MediaType == "image/png" ? ".png" : ".bin");
}

/// <summary>Every exchange of a run, in order, tagged with the scenario that made it, and the run's attachments.</summary>
public sealed class WireLog
{
    private static readonly AsyncLocal<string?> CurrentScenario = new();
    private readonly ConcurrentQueue<Exchange> _exchanges = new();
    private readonly ConcurrentQueue<Attachment> _attachments = new();
    private int _sequence;
    private int _attachmentSequence;

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 8 MiB, far above any document of the spec, far below what would strain the run.</summary>
    public const long DefaultMaxResponseBytes = 8L * 1024 * 1024;

    /// <summary>How many bytes of a response body the harness reads (target file limits.responseBytes); a longer answer is refused unread.</summary>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges.OrderBy(e => e.Id, StringComparer.Ordinal)];

    public IReadOnlyList<Attachment> Attachments => [.. _attachments.OrderBy(a => a.Id, StringComparer.Ordinal)];

    /// <summary>Keeps an attachment (of the current scenario unless named) and returns its id, an evidence reference like an exchange id.</summary>
    public string Attach(string name, string mediaType, byte[] content, string? scenario = null)
    {
        var id = "s" + Interlocked.Increment(ref _attachmentSequence).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        _attachments.Enqueue(new Attachment(id, scenario ?? Scenario, name, mediaType, content));
        return id;
    }

    public static string Scenario => CurrentScenario.Value ?? "setup";

    /// <summary>Tags every exchange made in this async flow with the scenario id.</summary>
    public static IDisposable BeginScenario(string scenario)
    {
        var previous = CurrentScenario.Value;
        CurrentScenario.Value = scenario;
        return new Restore(() => CurrentScenario.Value = previous);
    }

    public string NextId() => "x" + Interlocked.Increment(ref _sequence).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    public void Add(Exchange exchange) => _exchanges.Enqueue(exchange);

    /// <summary>The scenario's last exchange that got no answer before the timeout, if any.</summary>
    public Exchange? Unanswered(string scenario)
        => _exchanges.Where(e => e.Scenario == scenario && e.Status is null && e.Error == CapturingHandler.NoAnswer).MaxBy(e => e.Id, StringComparer.Ordinal);

    /// <summary>The ids of the scenario's last exchanges: default evidence for a finding that names none.</summary>
    public IReadOnlyList<string> RecentIds(string scenario, int count)
        => _exchanges.Where(e => e.Scenario == scenario).Select(e => e.Id).Order(StringComparer.Ordinal).TakeLast(count).ToList();

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
