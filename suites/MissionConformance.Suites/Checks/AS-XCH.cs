using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class ExchangeKeepsMission : Check<ExchangeEvidence>
{
    public override string RequirementId => "MC-AS-XCH-101";

    public override Judgement Judge(ExchangeEvidence e)
    {
        if (e.Subject.Mission is not { } before) return Judgement.Skip("not judged: the subject token carries no mission claim (see MBO-AS-TOK-001)");
        if (e.Failure is { } failure) return Judgement.Fail(failure);
        foreach (var (how, token) in new[] { ("the exchanged token", e.Exchanged), ("the second exchanged token", e.Again) })
        {
            if (token is not { Succeeded: true }) continue;
            if (token.Mission is not { } after) return Judgement.Fail($"{how} carries no mission claim");
            foreach (var member in e.Subject.BindingMembers.Skip(1))
            {
                if (Subset.Text(after, member) != Subset.Text(before, member))
                {
                    return Judgement.Fail($"{how} carries mission.{member} {Subset.Text(after, member) ?? "(none)"}, the subject token {Subset.Text(before, member) ?? "(none)"}");
                }
            }
            // A pairwise target sector gets its own ref (oauth-profile.md §9); a canonical id must be the same id.
            if (Subset.Text(after, "id") is { } id && id != Subset.Text(before, "id"))
            {
                return Judgement.Fail($"{how} names Mission {id}, the subject token {Subset.Text(before, "id") ?? Subset.Text(before, "ref")}: an exchange derives from the same Mission");
            }
        }
        return Judgement.Pass($"the token exchanged for {e.Resource} carries the subject token's Mission (same id, origin and authority_hash)");
    }
}

public sealed class ExchangeNeverWidens : Check<ExchangeEvidence>
{
    public override string RequirementId => "MC-AS-XCH-102";

    public override PositiveControl Control => Controls.ExchangeServed;

    public override Judgement Judge(ExchangeEvidence e)
    {
        if (e.Failure is { } failure) return Judgement.Skip("not judged: " + failure + " (see MC-AS-XCH-101)");
        var (wider, undecided) = Subset.Beyond(e.Exchanged.Entries, e.Subject.Entries.ToList());
        if (wider is { } entry) return Judgement.Fail($"the exchanged token carries the entry {TokenResponseEchoesDetails.Short(entry)}, which the subject token does not");
        if (e.Widening is { Succeeded: true } widening)
        {
            var (gained, unclear) = Subset.Beyond(widening.Entries, e.Exchanged.Entries.ToList());
            if (gained is { } more) return Judgement.Fail($"a token for {e.Resource} was exchanged for one carrying the entry {TokenResponseEchoesDetails.Short(more)}: Token Exchange must never widen (authority ⊆ subject token)");
            undecided ??= unclear;
        }
        if (undecided is not null) return Judgement.Review(Subset.UndecidedReview($"exchanged, {undecided}"));
        return e.Widening switch
        {
            null => Judgement.Pass($"the exchanged token's entries are a subset of the subject token's; a widening attempt was not possible: {e.WhyNoWidening}"),
            { Succeeded: false } refused => Judgement.Pass($"a token for {e.Resource} exchanged for {e.OtherResource}, which it does not carry, was refused: {refused.Response.Outcome()}"),
            _ => Judgement.Pass($"exchanging a token for {e.Resource} for {e.OtherResource} gave nothing beyond the subject token's entries"),
        };
    }
}
