using System.Diagnostics;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>RS-A, MBO-MCP-004: a call without a token leads to the RFC 9728 metadata naming the trusted AS.</summary>
public sealed class ResourceDiscoveryScenario : ResourceServerScenario
{
    public override string Id => "rs.discovery";
    public override string Title => "an unauthenticated MCP call points at protected-resource metadata naming the AS";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ResourceMetadataAdvertised()];

    protected override async Task RunAsync(ResourceServerProbe rs)
    {
        var unauthenticated = await rs.ListAsync(null);
        var metadata = unauthenticated.Challenge("resource_metadata") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? await rs.GetAsync(url, ArtifactKind.ProtectedResourceMetadata)
            : null;
        rs.Judge(new ResourceMetadataAdvertised(), new ProtectedResourceEvidence(unauthenticated, metadata, rs.Server.Resource, rs.Peers.AuthorizationServer.Issuer.AbsoluteUri));
    }
}

/// <summary>RS-A, MBO-RS-A-001 (conformance.md §5 RS-A): defective tokens are refused with 401; MBO-RS-C-007: also at a server that introspects.</summary>
public sealed class TokenValidationScenario : ResourceServerScenario
{
    public override string Id => "rs.token-validation";
    public override string Title => "a bad signature, a wrong audience, an expired token, a wrong typ and a DPoP-bound token without its proof are each refused";
    public override IReadOnlyList<ICheck> Checks { get; } = [new RsValidatesTokens(), new RsVerifiesPopDespiteIntrospection()];

    protected override async Task RunAsync(ResourceServerProbe rs)
    {
        var mission = rs.Mission();
        await rs.RequireServedAsync(rs.Token(mission), "the baseline every defective token is compared with");
        var cases = new List<BadTokenCase>();
        foreach (var (defect, edit) in new (string, Func<AccessTokenSpec, AccessTokenSpec>)[]
        {
            ("a signature by a key the issuer's JWKS does not hold", s => s with { ForeignKey = true }),
            ("an audience that is another resource", s => s with { Audience = "https://another-resource.example/mcp" }),
            ("a token that expired ten minutes ago", s => s with { IssuedAgo = TimeSpan.FromMinutes(20), Lifetime = TimeSpan.FromMinutes(10) }),
            ("typ JWT instead of at+jwt (RFC 9068)", s => s with { Type = "JWT" }),
        })
        {
            cases.Add(new BadTokenCase(defect, await rs.CallAsync(rs.Token(mission, edit), rs.Server.Allowed)));
        }
        McpResponse? validDpop = null;
        var proofCases = new List<BadTokenCase>();
        if (rs.Server.Dpop)
        {
            // RFC 9449 §4.3, §7.1: a cnf.jkt-bound token counts only with the DPoP scheme and a proof of this key, for this request and this token.
            using var key = new DpopKey();
            using var other = new DpopKey();
            var resource = rs.Server.Resource;
            var bound = rs.Token(mission, s => s with { DpopThumbprint = key.Thumbprint });
            string Proven() => key.Proof("POST", resource, bound);
            validDpop = await rs.CallAsync(bound, rs.Server.Allowed, dpopProof: Proven(), sessionProof: Proven);
            foreach (var (defect, scheme) in new (string, string?)[]
            {
                ("a DPoP-bound token presented as a bearer token, without a proof", null),
                ("a DPoP-bound token with a proof signed by another key", other.Proof("POST", resource, bound)),
                ("a DPoP-bound token with a proof for another URL (htu)", key.Proof("POST", "https://another-resource.example/mcp", bound)),
                ("a DPoP-bound token with a proof whose ath hashes another token", key.Proof("POST", resource, rs.Token(mission))),
            })
            {
                proofCases.Add(new BadTokenCase(defect, await rs.CallAsync(bound, rs.Server.Allowed, dpopProof: scheme, sessionProof: scheme is null ? null : Proven)));
            }
        }
        rs.Judge(new RsValidatesTokens(), new TokenHygieneEvidence([.. cases, .. proofCases], validDpop));
        rs.Judge(new RsVerifiesPopDespiteIntrospection(), new IntrospectionPopEvidence(rs.Server.Dpop, rs.Peers.AuthorizationServer.IntrospectionsFor(mission.Id), proofCases));
    }
}

/// <summary>RS-B (conformance.md §5 RS-B): the mission claim is required, an active Mission is served, and state changes are honoured in time.</summary>
public sealed class MissionStateScenario : ResourceServerScenario
{
    public override string Id => "rs.mission-state";
    public override string Title => "a token outlives neither its Mission's revocation nor its suspension";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new RsServesActiveMission(),
        new RsRefusesInactiveMission(),
        new RsRequiresMissionClaim(),
        new RsHonoursMaxStale(),
        new RsConsultsMissionStatus(),
        new RsTreatsUnknownStateAsInactive(),
        new RsStopsAtStatusExpiry(),
    ];

    protected override async Task RunAsync(ResourceServerProbe rs)
    {
        var mission = rs.Mission();
        // The active Mission's token first: it is MBO-RS-B-001's evidence and the control every refusal below is compared with.
        var active = await rs.CallAsync(rs.Token(mission), rs.Server.Allowed);
        rs.Judge(new RsServesActiveMission(), new ActiveMissionEvidence(active, rs.Server.Allowed.Tool));
        rs.Control(active);
        var missing = await rs.CallAsync(rs.Token(mission, s => s with { OmitMission = true }), rs.Server.Allowed);
        rs.Judge(new RsRequiresMissionClaim(), new MissingMissionEvidence(missing));
        if (!active.Served)
        {
            foreach (var id in new[] { "MBO-RS-B-002", "MBO-RS-B-004", "MBO-RS-C-008", "MBO-MAS-005", "MBO-MS-015" }) rs.Skip(id, "not judged: the active Mission's token was not served (MBO-RS-B-001)");
            return;
        }

        // Every inactive state (revoked, suspended, completed, expired: issue 22, RS-B-002 tried the first two only) and, to an
        // event receiver only, a state the spec does not define, each on its own Mission, watched side by side. mas.md consumer
        // rule: an unknown state is non-deriving; Mission Status keeps saying active. An expired Mission's token is still unexpired.
        const string unknown = "paused_by_operator";
        string[] inactive = ["revoked", "suspended", "completed", "expired"];
        string[] states = rs.Server.EventReceiver is null ? inactive : [.. inactive, unknown];
        var watched = new List<(string State, SimulatedMission Mission, string Token)>();
        foreach (var state in states)
        {
            var changed = rs.Mission();
            var token = rs.Token(changed);
            await rs.RequireServedAsync(token, $"before the Mission is {state}");
            watched.Add((state, changed, token));
        }
        var outcomes = await Task.WhenAll(watched.Select(async w =>
        {
            if (w.State != unknown) w.Mission.State = w.State;
            var pushed = await rs.PushEventAsync(w.Mission, w.State);
            return (w.State, w.Mission, Pushed: pushed, Change: await WatchAsync(rs, w.Token, w.State));
        }));
        var known = outcomes.Where(o => o.State != unknown).ToList();
        var evidence = new StateChangeEvidence([.. known.Select(o => o.Change)], rs.Server.MaxStaleSeconds);
        rs.Judge(new RsRefusesInactiveMission(), evidence);
        rs.Judge(new RsHonoursMaxStale(), evidence);
        var revoked = known.Single(o => o.State == "revoked");
        rs.Judge(new RsStopsAtStatusExpiry(), new StatusRelianceEvidence(revoked.Change, rs.Peers.AuthorizationServer.StatusLifetime,
            rs.Peers.AuthorizationServer.StatusRequestsFor(revoked.Mission.Id), revoked.Pushed is >= 200 and < 300));
        rs.Judge(new RsConsultsMissionStatus(), new StatusUseEvidence(known.Sum(o => rs.Peers.AuthorizationServer.StatusRequestsFor(o.Mission.Id)), known[0].Mission.Id,
            known.Count(o => o.Pushed is not null), known.Count(o => o.Pushed is >= 200 and < 300), known.Sum(o => rs.Peers.AuthorizationServer.IntrospectionsFor(o.Mission.Id)))
        {
            MalformedStatusRequests = [.. known.SelectMany(o => rs.Peers.AuthorizationServer.StatusRequestErrorsFor(o.Mission.Id))],
        });

        if (outcomes.Any(o => o.State == unknown))
        {
            var odd = outcomes.Single(o => o.State == unknown);
            rs.Judge(new RsTreatsUnknownStateAsInactive(), new UnknownStateEvidence(unknown, odd.Pushed ?? 0, odd.Change));
        }
        else
        {
            rs.Skip("MBO-MAS-005", "the server declares no event receiver (resourceServers[].events.receiver); states it cannot know of come only in events");
        }
    }

    /// <summary>
    /// Calls with the same token every 250 ms, without waiting for the answers, until one is refused or maxStaleSeconds plus slack
    /// plus a second have passed. A call is dated by when it was sent: the server answered what it was sent then, and a slow
    /// answer (a loaded machine, a PDP taking its time) neither delays the next probe nor says how stale its Mission state was.
    /// </summary>
    private static async Task<StateChange> WatchAsync(ResourceServerProbe rs, string token, string state)
    {
        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(rs.Server.MaxStaleSeconds) + RsHonoursMaxStale.Slack + TimeSpan.FromSeconds(1);
        var calls = new List<(TimeSpan Sent, Task<McpResponse> Answer)>();
        while (clock.Elapsed <= limit && !calls.Any(c => c.Answer.IsCompletedSuccessfully && c.Answer.Result.Refused))
        {
            calls.Add((clock.Elapsed, rs.CallAsync(token, rs.Server.Allowed)));
            await Task.Delay(TimeSpan.FromMilliseconds(250), rs.Cancellation);
        }
        await Task.WhenAll(calls.Select(c => c.Answer));
        var served = calls.Where(c => !c.Answer.Result.Refused).ToList();
        TimeSpan? lastServed = served.Count == 0 ? null : served.Max(c => c.Sent);
        return calls.Where(c => c.Answer.Result.Refused).OrderBy(c => c.Sent).FirstOrDefault() is { Answer: not null } refused
            ? new StateChange(state, true, refused.Sent, refused.Answer.Result) { LastServed = lastServed }
            : new StateChange(state, false, clock.Elapsed, calls[^1].Answer.Result) { LastServed = lastServed };
    }
}

/// <summary>RS-C (conformance.md §5 L3 items 4–9, runtime.md §11): only the entry's actions, within its constraints, for this resource.</summary>
public sealed class AuthorityEnforcementScenario : ResourceServerScenario
{
    public override string Id => "rs.authority";
    public override string Title => "only the entry's actions within its constraints are carried out, whatever else the token says";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new RsRefusesOutOfSetAction(),
        new RsEnforcesConstraints(),
        new RsFailsClosedOnUnknownConstraint(),
        new RsScopeNeverWidens(),
        new RsIgnoresForeignEntries(),
        new RsIgnoresUnknownMissionMembers(),
        new McpListFilteredByMission(),
        new McpAuthorizesEveryCall(),
    ];

    protected override async Task RunAsync(ResourceServerProbe rs)
    {
        var server = rs.Server;
        var mission = rs.Mission();
        var token = rs.Token(mission);
        await rs.RequireServedAsync(token, "the baseline the refusals are compared with");
        var forbidden = server.ForbiddenAction;

        var list = await rs.ListAsync(token);
        rs.Judge(new McpListFilteredByMission(), new ToolListEvidence(list, server.Allowed.Tool, forbidden.Tool));

        // The control of every refusal of the forbidden probe (issue 22): the same tool, under a Mission whose entry lists it, is
        // served. Without it a tool that does not exist, or that the server refuses to everyone, passed RS-C-001, RS-C-004, RS-C-009
        // and MCP-002.
        // An entry of its own, without the allowed probe's constraints, which bound that probe's arguments, not this tool's.
        var authorising = new JsonObject { ["type"] = "mission_resource_access", ["resource"] = server.Resource, ["actions"] = new JsonArray(forbidden.Tool) };
        rs.ControlForbidden(await rs.CallAsync(rs.Token(rs.Mission(authorising)), forbidden));

        var outOfSet = await rs.CallAsync(token, forbidden);
        rs.Judge(new RsRefusesOutOfSetAction(), new McpRefusalEvidence($"{forbidden.Tool}, which no entry lists", outOfSet));
        rs.Judge(new McpAuthorizesEveryCall(), new McpRefusalEvidence($"{forbidden.Tool}, a tool outside the Mission called directly", outOfSet));

        if (server.ConstraintViolation is { } violation)
        {
            rs.Judge(new RsEnforcesConstraints(), new McpRefusalEvidence($"{violation.Tool} with arguments {violation.Arguments.ToJsonString()} outside the entry's constraints",
                await rs.CallAsync(token, violation)));
        }
        else
        {
            rs.SkipForWant("MBO-RS-C-002", "resourceServers[].probes.constraintViolation", "the target file gives no constraint-violating call (resourceServers[].probes.constraintViolation)");
        }

        var unknown = server.Entry();
        unknown["constraints"]!["x_unknown_limit"] = 1;
        rs.Judge(new RsFailsClosedOnUnknownConstraint(), new McpRefusalEvidence($"{server.Allowed.Tool} under an entry with the constraint x_unknown_limit",
            await rs.CallAsync(rs.Token(mission, s => s with { AuthorizationDetails = new JsonArray(unknown) }), server.Allowed)));

        var scope = string.Join(' ', server.Actions.Append(forbidden.Tool).Append("admin"));
        rs.Judge(new RsScopeNeverWidens(), new McpRefusalEvidence($"{forbidden.Tool} with scope \"{scope}\" but no entry listing it",
            await rs.CallAsync(rs.Token(mission, s => s with { Scope = scope }), forbidden)));

        var foreign = server.Entry();
        foreign["resource"] = "https://another-resource.example/mcp";
        rs.Judge(new RsIgnoresForeignEntries(), new McpRefusalEvidence($"{server.Allowed.Tool} with a token whose only entry is for https://another-resource.example/mcp",
            await rs.CallAsync(rs.Token(mission, s => s with { AuthorizationDetails = new JsonArray(foreign) }), server.Allowed)));

        var claim = mission.Claim();
        claim["x_extra"] = new JsonObject { ["actions"] = new JsonArray(forbidden.Tool), ["role"] = "admin" };
        rs.Judge(new RsIgnoresUnknownMissionMembers(), new McpRefusalEvidence($"{forbidden.Tool} with mission.x_extra naming it",
            await rs.CallAsync(rs.Token(mission, s => s with { MissionClaim = claim }), forbidden)));
    }
}

/// <summary>RS-D (conformance.md §5 L4 items 2–3): the PDP is asked first, with the Mission context, and obeyed.</summary>
public sealed class PdpEnforcementScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.pdp";
    public override string Title => "every consequential call is evaluated at the PDP first, by an authenticated PEP, and a deny or silence stops it";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new PepEvaluatesBeforeActing(),
        new PepEnforcesDeny(),
        new PepFailsClosed(),
        new PepSendsMissionContext(),
        new PepSendsAudienceAndFreshness(),
        new PepBindsParameters(),
        new PepSendsToolId(),
        new PepAuthenticatesToPdp(),
    ];

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        var pdp = rs.Peers.Pdp;
        var permitted = rs.Mission();
        var response = await rs.CallAsync(rs.Token(permitted), rs.Server.Allowed);
        var answeredAt = DateTimeOffset.UtcNow;
        rs.Control(response);  // what the denied and unanswered calls below are compared with
        var evaluations = pdp.EvaluationsFor(permitted.Id);

        // Denied, then unanswered: judged by the answer and, where the server lets the suite observe its effects, by what happened.
        // While the PDP holds the unanswered evaluation no decision exists, so anything carried out by then was done before asking
        // (issue 22: a server that acts, then asks, answered exactly as a correct one does).
        var denied = rs.Mission();
        pdp.Script(denied.Id, PdpAnswer.Deny);
        var deniedResponse = await rs.CallAsync(rs.Token(denied), rs.Server.Allowed);
        var deniedEffects = await rs.ObserveAsync(denied.Id);
        var silent = rs.Mission();
        pdp.Script(silent.Id, PdpAnswer.Unavailable);
        var silentCall = rs.CallAsync(rs.Token(silent), rs.Server.Allowed);
        var beforeDecision = await ObserveWhileHeldAsync(rs, silent.Id, silentCall);
        var silentResponse = await silentCall;
        var silentEffects = await rs.ObserveAsync(silent.Id);

        rs.Judge(new PepEvaluatesBeforeActing(), new PdpCallEvidence(response, evaluations, answeredAt, rs.Server.Allowed.Tool) { BeforeDecision = beforeDecision });
        if (evaluations.Count > 0)
        {
            var evidence = new EvaluationEvidence(evaluations[0], permitted, rs.Server.Resource);
            rs.Judge(new PepSendsMissionContext(), evidence);
            rs.Judge(new PepSendsAudienceAndFreshness(), evidence);
            rs.Judge(new PepSendsToolId(), evidence);
            rs.Judge(new PepBindsParameters(), new ParameterBindingEvidence(evaluations[0], rs.Server.Allowed, rs.Server.ParameterBinding, permitted.Origin));
        }
        else
        {
            foreach (var id in new[] { "MBO-RT-PEP-004", "MBO-RT-PEP-005", "MBO-RT-PEP-006", "MBO-RT-PEP-008" }) rs.Skip(id, "not judged: no evaluation request reached the PDP (MBO-RT-PEP-001)");
        }

        rs.Judge(new PepEnforcesDeny(), new PdpRefusalEvidence("denied", deniedResponse, pdp.EvaluationsFor(denied.Id).Count, rs.Server.Allowed.Tool) { Effects = deniedEffects });
        rs.Judge(new PepFailsClosed(), new PdpRefusalEvidence($"held the evaluation {pdp.Hang.TotalSeconds:0} s and answered 503", silentResponse, pdp.EvaluationsFor(silent.Id).Count,
            rs.Server.Allowed.Tool) { Effects = silentEffects });
        rs.Judge(new PepAuthenticatesToPdp(), new PdpAuthenticationEvidence([.. evaluations, .. pdp.EvaluationsFor(denied.Id), .. pdp.EvaluationsFor(silent.Id)]));
    }

    /// <summary>
    /// What the effects observer shows for <paramref name="missionId"/> once the PDP holds its evaluation and before it answers; unobserved
    /// when the call ended first, or the evaluation never came (a server that does not ask, MBO-RT-PEP-001's other failure).
    /// </summary>
    private static async Task<ObservedEffects> ObserveWhileHeldAsync(ResourceServerProbe rs, string missionId, Task call)
    {
        var pdp = rs.Peers.Pdp;
        var deadline = DateTimeOffset.UtcNow + pdp.Hang / 2;
        while (pdp.EvaluationsFor(missionId).Count == 0 && !call.IsCompleted && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50, rs.Cancellation);
        }
        if (call.IsCompleted || pdp.EvaluationsFor(missionId).Count == 0)
        {
            return ObservedEffects.None("the call ended, or never reached the PDP, before the PDP's hold could be observed");
        }
        return await rs.ObserveAsync(missionId);
    }
}

/// <summary>
/// RS-D (conformance.md §5 L4 item 6, runtime.md §7): a permitted consequential call leaves Execution
/// Evidence linked to its decision, read from the server's evidence export (runtime.md open point 2).
/// </summary>
public sealed class ExecutionEvidenceScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.evidence";
    public override string Title => "a permitted consequential call leaves schema-valid Execution Evidence linked to its decision and its parameter_digest";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new PepEmitsExecutionEvidence(),
        new PepEvidenceDigestMatchesDecision(),
        new ExecutionEvidenceIsWellFormed(),
        new ExecutionEvidenceHasNoContent(),
    ];

    /// <summary>How long the export may take to show a record (a server may write evidence after it answered).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        if (rs.Server.Evidence is null)
        {
            foreach (var id in Requirements) rs.SkipForWant(id, "resourceServers[].evidence", "the target file names no evidence export (resourceServers[].evidence); runtime.md open point 2: without one, Execution Evidence cannot be tested");
            return;
        }
        var mission = rs.Mission();
        await rs.RequireServedAsync(rs.Token(mission), "the call whose evidence is read");
        var permits = rs.Peers.Pdp.EvaluationsFor(mission.Id).Where(e => e.Answer == PdpAnswer.Permit).ToList();
        if (permits.Count == 0)
        {
            foreach (var id in Requirements) rs.Skip(id, "not judged: the call was served without a permit from the PDP (MBO-RT-PEP-001)");
            return;
        }
        var export = await rs.ReadSettledEvidenceAsync(mission.Id, permits, Settle);
        rs.Judge(new PepEmitsExecutionEvidence(), export);
        rs.Judge(new PepEvidenceDigestMatchesDecision(), export);
        rs.Judge(new ExecutionEvidenceIsWellFormed(), export);
        rs.Judge(new ExecutionEvidenceHasNoContent(), export);
    }
}

/// <summary>
/// RS-D (runtime.md §8, MBO-RT-EV-003): a max_invocations slot whose outcome the executor lost is finalised at the slot timeout with
/// synthetic failed Execution Evidence, error evidence_missing. No request a client sends leaves a slot without its outcome, so the
/// executor is made to lose it through the hook the target file declares (resourceServers[].dropOutcome), as the requirement's test
/// says; the wait is the manifest's max_invocations_slot_timeout_seconds, and costs no real time against the embedded reference,
/// whose servers share the harness's clock.
/// </summary>
public sealed class SlotTimeoutScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.slot-timeout";
    public override string Title => "a max_invocations slot whose outcome never came is finalised at its timeout with synthetic failed evidence (evidence_missing)";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ExpiredSlotLeavesEvidence()];

    /// <summary>runtime.md §8: the slot timeout when the manifest names none.</summary>
    public const int DefaultTimeoutSeconds = 300;

    /// <summary>How long past the timeout the export may take to show the synthetic record.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>What the scenario keeps of its budget (timeouts.scenarioSeconds) for its calls around the wait.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        const string id = "MBO-RT-EV-003";
        if (rs.Server.Evidence is null)
        {
            rs.SkipForWant(id, "resourceServers[].evidence", "the target file names no evidence export (resourceServers[].evidence), where a slot's synthetic evidence would be read");
            return;
        }
        if (rs.Server.DropOutcome is not { } drop)
        {
            rs.SkipForWant(id, "resourceServers[].dropOutcome",
                "the target file declares no way to make the server's executor lose an outcome (resourceServers[].dropOutcome); no request a client sends leaves a slot without one");
            return;
        }
        var (timeout, source, coordination) = await SlotTimeoutAsync(rs);
        if (coordination == "centralized")
        {
            rs.Skip(id, "the manifest declares max_invocations_coordination centralized: the slots are held at the PDP, here the suite's own, not at this PEP");
            return;
        }
        var wait = TimeSpan.FromSeconds(timeout + 2);
        var budget = rs.Context.Target.Timeouts.Scenario;
        if (wait + Settle + Margin > budget)
        {
            rs.Skip(id, $"the slot timeout, {timeout} s ({source}), is longer than this scenario can wait within timeouts.scenarioSeconds ({budget.TotalSeconds:0} s): "
                + $"raise it to at least {(wait + Settle + Margin).TotalSeconds:0} to judge {id}");
            return;
        }

        // The control: under the limit a call is served on a permit and leaves a record of its own; a server that carries out no call
        // under max_invocations, or records none, holds no slot this scenario could watch time out.
        var entry = rs.Server.Entry();
        entry["constraints"]!["max_invocations"] = "3";
        var mission = rs.Mission(entry);
        var token = rs.Token(mission);
        var control = await rs.CallAsync(token, rs.Server.Allowed);
        var controlPermits = Permits(rs, mission);
        if (!control.Served || controlPermits.Count == 0)
        {
            rs.Skip(id, $"not judged: {rs.Server.Allowed.Tool} under an entry with max_invocations \"3\" was answered {control.Describe()} after {controlPermits.Count} permit(s): "
                + "the server carried out no permitted call under the constraint, so it holds no slot (runtime.md §8)");
            return;
        }
        if ((await rs.ReadSettledEvidenceAsync(mission.Id, controlPermits, Settle)).Linked.Any(l => l.Record is null))
        {
            rs.Skip(id, "not judged: the permitted call under max_invocations left no Execution Evidence of its own (MBO-RT-PEP-009)");
            return;
        }

        var url = drop.Url.AbsoluteUri + (drop.Url.Query.Length > 0 ? "&" : "?") + "mission_id=" + Uri.EscapeDataString(mission.Id);
        var status = await rs.PostAsync(url, drop.Token);
        if (status is < 200 or >= 300) throw new ScenarioInterruptedException($"the declared dropOutcome {drop.Url} answered HTTP {status}: check resourceServers[].dropOutcome");
        // Whatever the answer, the executor ran after a permit, and its outcome is lost: the slot is the PEP's to finalise.
        var lost = await rs.CallAsync(token, rs.Server.Allowed);
        var permits = Permits(rs, mission).Except(controlPermits).ToList();
        if (permits.Count == 0)
        {
            rs.Skip(id, $"not judged: the call whose outcome was to be lost got no permit from the PDP (answered {lost.Describe()}), so no slot was reserved");
            return;
        }
        await rs.Context.WaitAsync(wait);
        var export = await rs.ReadSettledEvidenceAsync(mission.Id, permits, Settle);
        if (export.Linked.Select(l => l.Record).OfType<JsonObject>().FirstOrDefault(r => ExecutionEvidenceExport.Text(r, "outcome") is "completed" or "suppressed") is { } reported)
        {
            throw new ScenarioInterruptedException($"the call's outcome reached the PEP after all (a record with outcome {ExecutionEvidenceExport.Text(reported, "outcome")}): "
                + $"the declared dropOutcome {drop.Url} did not make the executor lose it");
        }
        rs.Judge(new ExpiredSlotLeavesEvidence(), new SlotTimeoutEvidence(timeout, source, wait + Settle, export));
    }

    private static List<Harness.Peers.Evaluation> Permits(ResourceServerProbe rs, SimulatedMission mission)
        => [.. rs.Peers.Pdp.EvaluationsFor(mission.Id).Where(e => e.Answer == PdpAnswer.Permit)];

    /// <summary>The manifest's max_invocations_slot_timeout_seconds and max_invocations_coordination, with where the timeout came from.</summary>
    private static async Task<(int Timeout, string Source, string? Coordination)> SlotTimeoutAsync(ResourceServerProbe rs)
    {
        if ((rs.Server.Manifest?.AbsoluteUri ?? await rs.AdvertisedManifestAsync()) is not { } url)
        {
            return (DefaultTimeoutSeconds, "runtime.md §8's default: no manifest was found", null);
        }
        var manifest = (await rs.GetAsync(url, ArtifactKind.EnforcementManifest)).ObjectBody();
        var coordination = manifest is { } m && m.TryGetProperty("max_invocations_coordination", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;
        return manifest is { } doc && doc.TryGetProperty("max_invocations_slot_timeout_seconds", out var t) && t.TryGetInt32(out var seconds) && seconds > 0
            ? (seconds, "the manifest's max_invocations_slot_timeout_seconds", coordination)
            : (DefaultTimeoutSeconds, "runtime.md §8's default: the manifest names none", coordination);
    }
}

/// <summary>
/// RS-D (conformance.md §5 L4 item 4, runtime.md §5, §11): a requestable denial becomes an MCP task that
/// completes only after approval and a fresh decision; a Mission revoked while its call waited past the
/// freshness window never gets that call carried out.
/// </summary>
public sealed class RequestableDenialScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.requestable";
    public override string Title => "a requestable denial waits as an MCP task and runs after approval only on a fresh decision, never for a Mission revoked meanwhile";
    public override IReadOnlyList<ICheck> Checks { get; } = [new McpRequestableDenialBecomesTask(), new PepRechecksAfterTheWindow()];

    /// <summary>How long tasks/get is polled after approval before the task is taken as never finishing.</summary>
    private static readonly TimeSpan PollLimit = TimeSpan.FromSeconds(10);

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        var pdp = rs.Peers.Pdp;
        var approved = rs.Mission();
        var revoked = rs.Mission();
        pdp.Script(approved.Id, PdpAnswer.Requestable);
        pdp.Script(revoked.Id, PdpAnswer.Requestable);
        var (approvedToken, revokedToken) = (rs.Token(approved), rs.Token(revoked));
        var decidedAt = DateTimeOffset.UtcNow;
        var first = await Task.WhenAll(rs.CallAsync(approvedToken, rs.Server.Allowed, asTask: true), rs.CallAsync(revokedToken, rs.Server.Allowed, asTask: true));
        if (pdp.EvaluationsFor(approved.Id).Count == 0)
        {
            foreach (var id in Requirements) rs.Skip(id, $"not judged: the call was answered {first[0].Describe()} without an evaluation at the PDP (MBO-RT-PEP-001)");
            return;
        }

        // Past the window the first decision's Mission state was good for, revoke one Mission, then approve both calls.
        await Task.Delay(TimeSpan.FromSeconds(rs.Server.MaxStaleSeconds) + TimeSpan.FromSeconds(1), rs.Cancellation);
        revoked.State = "revoked";
        await rs.PushEventAsync(revoked, "revoked");
        var approvedAt = DateTimeOffset.UtcNow;
        var statusBefore = rs.Peers.AuthorizationServer.StatusRequestsFor(approved.Id);
        pdp.Decide(approved.Id, approved: true);
        pdp.Decide(revoked.Id, approved: true);
        var settled = await Task.WhenAll(SettleAsync(rs, approvedToken, first[0]), SettleAsync(rs, revokedToken, first[1]));

        DeferredCall Deferred(string label, SimulatedMission mission, int i, int statusAfter) => new(label, first[i], pdp.AccessRequestsFor(mission.Id), settled[i].Final, approvedAt,
            settled[i].CompletedSeenAt, pdp.EvaluationsFor(mission.Id), statusAfter);
        var evidence = new RequestableDenialEvidence(
            Deferred("approved", approved, 0, rs.Peers.AuthorizationServer.StatusRequestsFor(approved.Id) - statusBefore),
            Deferred("revoked while waiting", revoked, 1, 0), approvedAt - decidedAt, rs.Server.MaxStaleSeconds);
        rs.Judge(new McpRequestableDenialBecomesTask(), evidence);
        rs.Judge(new PepRechecksAfterTheWindow(), evidence);
    }

    /// <summary>Polls tasks/get until the task ends, the server refuses the poll, or <see cref="PollLimit"/> passes.</summary>
    private static async Task<(McpResponse? Final, DateTimeOffset? CompletedSeenAt)> SettleAsync(ResourceServerProbe rs, string token, McpResponse first)
    {
        if ((string?)first.CreatedTask?["taskId"] is not { } taskId) return (null, null);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var poll = await rs.GetTaskAsync(token, taskId);
            if (poll.TaskStatus == "completed") return (poll, DateTimeOffset.UtcNow);
            if (poll.TaskStatus is null or "failed" or "cancelled" || clock.Elapsed > PollLimit) return (poll, null);
            await Task.Delay(TimeSpan.FromMilliseconds(300), rs.Cancellation);
        }
    }
}

/// <summary>RS-D (conformance.md §5 L4 item 1, runtime.md §10): the enforcement-scope manifest is published and covers what was tested.</summary>
public sealed class EnforcementManifestScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.manifest";
    public override string Title => "the enforcement-scope manifest is published, schema-valid, names a PEP covering the tested action, and is versioned when it changes";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ManifestPublished(), new ManifestCoversTestedActions(), new ManifestVersionedOnChange()];

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        // The action the manifest must cover is one the suite has just carried out at the server itself.
        await rs.RequireServedAsync(rs.Token(rs.Mission()), "the tested action the manifest must cover");
        var url = rs.Server.Manifest?.AbsoluteUri ?? await rs.AdvertisedManifestAsync();
        var evidence = new ManifestEvidence(url, url is null ? null : await rs.GetAsync(url, ArtifactKind.EnforcementManifest), rs.Server.ClaimedTier == "RS-D", rs.Server.Allowed, rs.Server.Resource);
        rs.Judge(new ManifestPublished(), evidence);
        rs.Judge(new ManifestCoversTestedActions(), evidence);

        if (!evidence.Valid)
        {
            rs.Skip("MBO-RT-MF-003", "not judged: no schema-valid manifest was found (MBO-RT-MF-001)");
        }
        else if (rs.Server.ManifestChange is not { } change)
        {
            rs.SkipForWant("MBO-RT-MF-003", "resourceServers[].manifestChange", "the target file declares no way to make the server change its manifest, so no change can be watched");
        }
        else
        {
            var status = await rs.PostAsync(change.Url.AbsoluteUri, change.Token);
            if (status is < 200 or >= 300) throw new ScenarioInterruptedException($"the declared manifest change {change.Url} answered HTTP {status}: check resourceServers[].manifestChange");
            rs.Judge(new ManifestVersionedOnChange(), new ManifestChangeEvidence(url!, evidence.Response!, status, await rs.GetAsync(url!, ArtifactKind.EnforcementManifest)));
        }
    }
}

/// <summary>RS-C/RS-D (runtime.md §4 context.actor): a delegated token's acting party reaches the PDP as the act chain, without provenance in it.</summary>
public sealed class DelegationScenario : RuntimeEnforcementScenario
{
    public override string Id => "rs.delegation";
    public override string Title => "a delegated token's act chain, not its client_id, names the acting party to the PDP, with no provenance inside act";
    public override IReadOnlyList<ICheck> Checks { get; } = [new RsIdentifiesActorFromAct(), new PepKeepsProvenanceOutOfAct()];

    protected override async Task RunConsequentialAsync(ResourceServerProbe rs)
    {
        var mission = rs.Mission();
        var act = new JsonObject { ["sub"] = "agent-delegate-7", ["act"] = new JsonObject { ["sub"] = "agent-orchestrator" } };
        await rs.RequireServedAsync(rs.Token(mission, s => s with { Act = (JsonObject)act.DeepClone() }), "a delegated token (act) for an active Mission");
        var evaluations = rs.Peers.Pdp.EvaluationsFor(mission.Id);
        var evidence = new DelegationEvidence(evaluations.Count > 0 ? evaluations[0] : null, act);
        rs.Judge(new RsIdentifiesActorFromAct(), evidence);
        rs.Judge(new PepKeepsProvenanceOutOfAct(), evidence);
    }
}
