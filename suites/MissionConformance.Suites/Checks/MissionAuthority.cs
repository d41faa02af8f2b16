using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// mas.md, at one projection issuer: the local token it issued for the MAS's ID-JAG (<paramref name="Redemption"/>), a refresh
/// while the Mission was active (<paramref name="RefreshBefore"/>), the revocation at the MAS, and a refresh after it.
/// </summary>
public sealed record MasProjectionEvidence(string IssuerId, string MasIssuer, string MissionId, WireResponse Redemption,
    WireResponse? RefreshBefore, WireResponse? Revoke, WireResponse? RefreshAfter)
{
    public string? RefreshToken => Redemption.Member("refresh_token");

    /// <summary>The access tokens the projection issuer handed out, and where each came from.</summary>
    public IEnumerable<(string Source, string Token)> AccessTokens()
    {
        if (Redemption.Member("access_token") is { } first) yield return ("the local token for the MAS's ID-JAG", first);
        if (RefreshBefore?.Member("access_token") is { } refreshed) yield return ("the token refreshed while the Mission was active", refreshed);
    }

    public static string Describe(WireResponse response)
        => $"HTTP {(int)response.Status}{(response.Member("error") is { } error ? " " + error : "")}{(response.Member("mission_state") is { } state ? $" (mission_state {state})" : "")}";
}

/// <summary>MBO-MAS-001: credentials issued by a projection issuer carry mission.origin equal to the MAS issuer.</summary>
public sealed class ProjectedCredentialsNameTheMas : Check<MasProjectionEvidence>
{
    public override string RequirementId => "MBO-MAS-001";

    public override Judgement Judge(MasProjectionEvidence e)
    {
        foreach (var (which, response) in new[] { ("token response", e.Redemption), ("refresh response", e.RefreshBefore) })
        {
            if (response is { Status: HttpStatusCode.OK } && ArtifactSchemas.Validate(ArtifactKind.TokenResponse, response.Body) is { Count: > 0 } schemaErrors)
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

/// <summary>mas.md contract 4 at the MAS: its mission-authority document, and the Mission Status answer it leads to.</summary>
public sealed record MasAuthorityEvidence(Uri DocumentUrl, WireResponse Document, string MasIssuer, string MissionId, WireResponse? Status, bool? StatusVerifies, string? NotAsked)
{
    public JsonElement? DocumentJson => Document.Status == HttpStatusCode.OK ? Document.ObjectBody() : null;

    /// <summary>mission_profiles_supported, from mission_capability_advertisement (conformance.md §4).</summary>
    public IReadOnlyList<string> Profiles => DocumentJson is { } document ? Advertisement.FromMissionAuthority(document).Profiles : [];
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
        var payload = DecodedJwt.Decode(status.Body.Trim()).Payload;
        if (ArtifactSchemas.Validate(ArtifactKind.MissionStatus, payload.GetRawText()) is { Count: > 0 } schemaErrors)
        {
            return Judgement.Fail($"the Mission Status answer breaks mission-status.schema.json: {string.Join("; ", schemaErrors.Take(3))}");
        }
        var mission = payload.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        return Judgement.That(mission.ValueKind == JsonValueKind.Object && (Subset.Text(mission, "id") ?? Subset.Text(mission, "ref")) == e.MissionId && Subset.Text(payload, "state") is not null,
            $"{e.DocumentUrl} lists the mas profile and its mission_status_endpoint, which answered a signed status of Mission {e.MissionId} (state {Subset.Text(payload, "state")})",
            $"the Mission Status answer is not about Mission {e.MissionId} with a state: mission {(mission.ValueKind == JsonValueKind.Object ? mission.GetRawText() : "(none)")}, state {Subset.Text(payload, "state") ?? "(none)"}");
    }
}

/// <summary>
/// mas.md contract 3: what <see cref="Scenarios.ProjectionIssuerFailsClosedScenario"/> presented at a projection issuer whose
/// MAS is the harness's simulated AS: <paramref name="Reachable"/>, a grant for a Mission the MAS reports active, and how many
/// Mission Status requests the MAS then counted for it; <paramref name="Outages"/>, a grant for each Mission whose status the
/// MAS answered unusably.
/// </summary>
public sealed record MasOutageEvidence(string Mas, Redemption Reachable, int StatusRequestsWhenReachable, IReadOnlyList<(StatusOutage Outage, Redemption Redemption)> Outages)
{
    public static string Describe(StatusOutage outage) => outage switch
    {
        StatusOutage.Unavailable => "with 503 temporarily_unavailable",
        _ => "with 200 and a body of random bytes",
    };
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
