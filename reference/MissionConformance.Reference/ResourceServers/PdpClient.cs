using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// The PDP's answer; <see cref="Decision"/> is null when there was no usable answer (the PEP then fails closed).
/// <see cref="DecisionId"/> is the response's context.decision_id, which links the Execution Evidence to
/// the PDP's Decision Evidence (runtime.md §6–7; the AuthZEN response context is where a PDP can hand it over).
/// </summary>
public sealed record PdpDecision(bool? Decision, string? Reason, string? Problem, string? DecisionId = null);

/// <summary>The RS-D PEP's AuthZEN client (runtime.md §4): one evaluation per consequential call, bounded in time.</summary>
public sealed class PdpClient(HttpClient http, Uri? pdp, TimeSpan timeout)
{
    public async Task<PdpDecision> EvaluateAsync(JsonObject request, CancellationToken ct)
    {
        var endpoint = new Uri(new Uri(pdp!.AbsoluteUri.TrimEnd('/') + "/"), "access/v1/evaluation");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            using var response = await http.PostAsync(endpoint, JsonContent.Create(request), bounded.Token);
            if (!response.IsSuccessStatusCode) return new(null, null, $"the PDP answered HTTP {(int)response.StatusCode}");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(bounded.Token));
            return body?["decision"] is JsonValue d && d.TryGetValue<bool>(out var decision)
                ? new(decision, (string?)body["context"]?["reason"], null, (string?)body["context"]?["decision_id"])
                : new(null, null, "the PDP's answer has no boolean decision");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new(null, null, $"the PDP did not answer: {e.Message}");
        }
    }
}
