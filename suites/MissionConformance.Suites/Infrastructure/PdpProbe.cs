using System.Text.Json.Nodes;
using MissionConformance.Harness.AuthZen;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// A PDP scenario (conformance.md §5 L4 item 5, target-as-PDP): run against every PDP of the target file, side by side, with the harness
/// as the PEP and its simulated AS as the Mission state source the PDP trusts; with no PDPs in the file it judges nothing.
/// </summary>
public abstract class PdpScenario : Scenario
{
    public override IReadOnlyList<string> Subjects(Target target) => [.. target.Pdps.Select(p => p.Id)];

    public sealed override async Task RunAsync(ScenarioContext context)
    {
        await Task.WhenAll(context.Target.Pdps.Select(pdp => RunAtAsync(context, pdp)));
    }

    private async Task RunAtAsync(ScenarioContext context, PdpTarget pdp)
    {
        if (context.Peers is not { } peers)
        {
            foreach (var id in Requirements) context.InterruptAt(pdp.Id, id, "harness error: no simulated peers were started for the PDPs of the target file");
            return;
        }
        using var http = context.CreateHttpClient();
        using var probe = new PdpProbe(context, peers, pdp, http);
        await SubjectRuns.GuardAsync(context, Requirements, pdp.Id, "PDP", pdp.Url.AbsoluteUri, () => RunAsync(probe), () => probe.RecentExchanges());
    }

    protected abstract Task RunAsync(PdpProbe pdp);
}

/// <summary>
/// What a PDP scenario works with: the PDP, the simulated AS whose Missions it decides on, the harness's AuthZEN client (a PEP with a
/// DPoP-bound token of the simulated AS for the PDP's audience), and verdicts about the PDP.
/// </summary>
public sealed class PdpProbe : IDisposable
{
    private readonly ScenarioContext _context;
    private readonly PeerSet _peers;
    private readonly DpopKey _key = new();
    private readonly List<string> _exchanges = [];
    private string? _token;

    public PdpProbe(ScenarioContext context, PeerSet peers, PdpTarget pdp, HttpClient http)
    {
        _context = context;
        _peers = peers;
        Pdp = pdp;
        Client = new AuthZenClient(http, pdp.Url, _key, Token);
    }

    public PdpTarget Pdp { get; }

    public AuthZenClient Client { get; }

    public SimulatedAuthorizationServer StateAuthority => _peers.AuthorizationServer;

    public CancellationToken Cancellation => _context.Cancellation;

    /// <summary>The PEP's credential at the PDP: an at+jwt of the simulated AS for the PDP's url, bound to the probe's DPoP key (runtime.md §1).</summary>
    private string Token() => _token ??= _peers.AuthorizationServer.Mint(new AccessTokenSpec(Pdp.Url.AbsoluteUri, null) { DpopThumbprint = _key.Thumbprint, Lifetime = TimeSpan.FromMinutes(30) });

    /// <summary>An active Mission at the simulated AS whose Authority Set is the PDP's entry (or <paramref name="entry"/>).</summary>
    public SimulatedMission Mission(JsonObject? entry = null)
        => _peers.AuthorizationServer.CreateMission("user-conformance", "agent-conformance", new JsonArray((entry ?? Pdp.Entry).DeepClone()), TimeSpan.FromHours(1), _context.Wire);

    /// <summary>The parameters the allowed action is evaluated with: the file's, when it declares how the PDP digests them.</summary>
    public JsonObject? AllowedParameters => Pdp.ParameterBinding is null ? null : Pdp.AllowedParameters;

    /// <summary>
    /// runtime.md §4: an evaluation of <paramref name="action"/> at <paramref name="resource"/> (the PDP's resource by default) with the Mission
    /// context a conforming PEP sends: the Mission's id, origin, authority_hash and policy view as its Mission Status gives them, the PEP's audience,
    /// fresh freshness, and the parameters with their digest when there are any.
    /// </summary>
    public JsonObject Evaluation(SimulatedMission mission, string action, JsonObject? parameters = null, string? resource = null)
    {
        resource ??= Pdp.Resource;
        var now = DateTimeOffset.UtcNow;
        var context = new JsonObject
        {
            ["mission"] = new JsonObject
            {
                ["id"] = mission.Id, ["origin"] = mission.Origin, ["authority_hash"] = mission.AuthorityHash,
                ["policy_version"] = SimulatedMission.PolicyVersion, ["policy_view_id"] = mission.PolicyViewId, ["policy_view_version"] = SimulatedMission.PolicyViewVersion,
            },
            ["actor"] = new JsonObject { ["client_id"] = mission.ClientId },
            ["audience"] = resource,
            ["freshness"] = Freshness(now),
        };
        if (parameters is not null && Pdp.ParameterBinding is { } binding)
        {
            context["parameters"] = parameters.DeepClone();
            context["parameter_digest"] = IntegrityAnchors.ParameterDigest(binding.SchemaVersion, binding.AuthorizationDomain, mission.Origin, parameters);
        }
        return new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "user", ["id"] = mission.Subject },
            ["resource"] = new JsonObject { ["type"] = "mission_resource", ["id"] = resource },
            ["action"] = new JsonObject { ["name"] = action },
            ["context"] = context,
        };
    }

    /// <summary>context.freshness as of <paramref name="at"/>: Mission Status read then, in mode fresh.</summary>
    public static JsonObject Freshness(DateTimeOffset at) => new()
    {
        ["mission_status_issued_at"] = Rfc3339(at),
        ["mission_status_expires_at"] = Rfc3339(at.AddSeconds(1)),
        ["mode"] = "fresh",
        ["freshness_at"] = Rfc3339(at),
    };

    /// <summary>The allowed action's evaluation for <paramref name="mission"/>.</summary>
    public JsonObject Allowed(SimulatedMission mission) => Evaluation(mission, Pdp.AllowedAction, AllowedParameters);

    public async Task<PdpDecision> EvaluateAsync(JsonObject evaluation)
    {
        var decision = await Client.EvaluateAsync(evaluation, Cancellation);
        Remember(decision.ExchangeId);
        return decision;
    }

    /// <summary>
    /// The positive control of this PDP's denials (<see cref="Checks.Controls.PdpPermitsAllowed"/>): the allowed action for
    /// <paramref name="mission"/> is permitted. Returns the decision.
    /// </summary>
    public async Task<PdpDecision> ControlAsync(SimulatedMission mission)
    {
        var decision = await EvaluateAsync(Allowed(mission));
        _context.ControlAt(Pdp.Id, Checks.Controls.PdpPermitsAllowed, decision.Permitted, $"{Pdp.AllowedAction} for an active Mission was {decision.Describe()}");
        return decision;
    }

    public async Task<DecisionEvidenceRead> ReadEvidenceAsync(string missionId)
    {
        var export = Pdp.Evidence!;
        var read = await Client.ReadEvidenceAsync(export.Export, export.Token, export.Jwks, missionId, Cancellation);
        Remember(read.ExchangeId);
        var status = (int)read.Http.Status;
        if (status is < 200 or >= 300 || read.Http.Artifact is null)
        {
            throw new ScenarioInterruptedException($"the Decision Evidence export {export.Export} answered HTTP {status}" + (status is 401 or 403 ? ": check pdps[].evidence.token" : ""));
        }
        return read;
    }

    public Verdict Judge<TEvidence>(Check<TEvidence> check, TEvidence evidence) => _context.JudgeAt(Pdp.Id, check, evidence, RecentExchanges());

    public void Skip(string requirementId, string reason) => _context.SkipAt(Pdp.Id, requirementId, reason, RecentExchanges());

    /// <summary>SKIPPED for want of the target-file <paramref name="field"/>: the PDP's standing is claimed, not demonstrated.</summary>
    public void SkipForWant(string requirementId, string field, string reason) => _context.SkipForWant(requirementId, field, reason, Pdp.Id);

    private void Remember(string? exchangeId)
    {
        if (exchangeId is not null) lock (_exchanges) _exchanges.Add(exchangeId);
    }

    public string[] RecentExchanges(int count = 3)
    {
        lock (_exchanges) return [.. _exchanges.TakeLast(count)];
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _key.Dispose();
}
