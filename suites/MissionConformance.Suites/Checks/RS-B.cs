using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

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

/// <summary>MBO-RS-B-001: a Mission-bound token for an active Mission is served.</summary>
public sealed class RsServesActiveMission : Check<ActiveMissionEvidence>
{
    public override string RequirementId => "MBO-RS-B-001";

    public override Judgement Judge(ActiveMissionEvidence e)
        => Judgement.That(e.Response.Served, $"{e.Tool} was served for an active Mission", $"{e.Tool} with a valid token for an active Mission was answered {e.Response.Describe()}");
}

/// <summary>MBO-RS-B-002: once the Mission is suspended, revoked, completed or expired, the still-valid token is refused.</summary>
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

/// <summary>
/// MBO-RS-B-004: the refusal came within the declared mission_max_stale_seconds (one second of measuring slack). A
/// request served after that bound fails it; a first refusal after the bound, with no request sent between the last one
/// served and the bound (the harness was slow to send), cannot tell when the server began refusing: INTERRUPTED.
/// </summary>
public sealed class RsHonoursMaxStale : Check<StateChangeEvidence>
{
    public override string RequirementId => "MBO-RS-B-004";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    public override Judgement Judge(StateChangeEvidence e)
    {
        var bound = TimeSpan.FromSeconds(e.MaxStaleSeconds) + Slack;
        var late = e.Changes.Where(c => !c.Refused || c.LastServed > bound).ToList();
        if (late.Count > 0)
        {
            return Judgement.Fail(string.Join("; ", late.Select(c => c.Refused
                ? $"{c.State}: still served a request sent {c.LastServed!.Value.TotalSeconds:0.0} s after the change, beyond maxStaleSeconds {e.MaxStaleSeconds}"
                : $"{c.State}: still served {c.After.TotalSeconds:0.0} s after the change (maxStaleSeconds {e.MaxStaleSeconds})")));
        }
        var unprobed = e.Changes.Where(c => c.After > bound).ToList();
        if (unprobed.Count > 0)
        {
            return new Judgement(null, "harness too slow to judge: " + string.Join("; ", unprobed.Select(c =>
                $"{c.State}: no request was sent between {(c.LastServed ?? TimeSpan.Zero).TotalSeconds:0.0} s (served) and {c.After.TotalSeconds:0.0} s (refused) after the change, "
                + $"so whether the refusal began within maxStaleSeconds {e.MaxStaleSeconds} is not known")), Verdict.Interrupted);
        }
        return Judgement.Pass($"refused within {string.Join(", ", e.Changes.Select(c => $"{c.After.TotalSeconds:0.0} s ({c.State})"))} of the change; declared maxStaleSeconds {e.MaxStaleSeconds}");
    }
}
