using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class SameDomainProjection : Check<ProjectionEvidence>
{
    public override string RequirementId => "MC-AS-PRJ-101";

    public override Judgement Judge(ProjectionEvidence e)
    {
        if (e.WhyNot is { } why) return Judgement.Skip(why);
        if (e.Original.Mission is not { } mission) return Judgement.Skip("not judged: the Mission's first token carries no mission claim (see MBO-AS-TOK-001)");
        foreach (var (resource, how, token) in e.PerResource)
        {
            if (!token.Succeeded)
            {
                return Judgement.Fail($"no token for {resource} alone could be had ({how}: HTTP {(int)token.Response.Status} {token.Response.Member("error")}): "
                    + "Level 2 needs audience-specific Mission-bound tokens (conformance.md §1, AD-2)");
            }
            if (token.Audiences.Count != 1 || token.Audiences[0] != resource) return Judgement.Fail($"the token for {resource} ({how}) names aud {string.Join(" ", token.Audiences)}");
            var others = token.Entries.Select(d => Subset.Text(d, "resource")).Where(r => r != resource).Distinct().ToList();
            if (others.Count > 0) return Judgement.Fail($"the token for {resource} ({how}) carries entries for {string.Join(", ", others)} too");
            // A pairwise audience gets its own ref (oauth-profile.md §15): only a canonical id is compared.
            foreach (var member in token.BindingMembers)
            {
                if (member == "id" && (token.Mission is not { } withId || Subset.Text(withId, "id") is null)) continue;
                if (token.Mission is not { } carried || Subset.Text(carried, member) != Subset.Text(mission, member))
                {
                    return Judgement.Fail($"the token for {resource} ({how}) carries mission.{member} {(token.Mission is { } m ? Subset.Text(m, member) : null) ?? "(none)"}, the Mission's first token {Subset.Text(mission, member) ?? "(none)"}");
                }
            }
        }
        return Judgement.Pass($"one token per resource ({string.Join("; ", e.PerResource.Select(p => $"{p.Resource} by {p.How}"))}), each single-audience with only its entries and the same Mission");
    }
}
