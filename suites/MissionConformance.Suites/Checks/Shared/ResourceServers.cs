using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

// ---- RS-A ---------------------------------------------------------------------------------------

/// <summary>The unauthenticated call, and the answer at the resource_metadata URL its challenge named (null when it named none to fetch).</summary>
public sealed record ProtectedResourceEvidence(McpResponse Unauthenticated, WireResponse? MetadataResponse, string Resource, string TrustedIssuer)
{
    public int? MetadataStatus => (int?)MetadataResponse?.Status;

    /// <summary>The metadata document: a 2xx JSON object.</summary>
    public JsonElement? Metadata => MetadataResponse is { } r && (int)r.Status is >= 200 and < 300 ? r.ObjectBody() : null;
}

/// <summary>A defective token and what the server answered to it.</summary>
public sealed record BadTokenCase(string Defect, McpResponse Response);

/// <summary>The defective tokens and their answers; <paramref name="ValidDpop"/> is the answer to a DPoP-bound token with a good proof, when DPoP was exercised.</summary>
public sealed record TokenHygieneEvidence(IReadOnlyList<BadTokenCase> Cases, McpResponse? ValidDpop = null);

/// <summary>MBO-RS-C-007: the DPoP cases at a server that introspects; <paramref name="Introspections"/> is how many introspections named the Mission.</summary>
public sealed record IntrospectionPopEvidence(bool DpopExercised, int Introspections, IReadOnlyList<BadTokenCase> ProofCases);

// ---- RS-B ---------------------------------------------------------------------------------------

public sealed record MissingMissionEvidence(McpResponse Response);

public sealed record ActiveMissionEvidence(McpResponse Response, string Tool);

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
/// How the server learned the watched Missions' state: Mission Status and introspection requests, and lifecycle events it
/// accepted (2xx) of those pushed; and what was wrong with any Mission Status request that broke its schema.
/// </summary>
public sealed record StatusUseEvidence(int StatusRequests, string MissionId, int EventsPushed, int EventsAccepted, int Introspections = 0)
{
    public IReadOnlyList<string> MalformedStatusRequests { get; init; } = [];
}

/// <summary>MBO-MAS-005 (SHOULD): after a lifecycle event with a state the spec does not define, the server refuses the Mission's token.</summary>
public sealed record UnknownStateEvidence(string State, int EventStatus, StateChange After);

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

/// <summary>A refusal of the forbidden probe, whose control is that tool served under a Mission that authorises it.</summary>
public abstract class ForbiddenProbeRefusalCheck : McpRefusalCheck
{
    public override PositiveControl Control => Controls.ForbiddenProbeServedWhenAuthorised;
}

public sealed record ToolListEvidence(McpResponse List, string Allowed, string Forbidden);

// ---- RS-D ---------------------------------------------------------------------------------------

/// <summary>
/// What the server's effects observer (target file resourceServers[].effects) showed carried out under one Mission: the number of
/// actions, or why nothing could be observed (no observer declared, or it did not answer).
/// </summary>
public sealed record ObservedEffects(int? Executions, string? Unobserved)
{
    public static ObservedEffects None(string why) => new(null, why);

    /// <summary>A clause for a message: what was seen, or that it was not.</summary>
    public string Describe(string tool) => Executions is { } n ? $"the effects observer shows {tool} carried out {n} time(s) under that Mission" : $"not observed: {Unobserved}";
}

/// <summary>
/// A consequential call with the PDP scripted to permit, the evaluations it received for the Mission, and when the answer came; and
/// what the observer saw carried out for another Mission while the PDP held its evaluation undecided (issue 22: a server that acts,
/// then asks, shows itself only there).
/// </summary>
public sealed record PdpCallEvidence(McpResponse Response, IReadOnlyList<Evaluation> Evaluations, DateTimeOffset AnsweredAt, string Tool)
{
    public ObservedEffects BeforeDecision { get; init; } = ObservedEffects.None("the scenario observed no held evaluation");
}

/// <summary>MBO-RT-PEP-002 and -003: a deny, or no answer from the PDP, leaves the action undone, as observed where the server lets it be.</summary>
public sealed record PdpRefusalEvidence(string Scripted, McpResponse Response, int Evaluations, string Tool)
{
    public ObservedEffects Effects { get; init; } = ObservedEffects.None("the scenario observed nothing");
}

/// <summary>
/// A check that passes when the call the PDP did not permit was refused and, where the server's effects can be observed, not carried out;
/// it fails, with advice, when it was carried out, whatever the answer said (issue 22: a server that acts, then asks, then returns the
/// deny as an error passed when only the answer was judged).
/// </summary>
public abstract class PdpRefusalCheck : Check<PdpRefusalEvidence>
{
    public override PositiveControl Control => Controls.AllowedCallServed;

    protected abstract string Advice { get; }

    public override Judgement Judge(PdpRefusalEvidence e)
    {
        if (!e.Response.Refused)
        {
            return Judgement.Fail($"the PDP {e.Scripted}, yet the call was carried out ({e.Response.Describe()}, {e.Evaluations} evaluation(s) received): {Advice}");
        }
        if (e.Effects.Executions is > 0)
        {
            return Judgement.Fail($"the PDP {e.Scripted} and the call was answered {e.Response.Describe()}, yet {e.Effects.Describe(e.Tool)}: it acted, then refused; {Advice}");
        }
        return Judgement.Pass($"the PDP {e.Scripted} ({e.Evaluations} evaluation(s)) and the call was refused: {e.Response.Describe()}; {e.Effects.Describe(e.Tool)}");
    }
}

/// <summary>One captured evaluation request, with the Mission and resource it should describe.</summary>
public sealed record EvaluationEvidence(Evaluation Evaluation, SimulatedMission Mission, string Resource)
{
    /// <summary>What the simulated PDP's capture found wrong with the request.</summary>
    public IReadOnlyList<SchemaError> SchemaErrors => Evaluation.Artifact.Errors;

    public string? Text(string path)
    {
        JsonNode? node = Evaluation.Body;
        foreach (var part in path.Split('.')) node = node?[part];
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}

/// <summary>The evaluations a PEP sent the simulated PDP in one scenario, each with how its caller authenticated (MBO-RT-PEP-013).</summary>
public sealed record PdpAuthenticationEvidence(IReadOnlyList<Evaluation> Evaluations);
