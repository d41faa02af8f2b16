using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// The PDP's answer; <see cref="Decision"/> is null when there was no usable answer (the PEP then fails closed).
/// <see cref="DecisionId"/> is the response's context.decision_id, which links the Execution Evidence to
/// the PDP's Decision Evidence (runtime.md §6–7; the AuthZEN response context is where a PDP can hand it over).
/// A requestable denial (runtime.md §5) carries its <see cref="EvaluationId"/> and <see cref="AccessRequest"/>.
/// </summary>
public sealed record PdpDecision(bool? Decision, string? Reason, string? Problem, string? DecisionId = null, string? EvaluationId = null, JsonObject? AccessRequest = null);

/// <summary>
/// The RS-D PEP's AuthZEN client (runtime.md §4–5): one evaluation per consequential call, and Access Requests, bounded in time, each
/// authenticated by <paramref name="authenticate"/> (runtime.md §1, MBO-RT-PEP-013: a DPoP-bound token of the server's issuer for the PDP).
/// </summary>
public sealed class PdpClient(HttpClient http, Uri? pdp, TimeSpan timeout, Func<HttpRequestMessage, CancellationToken, Task>? authenticate = null)
{
    public async Task<PdpDecision> EvaluateAsync(JsonObject request, CancellationToken ct)
    {
        var endpoint = new Uri(new Uri(pdp!.AbsoluteUri.TrimEnd('/') + "/"), "access/v1/evaluation");
        try
        {
            var body = await SendAsync(HttpMethod.Post, endpoint, request, ct);
            if (body.Problem is not null) return new(null, null, body.Problem);
            var context = body.Json?["context"];
            return body.Json?["decision"] is JsonValue d && d.TryGetValue<bool>(out var decision)
                ? new(decision, (string?)context?["reason"], null, (string?)context?["decision_id"], (string?)context?["evaluation_id"], context?["access_request"] as JsonObject)
                : new(null, null, "the PDP's answer has no boolean decision");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return new(null, null, $"the PDP did not answer: {e.Message}");
        }
    }

    /// <summary>
    /// runtime.md §5: submits the Access Request for a requestable denial to its endpoint, as
    /// {subject, resource, action, denial: {evaluation_id, binding_token, expires_at}}; the task's status_endpoint, or null.
    /// </summary>
    public async Task<Uri?> SubmitAccessRequestAsync(JsonObject evaluation, PdpDecision denial, CancellationToken ct)
    {
        if (denial.AccessRequest is not { } access || (string?)access["endpoint"] is not { } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return null;
        var submission = new JsonObject
        {
            ["subject"] = evaluation["subject"]?.DeepClone(),
            ["resource"] = evaluation["resource"]?.DeepClone(),
            ["action"] = evaluation["action"]?.DeepClone(),
            ["denial"] = new JsonObject
            {
                ["evaluation_id"] = denial.EvaluationId,
                ["binding_token"] = access["binding_token"]?.DeepClone(),
                ["expires_at"] = access["expires_at"]?.DeepClone(),
            },
        };
        try
        {
            var body = await SendAsync(HttpMethod.Post, uri, submission, ct);
            return (string?)body.Json?["status_endpoint"] is { } status && Uri.TryCreate(status, UriKind.Absolute, out var statusUri) ? statusUri : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The Access Request's status (pending, approved, denied), or null when it cannot be read.</summary>
    public async Task<string?> AccessRequestStatusAsync(Uri statusEndpoint, CancellationToken ct)
    {
        try
        {
            return (string?)(await SendAsync(HttpMethod.Get, statusEndpoint, null, ct)).Json?["status"];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<(JsonNode? Json, string? Problem)> SendAsync(HttpMethod method, Uri endpoint, JsonObject? content, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, endpoint) { Content = content is null ? null : JsonContent.Create(content) };
        if (authenticate is not null) await authenticate(request, bounded.Token);
        using var response = await http.SendAsync(request, bounded.Token);
        if (!response.IsSuccessStatusCode) return (null, $"the PDP answered HTTP {(int)response.StatusCode}");
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync(bounded.Token)), null);
    }
}
