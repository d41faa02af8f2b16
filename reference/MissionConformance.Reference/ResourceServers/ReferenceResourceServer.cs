using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>A tool call the server carried out: its side effect, visible to the reference's own tests only.</summary>
public sealed record Execution(string Tool, string Arguments, string? MissionId, DateTimeOffset At);

/// <summary>
/// A reference MCP Resource Server on 127.0.0.1 (runtime.md §11): JSON-RPC tools/list and tools/call at
/// /mcp, protected by OAuth with RFC 9728 metadata, at the tier it was started with.
/// </summary>
public sealed class ReferenceResourceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly List<IDisposable> _owned = [];

    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    private readonly Lock _manifestGate = new();

    // The manifest's revision: how many changes were made to it, each an excluded execution boundary (MBO-RT-MF-003).
    private int _manifestChanges;
    private int _manifestVersion = 1;
    private DateTimeOffset _manifestIssuedAt;

    private ReferenceResourceServer(WebApplication app, HttpClient http, ResourceServerOptions options, Uri baseUrl)
    {
        _app = app;
        _owned.Add(http);
        Options = options;
        BaseUrl = baseUrl;
        Hooks = FaultInstaller.HooksFor<IResourceServerHook>(options.Faults);
        _manifestIssuedAt = _startedAt;
        Evidence = new ExecutionEvidenceLog(options, Hooks);
        _owned.Add(Evidence);
        Slots = new InvocationSlots(Evidence, options.Clock, TimeSpan.FromSeconds(options.SlotTimeoutSeconds), Hooks);
    }

    public ResourceServerOptions Options { get; }

    /// <summary>The hooks of the faults this server was started with (none for a correct server).</summary>
    public Hooks<IResourceServerHook> Hooks { get; }

    public Uri BaseUrl { get; }

    /// <summary>The resource identifier, which is also the MCP endpoint URL (runtime.md §11).</summary>
    public string Resource => BaseUrl.AbsoluteUri + "mcp";

    public string ResourceMetadataUrl => BaseUrl.AbsoluteUri + ".well-known/oauth-protected-resource/mcp";

    /// <summary>Where an event-driven server receives lifecycle SETs (RFC 8935 push), else null.</summary>
    public string? EventReceiver => Options.EventDriven ? BaseUrl.AbsoluteUri + "events" : null;

    public ConcurrentQueue<Execution> Executions { get; } = new();

    /// <summary>The Execution Evidence of the calls carried out after a permit (RS-D), exported at <see cref="EvidenceExport"/>.</summary>
    public ExecutionEvidenceLog Evidence { get; }

    /// <summary>The max_invocations slots its PEP holds (runtime.md §8, single_pep).</summary>
    public InvocationSlots Slots { get; }

    /// <summary>Where the executor is made to lose the outcomes of a Mission's calls (MBO-RT-EV-003, the suite's convention), at RS-D only.</summary>
    public string? DropOutcomeUrl => Options.Tier == RsTierSetting.D ? BaseUrl.AbsoluteUri + "drop-outcome" : null;

    /// <summary>The authenticated evidence export (runtime.md open point 2; the suite's shape), at RS-D only.</summary>
    public string? EvidenceExport => Options.Tier == RsTierSetting.D ? BaseUrl.AbsoluteUri + "evidence" : null;

    /// <summary>
    /// Where an observer reads the actions this server carried out, per Mission (issue 22 item 4, the suite's convention): GET
    /// effects?mission_id=… with the evidence bearer credential. The PEP checks judge "deny stops it" by what happened, not by the answer.
    /// </summary>
    public string? EffectsObserver => Options.Tier == RsTierSetting.D ? BaseUrl.AbsoluteUri + "effects" : null;

    public static async Task<ReferenceResourceServer> StartAsync(ResourceServerOptions options, CancellationToken ct = default)
    {
        if (options.Tier == RsTierSetting.D && options.Pdp is null)
        {
            throw new ReferenceConfigurationException($"the {options.Profile.Name} resource server at RS-D needs a PDP (--pdp)");
        }
        if (options.EventDriven && options.Introspection)
        {
            throw new ReferenceConfigurationException($"the {options.Profile.Name} resource server learns Mission state from events or from introspection, not both");
        }
        if (options.EvidenceToken.Length < 16)
        {
            throw new ReferenceConfigurationException("the evidence export credential (--evidence-token) must be at least 16 characters");
        }
        if (options.SlotTimeoutSeconds is < 30 or > 3600)
        {
            throw new ReferenceConfigurationException($"the max_invocations slot timeout (--slot-timeout) must be 30 to 3600 seconds (runtime.md §8), not {options.SlotTimeoutSeconds}");
        }
        return await ReferenceStack.StartOnLoopbackAsync(options.Url, url => StartAtAsync(options, url, ct));
    }

    private static async Task<ReferenceResourceServer> StartAtAsync(ResourceServerOptions options, Uri url, CancellationToken ct)
    {
        var baseUrl = new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.AbsoluteUri.TrimEnd('/'));
        builder.Logging.ClearProviders();
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var app = builder.Build();
        var server = new ReferenceResourceServer(app, http, options, baseUrl);
        server.Hooks.Run(h => h.Use(app));
        var trust = new IssuerTrust(http, options.TrustedIssuer);
        var states = new MissionStateSource(http, trust, server.Resource, options.EffectiveClientId, options.MaxStaleSeconds, server.Hooks) { EventDriven = options.EventDriven };
        server._owned.Add(trust);
        server._owned.Add(states);
        var endpoint = new McpEndpoint(server, trust, states, new PdpClient(http, options.Pdp, options.PdpTimeout, server.AuthenticateAtPdpAsync(trust, states)), server.Hooks);
        app.MapPost("/mcp", endpoint.HandleAsync);
        if (options.EventDriven)
        {
            var receiver = new EventReceiver(trust, states, server.Resource, server.Hooks);
            app.MapPost("/events", receiver.HandleAsync);
        }
        if (server.EvidenceExport is not null)
        {
            app.MapGet("/evidence", http =>
            {
                server.Slots.Expire();
                return server.Evidence.ExportAsync(http);
            });
            app.MapPost("/drop-outcome", http => server.Slots.DropOutcomesAsync(http, options.EvidenceToken));
        }
        if (server.EffectsObserver is not null) app.MapGet("/effects", server.ObserveEffectsAsync);
        if (server.ManifestUrl is not null)
        {
            app.MapGet("/.well-known/mission-enforcement-scope", () => Results.Json(server.EnforcementManifest()));
            app.MapPost("/manifest/changes", server.ChangeManifestAsync);
        }
        app.MapGet("/.well-known/oauth-protected-resource/mcp", () => Results.Json(server.ProtectedResourceMetadata()));
        return await ReferenceStack.StartOrDisposeAsync(app, server, ct);
    }

    /// <summary>
    /// runtime.md §1 (MBO-RT-PEP-013): each call to the PDP goes with a DPoP-bound token of the trusted issuer whose audience is the PDP, and a
    /// proof for the call, the way the server authenticates at Mission Status. An issuer without a token endpoint gives none: the call goes without.
    /// </summary>
    private Func<HttpRequestMessage, CancellationToken, Task> AuthenticateAtPdpAsync(IssuerTrust trust, MissionStateSource states) => async (request, ct) =>
    {
        var authentication = new PdpAuthentication();
        Hooks.Run(h => h.PdpAuthenticating(authentication));
        if (!authentication.Sends || Options.Pdp is not { } pdp) return;
        try
        {
            await states.Authentication.AuthenticateAsync(request, (await trust.GetAsync(null, ct)).TokenEndpoint, new Uri(pdp.AbsoluteUri.TrimEnd('/') + "/"), ct);
        }
        catch (HttpRequestException)
        {
            // The issuer's metadata cannot be read: the call goes unauthenticated, and the PDP decides what that is worth.
        }
    };

    /// <summary>
    /// RFC 9728 metadata: the resource and the one authorization server it trusts; at RS-D also where its
    /// enforcement-scope manifest is (schemas-notes.md: runtime fields MAY appear in PRM).
    /// </summary>
    public Dictionary<string, object> ProtectedResourceMetadata()
    {
        var metadata = new Dictionary<string, object>
        {
            ["resource"] = Resource,
            ["authorization_servers"] = new[] { Options.TrustedIssuer.AbsoluteUri },
            ["bearer_methods_supported"] = new[] { "header" },
            ["dpop_signing_alg_values_supported"] = new[] { "ES256" },
            ["resource_name"] = Options.Profile.Title,
        };
        if (ManifestUrl is { } manifest) metadata["mission_enforcement_scope_manifest_uri"] = manifest;
        return metadata;
    }

    /// <summary>
    /// Where a caller with the evidence credential makes the server change its manifest (the suite's convention for a declared change,
    /// MBO-RT-MF-003): POST, and the manifest gains an excluded execution boundary, a new version and a later issued_at.
    /// </summary>
    public string? ManifestChangeUrl => ManifestUrl is null ? null : BaseUrl.AbsoluteUri + "manifest/changes";

    /// <summary>Where the enforcement-scope manifest is published (RS-D only: it backs a runtime-enforcement claim).</summary>
    public string? ManifestUrl => Options.Tier == RsTierSetting.D ? BaseUrl.AbsoluteUri + ".well-known/mission-enforcement-scope" : null;

    /// <summary>
    /// runtime.md §10 (MBO-RT-MF-001, -002): this server's one PEP, in process, covering its consequential
    /// tools by name, with the freshness it keeps Mission state at.
    /// </summary>
    public JsonObject EnforcementManifest()
    {
        var consequential = Options.Profile.Tools.Where(t => t.Consequential).ToList();
        var manifest = new JsonObject
        {
            ["manifest_id"] = Options.Profile.Name + "-enforcement-scope",
            ["issuer"] = BaseUrl.AbsoluteUri,
            ["issued_at"] = ManifestRevision().IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["version"] = ManifestRevision().Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["action_classes_covered"] = new JsonArray([.. consequential.Select(t => (JsonNode)t.Class.Name()).DistinctBy(n => n.GetValue<string>())]),
            ["pep_locations"] = new JsonArray(new JsonObject
            {
                ["pep_id"] = Options.Profile.Name + "-mcp-pep",
                ["kind"] = "in_process_middleware",
                ["covers"] = new JsonArray([.. consequential.Select(t => (JsonNode)t.Name)]),
                ["endpoint_uri"] = Resource,
            }),
            ["freshness_mode"] = Options.EventDriven ? "event_driven" : "cached",
            ["max_stale_seconds"] = Options.MaxStaleSeconds,
            ["max_invocations_slot_timeout_seconds"] = Options.SlotTimeoutSeconds,
            ["max_invocations_coordination"] = "single_pep",
        };
        var changes = ManifestRevision().Changes;
        if (changes > 0)
        {
            manifest["excluded_execution_boundaries"] = new JsonArray([.. Enumerable.Range(1, changes).Select(n => (JsonNode)new JsonObject
            {
                ["identifier"] = $"{Options.Profile.Name}-batch-export-{n}",
                ["rationale"] = $"declared out of enforcement scope by change {n}",
            })]);
        }
        Hooks.Run(h => h.ManifestBuilt(manifest));
        return manifest;
    }

    private (int Changes, int Version, DateTimeOffset IssuedAt) ManifestRevision()
    {
        lock (_manifestGate) return (_manifestChanges, _manifestVersion, _manifestIssuedAt);
    }

    /// <summary>POST manifest/changes with the evidence bearer credential: one change of the manifest (<see cref="ManifestChangeUrl"/>), its new version in the answer.</summary>
    public async Task ChangeManifestAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(Options.EvidenceToken)))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"manifest\", error=\"invalid_token\"";
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_token", error_description = "a manifest change requires the evidence bearer credential" });
            return;
        }
        var change = new ManifestChange();
        Hooks.Run(h => h.ManifestChanging(change));
        lock (_manifestGate)
        {
            _manifestChanges++;
            if (change.Versioned)
            {
                _manifestVersion++;
                // issued_at has whole seconds: a change within the same second still moves it on.
                var now = DateTimeOffset.UtcNow;
                _manifestIssuedAt = now >= _manifestIssuedAt.AddSeconds(1) ? now : _manifestIssuedAt.AddSeconds(1);
            }
        }
        await http.Response.WriteAsJsonAsync(new { version = ManifestRevision().Version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// GET effects?mission_id=…: the actions carried out under that Mission, oldest first ({"mission_id", "executions": [{"tool", "at"}]}),
    /// for the same bearer credential as the evidence export; anything else is refused and reveals nothing.
    /// </summary>
    public async Task ObserveEffectsAsync(HttpContext http)
    {
        if (await MissionExportRequest.MissionIdAsync(http, Options.EvidenceToken, "effects", "effects observer") is not { } missionId) return;
        var executions = Executions.Where(e => e.MissionId == missionId)
            .Select(e => (JsonNode)new JsonObject { ["tool"] = e.Tool, ["at"] = e.At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        await http.Response.WriteAsJsonAsync(new JsonObject { ["mission_id"] = missionId, ["executions"] = new JsonArray([.. executions]) });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var owned in _owned) owned.Dispose();
    }
}
