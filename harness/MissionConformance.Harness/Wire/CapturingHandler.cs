using System.Diagnostics;

namespace MissionConformance.Harness.Wire;

/// <summary>
/// Records every exchange that passes through it, redacted at the source. It never retries: a
/// retry would hide a flaky target.
/// </summary>
public sealed class CapturingHandler(WireLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The id of the exchange a request was recorded as, for evidence that must name exactly it.</summary>
    public static readonly HttpRequestOptionsKey<string> ExchangeId = new("mission-conformance.exchange-id");

    /// <summary>The error of an exchange the timeout (or a cancelled scenario) cut short.</summary>
    public const string NoAnswer = "no response before the timeout";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var id = log.NextId();
        request.Options.Set(ExchangeId, id);
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var requestType = request.Content?.Headers.ContentType?.MediaType;
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var requestHeaders = Headers(request.Headers, request.Content?.Headers);
        void Record(int? status, List<KeyValuePair<string, string>> responseHeaders, string? responseType, string? responseBody, string? error)
            => log.Add(new Exchange(id, WireLog.Scenario, started, watch.Elapsed, request.Method.Method, Redactor.Url(request.RequestUri!.AbsoluteUri),
                requestHeaders, requestType, Redactor.Body(requestType, requestBody), status, responseHeaders, responseType, Redactor.Body(responseType, responseBody), error));
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            string? responseBody = null;
            if (response.Content is not null)
            {
                try
                {
                    response.Content = await BoundedAsync(response.Content, log.MaxResponseBytes, request, cancellationToken);
                }
                catch (ResponseTooLargeException e)
                {
                    response.Dispose();
                    Record((int)response.StatusCode, Headers(response.Headers, null), null, null, e.Message);
                    throw;
                }
                responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            Record((int)response.StatusCode, Headers(response.Headers, response.Content?.Headers), response.Content?.Headers.ContentType?.MediaType, responseBody, null);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException and not ResponseTooLargeException or TaskCanceledException)
        {
            Record(null, [], null, null, e is TaskCanceledException ? NoAnswer : e.Message);
            throw;
        }
    }

    /// <summary>
    /// The body read into memory, no more than <paramref name="cap"/> bytes of it (issue 23: a 50 MB answer was read whole): a declared
    /// or actual length past the cap is <see cref="ResponseTooLargeException"/>, and reading stops there.
    /// </summary>
    private static async Task<HttpContent> BoundedAsync(HttpContent content, long cap, HttpRequestMessage request, CancellationToken ct)
    {
        if (content.Headers.ContentLength > cap) throw new ResponseTooLargeException(request, cap, content.Headers.ContentLength);
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > cap) throw new ResponseTooLargeException(request, cap, null);
            buffer.Write(chunk, 0, read);
        }
        var bounded = new ByteArrayContent(buffer.ToArray());
        foreach (var header in content.Headers) bounded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        content.Dispose();
        return bounded;
    }

    private static List<KeyValuePair<string, string>> Headers(System.Net.Http.Headers.HttpHeaders headers, System.Net.Http.Headers.HttpHeaders? content)
        => headers.Concat(content ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, Redactor.Header(h.Key, v))))
            .ToList();
}

/// <summary>An answer larger than the run's cap on bytes read per response (target file limits.responseBytes); nothing past the cap was read.</summary>
public sealed class ResponseTooLargeException(HttpRequestMessage request, long cap, long? declared)
    : HttpRequestException($"the answer to {request.Method} {Redactor.Url(request.RequestUri!.AbsoluteUri)} is larger than the cap of {cap} bytes read per response"
        + (declared is { } length ? $" (it declares {length})" : "") + " (limits.responseBytes in the target file)");
