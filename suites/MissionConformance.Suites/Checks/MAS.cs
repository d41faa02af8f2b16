using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-MAS-006: a state authority advertising event_driven emits a lifecycle SET on suspend, revoke, complete and expiry.</summary>
public sealed class LifecycleEventsEmitted : Check<LifecycleEventEvidence>
{
    public override string RequirementId => "MBO-MAS-006";

    public override Judgement Judge(LifecycleEventEvidence e)
    {
        var sets = e.Sets().ToList();
        var missing = e.Expected.Where(x => !sets.Any(s => s.Problem is null && s.MissionId == x.MissionId && s.State == x.State)).ToList();
        var problems = sets.Where(s => s.Problem is not null).Select(s => s.Problem!).Distinct().ToList();
        var notJudged = e.NotCaused.Count == 0 ? "" : $"; not judged, as the transition did not happen: {string.Join("; ", e.NotCaused)}";
        return Judgement.That(missing.Count == 0,
            $"a signed lifecycle SET arrived for each transition: {string.Join(", ", e.Expected.Select(x => $"{x.Transition} ⇒ {x.State}"))} ({sets.Count} SETs received in all){notJudged}",
            $"no valid lifecycle SET arrived for {string.Join(", ", missing.Select(x => $"{x.Transition} of {x.MissionId} (state {x.State})"))}"
                + (problems.Count > 0 ? $"; SETs that did not count: {string.Join("; ", problems)}" : $"; {sets.Count} SETs received in all")
                + ": the AS advertises event_driven, so each state change must reach its receivers (mas.md, lifecycle.md)" + notJudged);
    }
}

/// <summary>MBO-MAS-001: credentials issued by a projection issuer carry mission.origin equal to the MAS issuer.</summary>
public sealed class ProjectedCredentialsNameTheMas : Check<MasProjectionEvidence>
{
    public override string RequirementId => "MBO-MAS-001";

    public override Judgement Judge(MasProjectionEvidence e)
    {
        foreach (var (which, response) in new[] { ("token response", e.Redemption), ("refresh response", e.RefreshBefore) })
        {
            if (response is { Status: HttpStatusCode.OK, SchemaErrors: { Count: > 0 } schemaErrors })
            {
                return Judgement.Fail($"{e.IssuerId}'s {which} breaks token-response.schema.json: {string.Join("; ", schemaErrors.Take(3))}");
            }
        }
        var origins = new List<string>();
        foreach (var (source, token) in e.AccessTokens())
        {
            JsonElement claims;
            try
            {
                claims = DecodedJwt.Decode(token).Payload;
            }
            catch (Exception x) when (x is FormatException or JsonException or ArgumentException)
            {
                return Judgement.Review($"{source} at {e.IssuerId} is not a JWT, so its mission claim cannot be read off the wire; check that the Mission it references has origin {e.MasIssuer}");
            }
            var origin = claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty("mission", out var mission) && mission.ValueKind == JsonValueKind.Object
                ? Subset.Text(mission, "origin")
                : null;
            if (origin != e.MasIssuer)
            {
                return Judgement.Fail($"{source} at {e.IssuerId} carries mission.origin {(origin is null ? "(none)" : $"\"{origin}\"")}, not the MAS issuer {e.MasIssuer}: under the MAS topology "
                    + "the canonical record is the MAS's, and a projection issuer references it (mas.md contract 2)");
            }
            origins.Add(source);
        }
        return Judgement.Pass($"{string.Join(" and ", origins)} at {e.IssuerId} carr{(origins.Count == 1 ? "ies" : "y")} mission.origin {e.MasIssuer}, the MAS");
    }
}

/// <summary>MBO-MAS-002: revocation at the MAS stops derivation at every consuming domain: a refresh there is invalid_grant with mission_state revoked.</summary>
public sealed class MasRevocationStopsProjectedDerivation : Check<MasProjectionEvidence>
{
    public override string RequirementId => "MBO-MAS-002";

    public override Judgement Judge(MasProjectionEvidence e)
    {
        if (e.RefreshToken is null)
        {
            return Judgement.Skip($"{e.IssuerId} issued no refresh token, so it derives nothing after the first token: a new one needs a new ID-JAG, which the MAS gates (MBO-AS-XD-004)");
        }
        if (e.RefreshBefore is not { Status: HttpStatusCode.OK } before || before.Member("access_token") is null)
        {
            return Judgement.Fail($"{e.IssuerId} refused to refresh while the Mission was active ({(e.RefreshBefore is null ? "not asked" : MasProjectionEvidence.Describe(e.RefreshBefore))}), "
                + "so its refusal after the revocation would show nothing: a projection issuer derives while the MAS says active");
        }
        if (e.Revoke is not { } revoke || (int)revoke.Status is < 200 or >= 300 || e.RefreshAfter is not { } after)
        {
            return Judgement.Fail($"the MAS did not revoke the Mission ({(e.Revoke is null ? "not asked" : MasProjectionEvidence.Describe(e.Revoke))}), so revocation at the MAS cannot be shown to reach {e.IssuerId}");
        }
        return Judgement.That(after.Status == HttpStatusCode.BadRequest && after.Member("error") == "invalid_grant" && after.Member("mission_state") == "revoked",
            $"after the Mission was revoked at the MAS, {e.IssuerId} refused the refresh: {MasProjectionEvidence.Describe(after)}",
            $"after the Mission was revoked at the MAS, {e.IssuerId} answered the refresh {MasProjectionEvidence.Describe(after)}; expected HTTP 400 invalid_grant with mission_state revoked: "
                + "a projection issuer checks the Mission's state at the MAS before it issues (mas.md contracts 2 and 7)");
    }
}

/// <summary>MBO-MAS-004: the MAS serves Mission Status for the Missions it holds, discoverable through its mission-authority document.</summary>
public sealed class MasServesMissionStatus : Check<MasAuthorityEvidence>
{
    public override string RequirementId => "MBO-MAS-004";

    public override Judgement Judge(MasAuthorityEvidence e)
    {
        if (e.DocumentJson is not { } document) return Judgement.Fail($"{e.DocumentUrl} answered HTTP {(int)e.Document.Status} {e.Document.ContentType}, not a JSON object: the MAS is not discoverable");
        if (!e.Profiles.Contains("mas"))
        {
            return Judgement.Fail($"{e.DocumentUrl} lists mission_profiles_supported [{string.Join(", ", e.Profiles)}], without \"mas\" (mas.md Metadata): nothing says this origin is a Mission Authority Server");
        }
        if (Subset.Text(document, "mission_status_endpoint") is null) return Judgement.Fail($"{e.DocumentUrl} names no mission_status_endpoint");
        if (e.Status is not { } status) return Judgement.Fail($"Mission Status was not asked: {e.NotAsked}");
        if (status.Status != HttpStatusCode.OK)
        {
            return Judgement.Fail($"Mission Status answered HTTP {(int)status.Status} about Mission {e.MissionId}, which this MAS holds"
                + (status.Status == HttpStatusCode.TooManyRequests ? ", after the harness waited as Retry-After said, twice" : ""));
        }
        if (e.StatusVerifies != true) return Judgement.Fail("the Mission Status answer does not verify against the keys of the MAS's jwks_uri");
        if (status.Artifact?.Kind != ArtifactKind.MissionStatus) return Judgement.NotValidatedAtCapture("the Mission Status answer");
        var payload = DecodedJwt.Decode(status.Body.Trim()).Payload;
        if (status.SchemaErrors is { Count: > 0 } schemaErrors)
        {
            return Judgement.Fail($"the Mission Status answer breaks mission-status.schema.json: {string.Join("; ", schemaErrors.Take(3))}");
        }
        var mission = payload.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        return Judgement.That(mission.ValueKind == JsonValueKind.Object && (Subset.Text(mission, "id") ?? Subset.Text(mission, "ref")) == e.MissionId && Subset.Text(payload, "state") is not null,
            $"{e.DocumentUrl} lists the mas profile and its mission_status_endpoint, which answered a signed status of Mission {e.MissionId} (state {Subset.Text(payload, "state")})",
            $"the Mission Status answer is not about Mission {e.MissionId} with a state: mission {(mission.ValueKind == JsonValueKind.Object ? mission.GetRawText() : "(none)")}, state {Subset.Text(payload, "state") ?? "(none)"}");
    }
}

/// <summary>MBO-MAS-003 (SHOULD): a projection issuer that cannot get a usable answer from its MAS issues nothing.</summary>
public sealed class ProjectionIssuerFailsClosed : Check<MasOutageEvidence>
{
    public override string RequirementId => "MBO-MAS-003";

    public override PositiveControl Control => Controls.IdJagRedeemed;

    public override Judgement Judge(MasOutageEvidence e)
    {
        if (e.StatusRequestsWhenReachable == 0)
        {
            return Judgement.Fail($"it issued a local token for an active Mission without asking the Mission Status of {e.Mas}, its Mission Authority (mas.md contract 2), "
                + "so it has nothing to fail closed on");
        }
        if (e.Outages.FirstOrDefault(o => o.Redemption.Issued) is { Redemption: not null } open)
        {
            return Judgement.Fail($"when {e.Mas} answered the Mission's status {MasOutageEvidence.Describe(open.Outage)}, it still issued a local token: "
                + "a projection issuer that cannot learn the Mission's state from its MAS must issue nothing (mas.md contract 3)");
        }
        return Judgement.Pass($"it asked {e.Mas} about the active Mission before issuing, and refused the grants of the Missions whose status came "
            + string.Join(" and ", e.Outages.Select(o => $"{MasOutageEvidence.Describe(o.Outage)} ({o.Redemption.Describe()})")));
    }
}

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
