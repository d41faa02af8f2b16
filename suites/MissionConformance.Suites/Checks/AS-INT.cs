using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class IntrospectionShowsActiveMission : Check<IntrospectionEvidence>
{
    public override string RequirementId => "MBO-AS-INT-001";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        if (Introspection.Body(e.Active) is not { } body) return Judgement.Fail("introspection as an audience of the token got " + Introspection.Describe(e.Active));
        // The anchor's format is MBO-AS-REC-004's to judge.
        if (e.Active.Artifact?.Kind != ArtifactKind.IntrospectionResponse) return Judgement.NotValidatedAtCapture("the introspection response");
        var errors = Introspection.InEdition(e.Active.SchemaErrors, body, e.Edition).Where(x => x.Pointer != "/mission/authority_hash").ToList();
        if (errors.Count > 0) return Judgement.Fail("introspection response: " + string.Join("; ", errors));
        if (Introspection.Active(body) != true) return Judgement.Fail("a valid token of an active Mission was introspected active:false");
        if (Introspection.Mission(body) is not { } mission) return Judgement.Fail("active:true, but the answer carries no mission member");
        var id = Subset.Text(mission, "id") ?? Subset.Text(mission, "ref");
        var state = Subset.Text(mission, "state");
        return Judgement.That(state == "active" && (Subset.Text(mission, "ref") is not null || id == e.MissionId),
            $"active:true with mission {id}, state active",
            $"active:true with mission {id ?? "(no id)"} in state {state ?? "(absent)"}; expected {e.MissionId}, state active");
    }
}

public sealed class IntrospectionShowsInactiveMission : Check<IntrospectionEvidence>
{
    public override string RequirementId => "MBO-AS-INT-002";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        if (e.Revoked is not { } revoked) return Judgement.Skip("not judged: " + e.WhyNoRevoked);
        if (Introspection.Body(revoked) is not { } body) return Judgement.Fail("introspecting a revoked Mission's valid token got " + Introspection.Describe(revoked));
        var state = Introspection.Mission(body) is { } mission ? Subset.Text(mission, "state") : null;
        return Judgement.That(Introspection.Active(body) == false && state == "revoked",
            "a valid token of a revoked Mission: active:false with mission.state revoked",
            $"a valid token of a revoked Mission: active {Introspection.Active(body)?.ToString().ToLowerInvariant() ?? "(absent)"}, mission.state {state ?? "(absent)"}; expected active:false and mission.state revoked");
    }
}

public sealed class IntrospectionAudienceOnly : Check<IntrospectionEvidence>
{
    public override string RequirementId => "MBO-AS-INT-003";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        var problems = new List<string>();
        if (e.Unauthenticated.Status != HttpStatusCode.Unauthorized && Introspection.Body(e.Unauthenticated) is { } open && Introspection.Mission(open) is not null)
        {
            problems.Add("an unauthenticated caller was given the Mission");
        }
        if (e.NonAudience is { } stranger && Introspection.Body(stranger) is { } strangerBody && Introspection.Mission(strangerBody) is not null)
        {
            problems.Add($"{e.Audience}, not an audience of the token, was given its Mission");
        }
        if (Introspection.Body(e.Active) is { } body && body.TryGetProperty("authorization_details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            var foreign = details.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Object ? Subset.Text(d, "resource") : null).Where(r => r != e.Audience).Distinct().ToList();
            if (foreign.Count > 0) problems.Add($"asked as {e.Audience}, the answer also carries entries for {string.Join(", ", foreign.Select(r => r ?? "(no resource)"))}");
        }
        if (problems.Count == 0 && e.NonAudience is null) return Judgement.Skip("not judged in full: " + e.WhyNoNonAudience);
        return Judgement.That(problems.Count == 0, "Mission data goes only to an authenticated audience of the token, filtered to its entries", string.Join("; ", problems));
    }
}

public sealed class IntrospectionUnknownTokenInactive : Check<IntrospectionEvidence>
{
    public override string RequirementId => "MBO-AS-INT-004";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        if (Introspection.Body(e.Garbage) is not { } body) return Judgement.Fail("a malformed token got " + Introspection.Describe(e.Garbage) + "; expected 200 {\"active\":false}");
        return Judgement.That(Introspection.Active(body) == false && Introspection.Mission(body) is null, "a malformed token is {\"active\":false} without mission",
            $"a malformed token got {StatusJudgement.Excerpt(e.Garbage.Body)}; expected {{\"active\":false}} and no mission member");
    }
}

public sealed class IntrospectionSigned : Check<IntrospectionEvidence>
{
    private const string MediaType = "application/token-introspection+jwt";

    public override string RequirementId => "MBO-AS-INT-006";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        if (e.Signed.ContentType != MediaType) return Judgement.Fail($"asked with Accept: {MediaType}, got {e.Signed.ContentType ?? "(no content type)"} (RFC 9701 signed responses are recommended)");
        DecodedJwt jwt;
        try
        {
            jwt = DecodedJwt.Decode(e.Signed.Body.Trim());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return Judgement.Fail("the signed introspection response is not a compact JWT");
        }
        if (!DecodedJwt.VerifySignatureAsync(e.Signed.Body.Trim(), e.Jwks).GetAwaiter().GetResult()) return Judgement.Fail("the signed introspection response does not verify with the AS's jwks_uri");
        // What the answer says is INT-001…003's to judge; this one judges that it is signed as RFC 9701 says.
        return Judgement.That(jwt.Payload.TryGetProperty("token_introspection", out var inner) && inner.ValueKind == JsonValueKind.Object && Introspection.Active(inner) is not null,
            "RFC 9701: a verified JWT carrying the introspection response in token_introspection", "the signed response has no token_introspection object with an active member");
    }
}

/// <summary>MBO-AS-INT-005: introspecting a local token at the Resource AS answers no mission.state: only the origin reports it.</summary>
public sealed class ResourceAsOmitsMissionState : Check<ResourceAsEvidence>
{
    public override string RequirementId => "MBO-AS-INT-005";

    public override Judgement Judge(ResourceAsEvidence e)
    {
        if (e.Introspection is not { Answer: { } answer }) return Judgement.Skip(e.Introspection.NotIntrospected ?? "not judged");
        if (answer.Status != HttpStatusCode.OK || answer.ObjectBody() is not { } body)
        {
            return Judgement.Fail($"introspecting its own fresh local token was answered HTTP {(int)answer.Status}{(answer.Member("error") is { } error ? " " + error : "")}, not an RFC 7662 answer");
        }
        var errors = answer.SchemaErrors;
        if (errors.Count > 0) return Judgement.Fail($"the introspection answer breaks introspection-response.schema.json: {string.Join("; ", errors.Take(3))}");
        if (body.TryGetProperty("mission", out var mission) && mission.ValueKind == JsonValueKind.Object && mission.TryGetProperty("state", out var state))
        {
            return Judgement.Fail($"introspecting a local token at the Resource AS answers mission.state {state.GetRawText()}: only the origin {e.Origin} may report a Mission's state");
        }
        return body.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True
            ? Judgement.Pass($"the local token introspects as active{(mission.ValueKind == JsonValueKind.Object ? ", with its mission claim and no state" : ", with no mission member")}")
            : Judgement.Skip("not judged: the Resource AS reports its own fresh local token inactive, so the answer shows nothing about what it would report");
    }
}
