using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

// ---- RS-A ---------------------------------------------------------------------------------------

/// <summary>An unauthenticated call, the challenge's resource_metadata, and the RFC 9728 document found there.</summary>
public sealed record ProtectedResourceEvidence(McpResponse Unauthenticated, int? MetadataStatus, JsonElement? Metadata, string Resource, string TrustedIssuer);

/// <summary>MBO-MCP-004: 401 with WWW-Authenticate resource_metadata pointing at metadata that lists the AS.</summary>
public sealed class ResourceMetadataAdvertised : Check<ProtectedResourceEvidence>
{
    public override string RequirementId => "MBO-MCP-004";

    public override Judgement Judge(ProtectedResourceEvidence e)
    {
        if ((int)e.Unauthenticated.Status != 401) return Judgement.Fail($"a call without a token was answered {e.Unauthenticated.Describe()}, expected 401");
        if (e.Unauthenticated.Challenge("resource_metadata") is not { } url)
        {
            return Judgement.Fail($"the 401 carries no resource_metadata in WWW-Authenticate ({e.Unauthenticated.WwwAuthenticate ?? "no WWW-Authenticate at all"})");
        }
        if (e.Metadata is not { ValueKind: JsonValueKind.Object } metadata) return Judgement.Fail($"resource_metadata {url} answered HTTP {e.MetadataStatus}, not an RFC 9728 JSON document");
        if (ArtifactSchemas.Validate(ArtifactKind.ProtectedResourceMetadata, metadata.GetRawText()) is { Count: > 0 } errors)
        {
            return Judgement.Fail($"the metadata at {url} is not valid RFC 9728 metadata (protected-resource-metadata.schema.json): {string.Join("; ", errors)}");
        }
        var resource = metadata.TryGetProperty("resource", out var r) ? r.GetString() : null;
        var servers = metadata.TryGetProperty("authorization_servers", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString()).ToList() : [];
        if (resource != e.Resource) return Judgement.Fail($"the metadata at {url} names resource {resource ?? "(none)"}, not {e.Resource}");
        return Judgement.That(servers.Contains(e.TrustedIssuer) || servers.Contains(e.TrustedIssuer.TrimEnd('/')),
            $"401 points at {url}, which names the resource and the authorization server {e.TrustedIssuer}",
            $"the metadata at {url} lists authorization_servers [{string.Join(", ", servers)}], not the issuer the server trusts ({e.TrustedIssuer})");
    }
}

/// <summary>A defective token and what the server answered to it.</summary>
public sealed record BadTokenCase(string Defect, McpResponse Response);

/// <summary>The defective tokens and their answers; <paramref name="ValidDpop"/> is the answer to a DPoP-bound token with a good proof, when DPoP was exercised.</summary>
public sealed record TokenHygieneEvidence(IReadOnlyList<BadTokenCase> Cases, McpResponse? ValidDpop = null);

/// <summary>
/// MBO-RS-A-001: a bad signature, a wrong audience, an expired token and a wrong typ are each refused with 401;
/// for a server that accepts DPoP, a bound token is served with its proof and refused with 401 without it,
/// with another key's proof, another URL's or another token's.
/// </summary>
public sealed class RsValidatesTokens : Check<TokenHygieneEvidence>
{
    public override string RequirementId => "MBO-RS-A-001";

    public override Judgement Judge(TokenHygieneEvidence e)
    {
        if (e.ValidDpop is { Served: false } refused)
        {
            return Judgement.Fail($"a DPoP-bound token with a valid proof was answered {refused.Describe()}; the target file says the server accepts DPoP (resourceServers[].dpop)");
        }
        var accepted = e.Cases.Where(c => (int)c.Response.Status != 401).ToList();
        return Judgement.That(accepted.Count == 0,
            $"401 for each of: {string.Join(", ", e.Cases.Select(c => c.Defect))}"
                + (e.ValidDpop is null ? " (sender constraint not exercised: resourceServers[].dpop is false)" : "; a DPoP-bound token with its proof was served"),
            "not refused with 401: " + string.Join("; ", accepted.Select(c => $"{c.Defect} → {c.Response.Describe()}")));
    }
}

/// <summary>MBO-RS-C-007: the DPoP cases at a server that introspects; <paramref name="Introspections"/> is how many introspections named the Mission.</summary>
public sealed record IntrospectionPopEvidence(bool DpopExercised, int Introspections, IReadOnlyList<BadTokenCase> ProofCases);

/// <summary>MBO-RS-C-007: a server that introspects still checks the proof of possession itself (introspection does not).</summary>
public sealed class RsVerifiesPopDespiteIntrospection : Check<IntrospectionPopEvidence>
{
    public override string RequirementId => "MBO-RS-C-007";

    public override Judgement Judge(IntrospectionPopEvidence e)
    {
        if (!e.DpopExercised) return Judgement.Skip("sender-constrained tokens were not exercised (resourceServers[].dpop is false)");
        if (e.Introspections == 0) return Judgement.Skip("the server does not introspect tokens: no introspection request reached the simulated AS");
        var accepted = e.ProofCases.Where(c => (int)c.Response.Status != 401).ToList();
        return Judgement.That(accepted.Count == 0,
            $"the server introspects ({e.Introspections} request(s)) and still refused each DPoP-bound token without its valid proof",
            "introspection said active, and the server did not check the proof itself: " + string.Join("; ", accepted.Select(c => $"{c.Defect} → {c.Response.Describe()}")));
    }
}

// ---- RS-B ---------------------------------------------------------------------------------------

public sealed record MissingMissionEvidence(McpResponse Response);

/// <summary>MBO-RS-B-003: a token without a mission claim is refused with 401 invalid_token.</summary>
public sealed class RsRequiresMissionClaim : Check<MissingMissionEvidence>
{
    public override string RequirementId => "MBO-RS-B-003";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public override Judgement Judge(MissingMissionEvidence e)
        => Judgement.That((int)e.Response.Status == 401 && e.Response.Challenge("error") == "invalid_token",
            "a token without a mission claim was refused with 401 invalid_token",
            $"a token without a mission claim was answered {e.Response.Describe()} (WWW-Authenticate: {e.Response.WwwAuthenticate ?? "none"}); expected 401 with error=\"invalid_token\"");
}

public sealed record ActiveMissionEvidence(McpResponse Response, string Tool);

/// <summary>MBO-RS-B-001: a Mission-bound token for an active Mission is served.</summary>
public sealed class RsServesActiveMission : Check<ActiveMissionEvidence>
{
    public override string RequirementId => "MBO-RS-B-001";

    public override Judgement Judge(ActiveMissionEvidence e)
        => Judgement.That(e.Response.Served, $"{e.Tool} was served for an active Mission", $"{e.Tool} with a valid token for an active Mission was answered {e.Response.Describe()}");
}

/// <summary>
/// After the Mission was put in <paramref name="State"/>: whether the same token was refused, and how long after the change
/// (for a refusal, when the refused request was sent; else when the last answer came).
/// </summary>
public sealed record StateChange(string State, bool Refused, TimeSpan After, McpResponse Last)
{
    /// <summary>When the last request the server still served after the change was sent; null when the first was refused.</summary>
    public TimeSpan? LastServed { get; init; }
}

public sealed record StateChangeEvidence(IReadOnlyList<StateChange> Changes, int MaxStaleSeconds);

/// <summary>
/// A revocation watched at a server, with what it could have known: every Mission Status answer the simulated AS gave lives
/// <paramref name="StatusLifetime"/> (expires_at − issued_at), how many it asked about the Mission, and whether it took an event.
/// </summary>
public sealed record StatusRelianceEvidence(StateChange Revoked, TimeSpan StatusLifetime, int StatusRequests, bool EventAccepted);

/// <summary>
/// MBO-MS-015: a consumer does not rely on a Mission Status answer after its expires_at, with no skew for terminal states. Every
/// answer given before the revocation expired at most <see cref="StatusRelianceEvidence.StatusLifetime"/> after it, so a request
/// sent later than that (plus half a second of measuring slack) and still served was served on an expired answer.
/// </summary>
public sealed class RsStopsAtStatusExpiry : Check<StatusRelianceEvidence>
{
    public override string RequirementId => "MBO-MS-015";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    public override Judgement Judge(StatusRelianceEvidence e)
    {
        if (e.EventAccepted) return Judgement.Skip("not judged: the server took the revocation as a lifecycle event, so it needed no Mission Status answer to stop");
        if (e.StatusRequests == 0) return Judgement.Skip("not judged: the server asked Mission Status nothing about the watched Mission (it learns state otherwise, see MBO-RS-C-008)");
        var bound = e.StatusLifetime + Slack;
        // A server that never refused is MBO-RS-B-002's failure; this judges how long it went on after the answers expired.
        if (!e.Revoked.Refused) return Judgement.Skip("not judged: the revoked Mission's token was never refused (MBO-RS-B-002)");
        return Judgement.That(e.Revoked.LastServed is not { } served || served <= bound,
            $"no request sent later than {e.StatusLifetime.TotalSeconds:0.#} s after the revocation (the Mission Status answers' lifetime) was served; the first refused was sent at {e.Revoked.After.TotalSeconds:0.0} s",
            $"a request sent {e.Revoked.LastServed?.TotalSeconds:0.0} s after the revocation was served, when every Mission Status answer given before it had expired (expires_at {e.StatusLifetime.TotalSeconds:0.#} s after issue): it relied on an expired answer");
    }
}

/// <summary>MBO-RS-B-002: once the Mission is suspended or revoked, the still-valid token is refused.</summary>
public sealed class RsRefusesInactiveMission : Check<StateChangeEvidence>
{
    public override string RequirementId => "MBO-RS-B-002";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public override Judgement Judge(StateChangeEvidence e)
    {
        var served = e.Changes.Where(c => !c.Refused).ToList();
        return Judgement.That(served.Count == 0,
            "the unexpired token was refused once its Mission was " + string.Join(" and ", e.Changes.Select(c => c.State)),
            string.Join("; ", served.Select(c => $"the Mission was {c.State}, yet the unexpired token was still served {c.After.TotalSeconds:0.0} s later ({c.Last.Describe()})")));
    }
}

/// <summary>MBO-RS-B-004: the refusal came within the declared mission_max_stale_seconds (one second of measuring slack).</summary>
public sealed class RsHonoursMaxStale : Check<StateChangeEvidence>
{
    public override string RequirementId => "MBO-RS-B-004";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    public override Judgement Judge(StateChangeEvidence e)
    {
        var late = e.Changes.Where(c => !c.Refused || c.After > TimeSpan.FromSeconds(e.MaxStaleSeconds) + Slack).ToList();
        return Judgement.That(late.Count == 0,
            $"refused within {string.Join(", ", e.Changes.Select(c => $"{c.After.TotalSeconds:0.0} s ({c.State})"))} of the change; declared maxStaleSeconds {e.MaxStaleSeconds}",
            string.Join("; ", late.Select(c => c.Refused
                ? $"{c.State}: the first request refused was sent {c.After.TotalSeconds:0.0} s after the change, beyond maxStaleSeconds {e.MaxStaleSeconds}"
                : $"{c.State}: still served {c.After.TotalSeconds:0.0} s after the change (maxStaleSeconds {e.MaxStaleSeconds})")));
    }
}

/// <summary>
/// How the server learned the watched Missions' state: Mission Status and introspection requests, and lifecycle events it
/// accepted (2xx) of those pushed; and what was wrong with any Mission Status request that broke its schema.
/// </summary>
public sealed record StatusUseEvidence(int StatusRequests, string MissionId, int EventsPushed, int EventsAccepted, int Introspections = 0)
{
    public IReadOnlyList<string> MalformedStatusRequests { get; init; } = [];
}

/// <summary>
/// MBO-RS-C-008: the server learns the Mission's state from Mission Status or introspection (the simulated AS counts both) or
/// from the events pushed to it; its Mission Status requests are well-formed (mission-status.md Request: a nonce of the ABNF).
/// </summary>
public sealed class RsConsultsMissionStatus : Check<StatusUseEvidence>
{
    public override string RequirementId => "MBO-RS-C-008";

    public override Judgement Judge(StatusUseEvidence e)
    {
        if (e.MalformedStatusRequests is [var first, ..])
        {
            return Judgement.Fail($"{e.MalformedStatusRequests.Count} of its Mission Status requests were malformed, which a conformant state authority refuses "
                + $"(the simulated AS answered them, so that only this check fails): {first}");
        }
        if (e.EventsPushed > 0 && e.EventsAccepted < e.EventsPushed)
        {
            return Judgement.Fail($"its event receiver accepted {e.EventsAccepted} of the {e.EventsPushed} lifecycle events pushed to it (resourceServers[].events.receiver)");
        }
        return Judgement.That(e.StatusRequests > 0 || e.Introspections > 0 || e.EventsAccepted > 0,
            $"{e.StatusRequests} authenticated Mission Status request(s) and {e.Introspections} introspection(s) concerned the watched Missions"
                + (e.EventsPushed > 0 ? $"; it accepted the {e.EventsAccepted} lifecycle events pushed to it" : ""),
            $"the server served and refused the Mission's token without a single Mission Status or introspection request for {e.MissionId}: it cannot know the Mission's state");
    }
}

/// <summary>MBO-MAS-005 (SHOULD): after a lifecycle event with a state the spec does not define, the server refuses the Mission's token.</summary>
public sealed record UnknownStateEvidence(string State, int EventStatus, StateChange After);

public sealed class RsTreatsUnknownStateAsInactive : Check<UnknownStateEvidence>
{
    public override string RequirementId => "MBO-MAS-005";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public override Judgement Judge(UnknownStateEvidence e)
    {
        if (e.EventStatus is < 200 or >= 300) return Judgement.Fail($"the event receiver answered HTTP {e.EventStatus} to a lifecycle event with state \"{e.State}\"");
        return Judgement.That(e.After.Refused, $"after an event with the unknown state \"{e.State}\" the token was refused within {e.After.After.TotalSeconds:0.0} s",
            $"after an event with the unknown state \"{e.State}\" the token was still served {e.After.After.TotalSeconds:0.0} s later: any state but active is non-deriving, unknown ones included");
    }
}

// ---- RS-C ---------------------------------------------------------------------------------------

/// <summary>A call the server must refuse, and its answer.</summary>
public sealed record McpRefusalEvidence(string Call, McpResponse Response);

/// <summary>A check that passes when the call was refused (nothing done) and fails, with advice, when it was served.</summary>
public abstract class McpRefusalCheck : Check<McpRefusalEvidence>
{
    public override PositiveControl Control => Controls.AllowedCallServed;

    protected abstract string Advice { get; }

    public override Judgement Judge(McpRefusalEvidence e)
        => Judgement.That(e.Response.Refused, $"refused {e.Call}: {e.Response.Describe()}", $"served {e.Call} ({e.Response.Describe()}): {Advice}");
}

public sealed class RsRefusesOutOfSetAction : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-001";

    protected override string Advice => "only actions listed in an entry for this resource may be performed";
}

public sealed class RsEnforcesConstraints : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-002";

    protected override string Advice => "the entry's constraints must be enforced against the call's arguments";
}

public sealed class RsFailsClosedOnUnknownConstraint : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-003";

    protected override string Advice => "a constraint key the server cannot enforce must make it refuse (fail closed), not be ignored";
}

public sealed class RsScopeNeverWidens : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-004";

    protected override string Advice => "scope never grants more than authorization_details allows";
}

public sealed class RsIgnoresForeignEntries : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-005";

    protected override string Advice => "entries for other resources must be ignored";
}

public sealed class RsIgnoresUnknownMissionMembers : McpRefusalCheck
{
    public override string RequirementId => "MBO-RS-C-009";

    protected override string Advice => "unknown members of the mission claim never grant authority";
}

public sealed class McpAuthorizesEveryCall : McpRefusalCheck
{
    public override string RequirementId => "MBO-MCP-002";

    protected override string Advice => "tools/call must be authorised for every tool, including tools tools/list does not show";
}

public sealed record ToolListEvidence(McpResponse List, string Allowed, string Forbidden);

/// <summary>MBO-MCP-001 (SHOULD): tools/list shows the Mission's tools and hides the others.</summary>
public sealed class McpListFilteredByMission : Check<ToolListEvidence>
{
    public override string RequirementId => "MBO-MCP-001";

    public override Judgement Judge(ToolListEvidence e)
    {
        if (!e.List.Served) return Judgement.Fail($"tools/list with a valid token was answered {e.List.Describe()}");
        var names = e.List.ToolNames;
        return Judgement.That(names.Contains(e.Allowed) && !names.Contains(e.Forbidden),
            $"tools/list shows {e.Allowed} and hides {e.Forbidden}",
            $"tools/list shows [{string.Join(", ", names)}]: expected {e.Allowed} and not {e.Forbidden}, which is outside the Mission");
    }
}

// ---- RS-D ---------------------------------------------------------------------------------------

/// <summary>A consequential call with the PDP scripted to permit, the evaluations it received for the Mission, and when the answer came.</summary>
public sealed record PdpCallEvidence(McpResponse Response, IReadOnlyList<Evaluation> Evaluations, DateTimeOffset AnsweredAt, string Tool);

/// <summary>MBO-RT-PEP-001: the PDP is asked before the consequential call is carried out.</summary>
public sealed class PepEvaluatesBeforeActing : Check<PdpCallEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-001";

    public override Judgement Judge(PdpCallEvidence e)
    {
        var before = e.Evaluations.Where(v => v.At <= e.AnsweredAt).ToList();
        return Judgement.That(e.Response.Served && before.Count > 0,
            $"{e.Tool} was carried out after {before.Count} evaluation(s) at the PDP",
            e.Response.Served
                ? $"{e.Tool} was carried out without any evaluation reaching the PDP"
                : $"the PDP permitted {e.Tool}, yet the call was answered {e.Response.Describe()}");
    }
}

/// <summary>MBO-RT-PEP-002 and -003: a deny, or no answer from the PDP, leaves the action undone.</summary>
public sealed record PdpRefusalEvidence(string Scripted, McpResponse Response, int Evaluations);

/// <summary>A check that passes when the call the PDP did not permit was refused, and fails, with advice, when it was carried out.</summary>
public abstract class PdpRefusalCheck : Check<PdpRefusalEvidence>
{
    public override PositiveControl Control => Controls.AllowedCallServed;

    protected abstract string Advice { get; }

    public override Judgement Judge(PdpRefusalEvidence e)
        => Judgement.That(e.Response.Refused, $"the PDP {e.Scripted} ({e.Evaluations} evaluation(s)) and the call was refused: {e.Response.Describe()}",
            $"the PDP {e.Scripted}, yet the call was carried out ({e.Response.Describe()}, {e.Evaluations} evaluation(s) received): {Advice}");
}

public sealed class PepEnforcesDeny : PdpRefusalCheck
{
    public override string RequirementId => "MBO-RT-PEP-002";

    protected override string Advice => "a deny must stop the action";
}

public sealed class PepFailsClosed : PdpRefusalCheck
{
    public override string RequirementId => "MBO-RT-PEP-003";

    protected override string Advice => "without a decision the PEP must fail closed";
}

/// <summary>One captured evaluation request, with the Mission and resource it should describe.</summary>
public sealed record EvaluationEvidence(Evaluation Evaluation, SimulatedMission Mission, string Resource)
{
    public IReadOnlyList<SchemaError> SchemaErrors { get; } = ArtifactSchemas.Validate(ArtifactKind.EvaluationRequest, Evaluation.Raw);

    public string? Text(string path)
    {
        JsonNode? node = Evaluation.Body;
        foreach (var part in path.Split('.')) node = node?[part];
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}

/// <summary>MBO-RT-PEP-004: context.mission carries id, origin, authority_hash, policy_version, policy_view_id and policy_view_version.</summary>
public sealed class PepSendsMissionContext : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-004";

    public override Judgement Judge(EvaluationEvidence e)
    {
        var problems = e.SchemaErrors.Where(s => s.Pointer.StartsWith("/context/mission", StringComparison.Ordinal) || s.Pointer is "" or "/context" && s.Message.Contains("mission", StringComparison.Ordinal))
            .Select(s => s.ToString()).ToList();
        if (e.Text("context.mission.id") != e.Mission.Id) problems.Add($"context.mission.id is {e.Text("context.mission.id") ?? "absent"}, the token's Mission is {e.Mission.Id}");
        if (e.Text("context.mission.origin") is { } origin && origin != e.Mission.Origin) problems.Add($"context.mission.origin {origin} is not the Mission's origin {e.Mission.Origin}");
        if (e.Text("context.mission.authority_hash") is { } hash && hash != e.Mission.AuthorityHash) problems.Add($"context.mission.authority_hash {hash} is not the token's {e.Mission.AuthorityHash}");
        return Judgement.That(problems.Count == 0, "context.mission carries the Mission's id, origin, authority_hash, policy_version and policy view",
            "the evaluation request's Mission context is incomplete or wrong (authzen-evaluation.schema.json): " + string.Join("; ", problems));
    }
}

/// <summary>MBO-RT-PEP-005: context.audience is the PEP's audience and context.freshness has its timestamps and mode.</summary>
public sealed class PepSendsAudienceAndFreshness : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-005";

    public override Judgement Judge(EvaluationEvidence e)
    {
        var problems = e.SchemaErrors.Where(s => s.Pointer.StartsWith("/context/freshness", StringComparison.Ordinal) || s.Pointer.StartsWith("/context/audience", StringComparison.Ordinal)
                || s.Pointer == "/context" && (s.Message.Contains("freshness", StringComparison.Ordinal) || s.Message.Contains("audience", StringComparison.Ordinal)))
            .Select(s => s.ToString()).ToList();
        if (e.Text("context.audience") is { } audience && audience != e.Resource) problems.Add($"context.audience is {audience}, not the server's resource {e.Resource}");
        return Judgement.That(problems.Count == 0, $"context.audience {e.Resource} and context.freshness (mode {e.Text("context.freshness.mode")}) are present",
            "the evaluation request lacks a correct audience or freshness (authzen-evaluation.schema.json): " + string.Join("; ", problems));
    }
}

/// <summary>MBO-RT-PEP-008: an MCP tool call (catalog-sourced) is evaluated with context.tool_id.</summary>
public sealed class PepSendsToolId : Check<EvaluationEvidence>
{
    public override string RequirementId => "MBO-RT-PEP-008";

    public override Judgement Judge(EvaluationEvidence e)
        => Judgement.That(!string.IsNullOrEmpty(e.Text("context.tool_id")), $"context.tool_id is {e.Text("context.tool_id")}",
            "the evaluation of an MCP tool call carries no context.tool_id (Capability Source Binding, runtime.md §9)");
}
