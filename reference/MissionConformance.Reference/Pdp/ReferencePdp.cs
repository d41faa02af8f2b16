using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Anchors;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Pdp;

/// <summary>
/// The reference PDP on 127.0.0.1 (runtime.md §1, §4–6, §8–9): the AuthZEN Access Evaluation API (single and batch, with PDP metadata
/// at /.well-known/authzen-configuration) deciding with the Mission context from the trusted state authority's Mission Status; requestable
/// denials with their Access Request endpoint; signed Decision Evidence and its export. Callers authenticate with a DPoP-bound access token
/// of the trusted issuer whose audience is this PDP (runtime.md §1: PEP→PDP authentication is mutual, mTLS or a DPoP-bound token).
/// </summary>
public sealed class ReferencePdp : IAsyncDisposable
{
    public const string EvaluationPath = "/access/v1/evaluation";
    public const string EvaluationsPath = "/access/v1/evaluations";
    public const string AccessRequestPath = "/access/v1/requests";
    public const string MetadataPath = "/.well-known/authzen-configuration";

    private readonly WebApplication _app;
    private readonly List<IDisposable> _owned = [];
    private readonly ConcurrentDictionary<string, MissionStateSource> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string MissionId, string EvaluationId, string Status)> _requests = new(StringComparer.Ordinal);
    private readonly DpopVerifier _dpop = new();

    private ReferencePdp(WebApplication app, PdpOptions options, Uri baseUrl, HttpClient http, IssuerTrust trust)
    {
        _app = app;
        Options = options;
        BaseUrl = baseUrl;
        Http = http;
        Trust = trust;
        Hooks = FaultInstaller.HooksFor<IPdpHook>(options.Faults);
        Evidence = new DecisionEvidenceLog(options, Hooks);
        Evaluator = new PdpEvaluator(options, StatusFor, Hooks, new Uri(baseUrl, AccessRequestPath.TrimStart('/')));
        _owned.AddRange([http, trust, Evidence]);
    }

    public PdpOptions Options { get; }

    /// <summary>The PDP identifier (policy_decision_point), which is also the audience of its callers' tokens.</summary>
    public Uri BaseUrl { get; }

    public Hooks<IPdpHook> Hooks { get; }

    public DecisionEvidenceLog Evidence { get; }

    public string EvidenceExport => BaseUrl.AbsoluteUri + "evidence";

    public string JwksUri => BaseUrl.AbsoluteUri + "jwks";

    private HttpClient Http { get; }

    private IssuerTrust Trust { get; }

    private PdpEvaluator Evaluator { get; }

    public static async Task<ReferencePdp> StartAsync(PdpOptions options, CancellationToken ct = default)
    {
        if (options.EvidenceToken.Length < 16) throw new ReferenceConfigurationException("the Decision Evidence export credential (--evidence-token) must be at least 16 characters");
        if (options.MaxStaleSeconds < 1) throw new ReferenceConfigurationException("--max-stale must be at least 1 (mission_max_stale_seconds)");
        return await ReferenceStack.StartOnLoopbackAsync(options.Url, url => StartAtAsync(options, url, ct));
    }

    private static async Task<ReferencePdp> StartAtAsync(PdpOptions options, Uri url, CancellationToken ct)
    {
        var baseUrl = new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.AbsoluteUri.TrimEnd('/'));
        builder.Logging.ClearProviders();
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var app = builder.Build();
        var pdp = new ReferencePdp(app, options, baseUrl, http, new IssuerTrust(http, options.TrustedIssuer));
        app.MapGet(MetadataPath, () => Results.Json(pdp.Metadata()));
        app.MapPost(EvaluationPath, pdp.EvaluateAsync);
        app.MapPost(EvaluationsPath, pdp.EvaluateBatchAsync);
        app.MapPost(AccessRequestPath, pdp.SubmitAccessRequestAsync);
        app.MapGet(AccessRequestPath + "/{id}", pdp.AccessRequestStatusAsync);
        app.MapGet("/evidence", pdp.Evidence.ExportAsync);
        app.MapGet("/jwks", () => Results.Json(pdp.Evidence.Jwks()));
        return await ReferenceStack.StartOrDisposeAsync(app, pdp, ct);
    }

    /// <summary>AuthZEN Authorization API 1.0 §9 PDP metadata.</summary>
    public JsonObject Metadata() => new()
    {
        ["policy_decision_point"] = BaseUrl.AbsoluteUri,
        ["access_evaluation_endpoint"] = BaseUrl.AbsoluteUri + EvaluationPath.TrimStart('/'),
        ["access_evaluations_endpoint"] = BaseUrl.AbsoluteUri + EvaluationsPath.TrimStart('/'),
    };

    /// <summary>The Mission state source for one audience: Mission Status projects the Authority Set to the audience asked about.</summary>
    private MissionStateSource StatusFor(string audience)
        => _states.GetOrAdd(audience, a => new MissionStateSource(Http, Trust, a, Options.ClientId, Options.MaxStaleSeconds, new Hooks<IResourceServerHook>([])));

    /// <summary>POST /access/v1/evaluation: one decision.</summary>
    private async Task EvaluateAsync(HttpContext http)
    {
        if (await ReadAuthenticatedAsync(http, EvaluationPath) is not { } body) return;
        try
        {
            await http.Response.WriteAsJsonAsync(await DecideAsync(body.Json, http.RequestAborted));
        }
        catch (MalformedEvaluationException e)
        {
            await Refuse(http, 400, "invalid_request", e.Message);
        }
    }

    /// <summary>
    /// POST /access/v1/evaluations (AuthZEN §7): the top-level subject, action, resource and context are defaults each entry of evaluations
    /// may replace; options.evaluations_semantic execute_all (default), deny_on_first_deny or permit_on_first_permit.
    /// </summary>
    private async Task EvaluateBatchAsync(HttpContext http)
    {
        if (await ReadAuthenticatedAsync(http, EvaluationsPath) is not { } body) return;
        if (body.Json["evaluations"] is not JsonArray items || items.Any(i => i is not JsonObject))
        {
            await Refuse(http, 400, "invalid_request", "evaluations must be an array of evaluation objects");
            return;
        }
        var semantic = (string?)(body.Json["options"]?["evaluations_semantic"] as JsonValue) ?? "execute_all";
        if (semantic is not ("execute_all" or "deny_on_first_deny" or "permit_on_first_permit"))
        {
            await Refuse(http, 400, "invalid_request", $"options.evaluations_semantic {semantic} is not one of execute_all, deny_on_first_deny, permit_on_first_permit");
            return;
        }
        var decisions = new JsonArray();
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                var request = new JsonObject();
                foreach (var member in new[] { "subject", "action", "resource", "context" })
                {
                    if ((items[i]![member] ?? body.Json[member]) is { } value) request[member] = value.DeepClone();
                }
                var decision = await DecideAsync(request, http.RequestAborted);
                decisions.Add(decision);
                var permitted = (bool)decision["decision"]!;
                if (semantic == "deny_on_first_deny" && !permitted || semantic == "permit_on_first_permit" && permitted) break;
            }
        }
        catch (MalformedEvaluationException e)
        {
            await Refuse(http, 400, "invalid_request", e.Message);
            return;
        }
        await http.Response.WriteAsJsonAsync(new JsonObject { ["evaluations"] = decisions });
    }

    private async Task<JsonObject> DecideAsync(JsonObject request, CancellationToken ct)
    {
        var verdict = await Evaluator.EvaluateAsync(request, ct);
        Evidence.Record(request, verdict);
        var context = new JsonObject { ["decision_id"] = verdict.DecisionId };
        if (verdict.Reason is { } reason) context["reason"] = reason;
        if (verdict.Expandable)
        {
            context["evaluation_id"] = verdict.EvaluationId;
            context["access_request"] = verdict.AccessRequest!.DeepClone();
            Hooks.Run(h => h.DenialAnswering(context));
        }
        return new JsonObject { ["decision"] = verdict.Permit, ["context"] = context };
    }

    /// <summary>
    /// POST /access/v1/requests (runtime.md §5): {subject, resource, action, denial: {evaluation_id, binding_token, expires_at}} for a requestable
    /// denial this PDP gave → 201 with a pending task and its status_endpoint. Approval is an approver's decision, outside this PDP: the task stays pending.
    /// </summary>
    private async Task SubmitAccessRequestAsync(HttpContext http)
    {
        if (await ReadAuthenticatedAsync(http, AccessRequestPath) is not { } body) return;
        var evaluationId = (string?)(body.Json["denial"]?["evaluation_id"] as JsonValue);
        var presented = (string?)(body.Json["denial"]?["binding_token"] as JsonValue) ?? "";
        if (evaluationId is null || !Evaluator.Denials.TryGetValue(evaluationId, out var denial)
            || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(presented), System.Text.Encoding.ASCII.GetBytes(denial.BindingToken))
            || body.Json["subject"] is not JsonObject || body.Json["resource"] is not JsonObject || body.Json["action"] is not JsonObject)
        {
            await Refuse(http, 400, "invalid_request", "subject, resource, action and a denial with the evaluation_id and binding_token of a requestable denial are required");
            return;
        }
        var id = "ar_" + IntegrityAnchor.Base64Url(RandomNumberGenerator.GetBytes(12));
        _requests[id] = (denial.MissionId, evaluationId, "pending");
        http.Response.StatusCode = StatusCodes.Status201Created;
        await http.Response.WriteAsJsonAsync(StatusOf(id, "pending"));
    }

    private async Task AccessRequestStatusAsync(HttpContext http, string id)
    {
        if (await ReadAuthenticatedAsync(http, AccessRequestPath + "/" + id, readBody: false) is null) return;
        if (!_requests.TryGetValue(id, out var request))
        {
            await Refuse(http, 404, "not_found", "no such Access Request");
            return;
        }
        await http.Response.WriteAsJsonAsync(StatusOf(id, request.Status));
    }

    private JsonObject StatusOf(string id, string status) => new()
    {
        ["id"] = id,
        ["status"] = status,
        ["status_endpoint"] = BaseUrl.AbsoluteUri + AccessRequestPath.TrimStart('/') + "/" + id,
    };

    private sealed record Body(JsonObject Json);

    /// <summary>
    /// The caller's DPoP-bound access token (the trusted issuer's, aud this PDP, cnf.jkt the proof's key), then the JSON body; null when
    /// refused, the answer written (401 for the caller, 400 for the body).
    /// </summary>
    private async Task<Body?> ReadAuthenticatedAsync(HttpContext http, string path, bool readBody = true)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase) ? header[5..].Trim() : null;
        try
        {
            if (token is null) throw new SecurityTokenException("authenticate with a DPoP-bound access token (Authorization: DPoP) issued for this PDP");
            var issuer = await Trust.GetAsync(new JsonWebToken(token).Kid, http.RequestAborted);
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = issuer.Issuer, ValidAudience = BaseUrl.AbsoluteUri, IssuerSigningKeys = issuer.Keys,
                ValidTypes = ["at+jwt", "application/at+jwt"], RequireExpirationTime = true, ClockSkew = TimeSpan.FromSeconds(5),
            });
            if (!result.IsValid) throw new SecurityTokenException(result.Exception?.Message ?? "the access token is not valid");
            using var claims = JsonDocument.Parse(Base64UrlEncoder.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload));
            if (!claims.RootElement.TryGetProperty("cnf", out var cnf) || !cnf.TryGetProperty("jkt", out var jkt)) throw new SecurityTokenException("the access token is not DPoP-bound (cnf.jkt)");
            if (await _dpop.ProofKeyAsync(http, BaseUrl.AbsoluteUri.TrimEnd('/') + path, token) != jkt.GetString()) throw new SecurityTokenException("the DPoP proof is signed by a key the token is not bound to");
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException or HttpRequestException or JsonException)
        {
            http.Response.Headers.WWWAuthenticate = "DPoP realm=\"pdp\", error=\"invalid_token\", algs=\"ES256\"";
            await Refuse(http, 401, "invalid_token", e is HttpRequestException ? "the trusted issuer's keys cannot be read" : e.Message);
            return null;
        }
        if (!readBody) return new Body([]);
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync(http.RequestAborted);
            using var raw = JsonDocument.Parse(text);
            // runtime.md §4: duplicate member names in parameters MUST be rejected; the reference rejects them anywhere in the request.
            if (raw.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the body must be a JSON object");
            if (Repeats(raw.RootElement)) throw new JsonException("duplicate member names are refused");
            return new Body(JsonNode.Parse(text)!.AsObject());
        }
        catch (JsonException e)
        {
            await Refuse(http, 400, "invalid_request", "the body is not an acceptable JSON object: " + e.Message);
            return null;
        }
    }

    /// <summary>Whether any object in <paramref name="e"/> names a member twice.</summary>
    private static bool Repeats(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Array) return e.EnumerateArray().Any(Repeats);
        if (e.ValueKind != JsonValueKind.Object) return false;
        var names = new HashSet<string>(StringComparer.Ordinal);
        return e.EnumerateObject().Any(p => !names.Add(p.Name) || Repeats(p.Value));
    }

    private static async Task Refuse(HttpContext http, int status, string error, string description)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new { error, error_description = description });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var state in _states.Values) state.Dispose();
        foreach (var owned in _owned) owned.Dispose();
    }
}
