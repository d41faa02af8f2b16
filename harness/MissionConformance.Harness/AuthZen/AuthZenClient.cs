using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.AuthZen;

/// <summary>
/// A PDP's answer to one evaluation as captured: the decision, its reason and, for a requestable denial, the evaluation_id and
/// access_request (runtime.md §5), the body validated at capture as an AuthZEN decision (authzen-decision.schema.json).
/// </summary>
public sealed record PdpDecision(JsonObject Request, WireResponse Http, string? ExchangeId)
{
    private JsonObject? Body => Http.ObjectBody() is { } body ? JsonNode.Parse(body.GetRawText()) as JsonObject : null;

    /// <summary>The boolean decision of a 200 answer; null when there is none.</summary>
    public bool? Decision => (int)Http.Status == 200 && Body?["decision"] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public bool Permitted => Decision == true;

    public bool Denied => Decision == false;

    public JsonObject? Context => Body?["context"] as JsonObject;

    public string? Reason => Text(Context, "reason");

    public string? DecisionId => Text(Context, "decision_id");

    public string? EvaluationId => Text(Context, "evaluation_id");

    public JsonObject? AccessRequest => Context?["access_request"] as JsonObject;

    public IReadOnlyList<SchemaError> SchemaErrors => Http.SchemaErrors;

    public string Describe() => Decision switch
    {
        true => "permitted (decision true)",
        false => $"denied (decision false{(Reason is { } reason ? $", reason {reason}" : ", no reason")}{(AccessRequest is null ? "" : ", with an access_request")})",
        _ => $"HTTP {(int)Http.Status} without a decision: {Clip(Http.Body)}",
    };

    private static string? Text(JsonObject? o, string member) => o?[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Clip(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

/// <summary>One Decision Evidence record as exported, validated at capture against decision-evidence.schema.json, and whether its envelope's signature verifies.</summary>
public sealed record DecisionEvidenceRecord(JsonObject Record, CapturedArtifact Artifact, bool? SignatureVerifies);

/// <summary>What a PDP's Decision Evidence export answered for one Mission.</summary>
public sealed record DecisionEvidenceRead(string Export, WireResponse Http, IReadOnlyList<DecisionEvidenceRecord> Records, string? JwksProblem)
{
    /// <summary>The exchange of the export's answer in the wire log, the evidence of the verdicts read from it.</summary>
    public string? ExchangeId { get; init; }
}

/// <summary>
/// The harness as a PEP (runtime.md §4): AuthZEN evaluations with the Mission context, authenticated by a DPoP-bound access token and a
/// fresh proof per request (runtime.md §1). The evaluation endpoint is the one the PDP's metadata names (AuthZEN §9), else
/// {pdp}/access/v1/evaluation.
/// </summary>
public sealed class AuthZenClient(HttpClient http, Uri pdp, DpopKey key, Func<string> token)
{
    public const string MetadataPath = ".well-known/authzen-configuration";

    private Uri? _endpoint;

    /// <summary>The PDP metadata as captured (pdp-metadata.schema.json), and the evaluation endpoint the harness uses.</summary>
    public async Task<(WireResponse Metadata, Uri Endpoint, string? ExchangeId)> DiscoverAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Base, MetadataPath));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var captured = new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null, text);
        if (response.IsSuccessStatusCode) captured = captured with { Artifact = CapturedArtifact.Validate(ArtifactKind.PdpMetadata, text) };
        var named = captured.Artifact is { Errors.Count: 0 } && captured.ObjectBody() is { } body && body.TryGetProperty("access_evaluation_endpoint", out var e)
            && Uri.TryCreate(e.GetString(), UriKind.Absolute, out var advertised) ? advertised : null;
        _endpoint = named ?? new Uri(Base, "access/v1/evaluation");
        return (captured, _endpoint, request.Options.TryGetValue(Wire.CapturingHandler.ExchangeId, out var id) ? id : null);
    }

    private Uri Base => new(pdp.AbsoluteUri.TrimEnd('/') + "/");

    public async Task<PdpDecision> EvaluateAsync(JsonObject evaluation, CancellationToken ct)
    {
        var endpoint = _endpoint ?? (await DiscoverAsync(ct)).Endpoint;
        var bound = token();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(evaluation.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", bound);
        request.Headers.Add("DPoP", key.Proof("POST", endpoint.AbsoluteUri, bound));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var captured = new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null, text);
        if ((int)response.StatusCode == 200) captured = captured with { Artifact = CapturedArtifact.Validate(ArtifactKind.EvaluationResponse, text) };
        return new PdpDecision((JsonObject)evaluation.DeepClone(), captured, request.Options.TryGetValue(Wire.CapturingHandler.ExchangeId, out var id) ? id : null);
    }

    /// <summary>
    /// The Mission's Decision Evidence (the suite's export convention, runtime.md open point 2), each record validated at capture and its
    /// jws-compact envelope verified against <paramref name="jwks"/> (open point 3); null verification when there is no such envelope.
    /// </summary>
    public async Task<DecisionEvidenceRead> ReadEvidenceAsync(Uri export, string bearer, Uri jwks, string missionId, CancellationToken ct)
    {
        var url = export.AbsoluteUri + (export.Query.Length > 0 ? "&" : "?") + "mission_id=" + Uri.EscapeDataString(missionId);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var captured = new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, null, text);
        var exchange = request.Options.TryGetValue(Wire.CapturingHandler.ExchangeId, out var id) ? id : null;
        if (!response.IsSuccessStatusCode) return new DecisionEvidenceRead(url, captured, [], null) { ExchangeId = exchange };
        captured = captured with { Artifact = CapturedArtifact.Validate(ArtifactKind.DecisionEvidenceExport, text) };
        var records = captured.Artifact.Errors.Count == 0 && JsonNode.Parse(text)?["decision_evidence"] is JsonArray list ? list.OfType<JsonObject>().ToList() : [];
        string? jwksText = null, jwksProblem = null;
        try
        {
            jwksText = await http.GetStringAsync(jwks, ct);
            _ = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwksText);
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException or JsonException)
        {
            jwksText = null;
            jwksProblem = $"the JWKS {jwks} cannot be read: {e.Message}";
        }
        var read = new List<DecisionEvidenceRecord>();
        foreach (var record in records)
        {
            var value = record["evidence_envelope"]?["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            bool? verifies = value is null || jwksText is null ? null : await VerifiesAsync(value, jwksText);
            read.Add(new DecisionEvidenceRecord(record, CapturedArtifact.Validate(ArtifactKind.DecisionEvidence, record.ToJsonString()), verifies));
        }
        return new DecisionEvidenceRead(url, captured, read, jwksProblem) { ExchangeId = exchange };
    }

    private static async Task<bool> VerifiesAsync(string compact, string jwks)
    {
        try
        {
            return await DecodedJwt.VerifySignatureAsync(compact, jwks);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            return false;
        }
    }
}
