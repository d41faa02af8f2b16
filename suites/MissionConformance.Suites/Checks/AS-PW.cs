using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-AS-PW-001: one ref per sector, the same for every grant to it, another for every other sector.</summary>
public sealed class PairwiseRefPerSector : Check<PairwiseEvidence>
{
    public override string RequirementId => "MBO-AS-PW-001";

    public override Judgement Judge(PairwiseEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        if (e.Grants.FirstOrDefault(g => PairwiseEvidence.Ref(g.Grant) is null) is { Audience: { } bare }) return Judgement.Fail($"an {e.Noun} for {bare}, an audience of pairwise sector {e.Sector}, carries no mission.ref");
        var bySector = e.Grants.GroupBy(g => g.Audience).Select(g => (Sector: g.Key, Refs: g.Select(x => PairwiseEvidence.Ref(x.Grant)!).Distinct(StringComparer.Ordinal).ToList())).ToList();
        if (bySector.FirstOrDefault(s => s.Refs.Count > 1) is { Sector: { } unstable } s1) return Judgement.Fail($"two {e.Noun}s for {unstable} carry different refs ({string.Join(", ", s1.Refs)}): a sector's ref must be stable");
        // Half the requirement is shown; a PASS would claim the other half (refs differ across sectors) on no evidence.
        if (bySector.Count < 2) return Judgement.Review($"two {e.Noun}s for {bySector[0].Sector} carry the same ref, but there was one audience of the sector to ask for, "
            + "so refs were not compared across sectors: name a second one in the target file (resourceAuthorizationServers, or a second object of the Intent) to judge it");
        var shared = bySector.GroupBy(s => s.Refs[0]).FirstOrDefault(g => g.Count() > 1);
        return shared is null
            ? Judgement.Pass($"each of {bySector.Count} sectors has its own stable ref")
            : Judgement.Fail($"{string.Join(" and ", shared.Select(s => s.Sector))} get the same ref {shared.Key}: the Mission is linkable across sectors");
    }
}

/// <summary>MBO-AS-PW-002: no grant for a pairwise audience discloses the canonical mission.id, in the claim or anywhere else.</summary>
public sealed class CanonicalIdWithheldFromSector : Check<PairwiseEvidence>
{
    public override string RequirementId => "MBO-AS-PW-002";

    public override Judgement Judge(PairwiseEvidence e)
    {
        if (e.NotIssued is { } why) return Judgement.Skip(why);
        foreach (var (audience, grant) in e.Grants)
        {
            var payload = grant.Jwt!.Payload;
            if (payload.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out _))
            {
                return Judgement.Fail($"the {e.Noun} for {audience}, an audience of pairwise sector {e.Sector}, carries mission.id");
            }
            if (e.CanonicalId is { } id && payload.GetRawText().Contains(id, StringComparison.Ordinal)) return Judgement.Fail($"the {e.Noun} for {audience} discloses the canonical Mission id {id} outside mission.id");
        }
        return Judgement.Pass(e.CanonicalId is null
            ? $"{e.Grants.Count} {e.Noun}s for pairwise audiences name the Mission by ref, with no mission.id (no token outside the sector showed the canonical id to search them for)"
            : $"{e.Grants.Count} {e.Noun}s for pairwise audiences name the Mission by ref only; the canonical id appears nowhere in them");
    }
}

/// <summary>MBO-AS-PW-004: Mission Status, asked by an audience of the sector with its ref, answers 200 and echoes the ref.</summary>
public sealed class PairwiseRefResolvesForItsSector : Check<PairwiseEvidence>
{
    public override string RequirementId => "MBO-AS-PW-004";

    public override Judgement Judge(PairwiseEvidence e)
    {
        if (e.Resolved is not { } answer) return Judgement.Skip("not judged: " + e.WhyNotResolved);
        if (answer.Response.Status != HttpStatusCode.OK)
        {
            return Judgement.Fail($"Mission Status asked by {answer.ClientId} (audience {answer.Audience}) with its sector's ref answered HTTP {(int)answer.Response.Status} {answer.Response.Member("error")}; the origin must resolve it");
        }
        if (answer.Payload is not { } payload) return Judgement.Skip(StatusJudgement.NotSigned(answer));
        if (!payload.TryGetProperty("mission", out var mission) || mission.ValueKind != JsonValueKind.Object) return Judgement.Fail("the Mission Status answer to a ref carries no mission member");
        if (mission.TryGetProperty("id", out _)) return Judgement.Fail($"the Mission Status answer to {answer.Audience}'s ref discloses mission.id to a pairwise audience");
        if (answer.Response.Artifact?.Kind != ArtifactKind.MissionStatus) return Judgement.NotValidatedAtCapture("the Mission Status answer");
        // The rest of the answer is MBO-MS-001…014's to judge; here only the member that names the Mission.
        var errors = answer.Response.SchemaErrors
            .Where(x => x.Pointer == "/mission" || x.Pointer.StartsWith("/mission/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail($"the Mission Status answer's mission member breaks mission-status.schema.json: {string.Join("; ", errors.Take(3))}");
        return Judgement.That(Subset.Text(mission, "ref") == answer.MissionRef,
            $"Mission Status resolved {answer.Audience}'s ref and echoed it (state {answer.State ?? "(none)"})",
            $"the Mission Status answer names mission.ref {Subset.Text(mission, "ref") ?? "(none)"}, not the ref asked for");
    }
}

/// <summary>
/// MBO-AS-PW-003: Token Exchange never copies an upstream pairwise ref into another sector. The first sector's grant (an
/// ID-JAG in the resource_as sector, an access token in the resource_server sector) is presented back as subject_token for
/// the second sector: the AS may refuse (ID-JAGs are issued from refresh tokens only; an access token carries no authority
/// at another server), or issue a grant that names the Mission by the second sector's ref; one carrying the first sector's
/// ref fails.
/// </summary>
public sealed class PairwiseRefNotCopiedAcrossSectors : Check<PairwiseEvidence>
{
    public override string RequirementId => "MBO-AS-PW-003";

    public override Judgement Judge(PairwiseEvidence e)
    {
        if (e.Reprojections.Count == 0) return Judgement.Skip("not judged: " + e.WhyNoReprojection);
        var (first, copied) = (e.Grants[0].Audience, PairwiseEvidence.Ref(e.Grants[0].Grant)!);
        var outcomes = new List<string>();
        foreach (var (type, exchange) in e.Reprojections)
        {
            if (exchange.Response.Status != HttpStatusCode.OK)
            {
                outcomes.Add($"refused as {type} (HTTP {(int)exchange.Response.Status} {exchange.Response.Member("error") ?? "(no error)"})");
                continue;
            }
            // The issued token is base64url inside the response: its decoded payload is where a copied ref would be.
            if (exchange.Response.Body.Contains(copied, StringComparison.Ordinal) || exchange.Jwt?.Payload.GetRawText().Contains(copied, StringComparison.Ordinal) == true)
            {
                return Judgement.Fail($"the {e.Noun} for {first}, presented as subject_token ({type}) for {e.ReprojectedTo}, was exchanged for a token that carries {first}'s ref {copied}: "
                    + "the Mission is linkable across the two sectors");
            }
            if (exchange.Jwt is null) return Judgement.Review($"presented as subject_token ({type}) for {e.ReprojectedTo}, the {e.Noun} for {first} was exchanged for a token that is no JWT: its mission claim cannot be read");
            outcomes.Add($"exchanged as {type} for a token naming the Mission by {(PairwiseEvidence.Ref(exchange) is { } own ? "ref " + own : "no ref")}");
        }
        return Judgement.Pass($"the {e.Noun} for {first}, presented back as subject_token for {e.ReprojectedTo}, was {string.Join("; ", outcomes)}: {first}'s ref reached no other sector");
    }
}
