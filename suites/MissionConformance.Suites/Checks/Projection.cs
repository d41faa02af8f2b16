using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>Tokens derived from one Mission for the same audience, in the order they were obtained, each named by how.</summary>
public sealed record ClaimModeEvidence(string Audience, IReadOnlyList<(string How, TokenExchange Token)> Tokens);

/// <summary>MBO-AS-TOK-015: once an audience got mission.id (or a ref), every later token for it carries the same member with the same value.</summary>
public sealed class ClaimModeStableAcrossDerivations : Check<ClaimModeEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-015";

    public override Judgement Judge(ClaimModeEvidence e)
    {
        var bound = e.Tokens.Where(t => t.Token.Succeeded && t.Token.Mission is not null)
            .Select(t => (t.How, Mode: Mode(t.Token.Mission!.Value))).ToList();
        if (bound.Count < 2) return Judgement.Skip($"not judged: fewer than two Mission-bound tokens for {e.Audience} were issued (see MBO-AS-TOK-001, MBO-AS-RT-001)");
        var first = bound[0];
        var changed = bound.Skip(1).FirstOrDefault(t => t.Mode != first.Mode);
        return changed.How is null
            ? Judgement.Pass($"{bound.Count} tokens for {e.Audience} ({string.Join(", ", bound.Select(b => b.How))}) all carry {first.Mode}")
            : Judgement.Fail($"the mode of the mission claim varies for {e.Audience}: {first.How} carried {first.Mode}, {changed.How} carries {changed.Mode}");
    }

    /// <summary>The mode, and for a ref its value ("mode and ref value stay constant"); a changed canonical id is another Mission (RT-001, MC-AS-XCH-101).</summary>
    private static string Mode(JsonElement mission)
        => Subset.Text(mission, "id") is not null ? "mission.id" : Subset.Text(mission, "ref") is { } reference ? $"mission.ref {reference}" : "neither id nor ref";
}

/// <summary>
/// conformance.md §5 L2 items 1–2: a Mission-bound access token exchanged (RFC 8693) for one of its
/// resources, exchanged again for the same one, and the narrowed result exchanged for a resource
/// of the Mission it does not carry.
/// </summary>
public sealed record ExchangeEvidence(TokenExchange Subject, string Resource, TokenExchange Exchanged, TokenExchange? Again,
    string? OtherResource, TokenExchange? Widening, string? WhyNoWidening)
{
    public string? Failure => Exchanged.Succeeded ? null
        : $"exchanging an active Mission's token for {Resource} failed: HTTP {(int)Exchanged.Response.Status} {Exchanged.Response.Member("error")} {Exchanged.Response.Member("error_description")}".TrimEnd();
}

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
            foreach (var member in new[] { "origin", "authority_hash" })
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

/// <summary>MBO-AS-RT-004 for the exchange response: RFC 8693 §2.2.1 members and the granted authorization_details, as on the token.</summary>
public sealed class ExchangeResponseReturnsDetails : Check<ExchangeEvidence>
{
    public override string RequirementId => "MBO-AS-RT-004";

    public override Judgement Judge(ExchangeEvidence e)
    {
        if (e.Failure is { } failure) return Judgement.Skip("not judged: " + failure + " (see MC-AS-XCH-101)");
        // The entries' own shape is MBO-AS-TOK-006's; this check judges the RFC 8693 members and that the details are returned.
        var errors = ArtifactSchemas.Validate(ArtifactKind.TokenExchangeResponse, e.Exchanged.Response.Body)
            .Where(x => !x.Pointer.StartsWith("/authorization_details/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail($"the exchange response breaks token-exchange-response.schema.json: {string.Join("; ", errors.Take(3))}");
        return Judgement.That(e.Exchanged.TokenDetails is { } token && JsonElement.DeepEquals(e.Exchanged.ResponseDetails!.Value, token),
            "the exchange response returns exactly the exchanged token's authorization_details",
            "the exchange response's authorization_details differ from the exchanged token's");
    }
}

/// <summary>An exchange attempted after a lifecycle operation, with the state the inventory then reported.</summary>
public sealed record ExchangeGating(string Operation, string? StateAfterOperation, TokenExchange Exchange, string ExpectedState);

/// <summary>The same exchange after each operation; its control (<see cref="Controls.ExchangeServed"/>) is the exchange while the Mission was active.</summary>
public sealed record ExchangeGatingEvidence(IReadOnlyList<ExchangeGating> Attempts);

public sealed class ExchangeGatedOnMissionState : Check<ExchangeGatingEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-005";

    public override PositiveControl Control => Controls.ExchangeServed;

    public override Judgement Judge(ExchangeGatingEvidence e)
    {
        var attempts = e.Attempts;
        var judgements = attempts.Select(a => RefreshGatedCheck.Gated("Token Exchange", a.Operation, a.StateAfterOperation, a.Exchange.Response, a.ExpectedState)).ToList();
        // The worst wins: a derivation that went through, then the mission_inactive variant, then any pass; SKIPPED only if all were.
        var worst = judgements.Where(j => j.Holds == false && j.Explicit is null)
            .Concat(judgements.Where(j => j.Explicit == Verdict.Warning)).Take(1).ToList();
        if (worst.Count > 0) return worst[0];
        var passed = judgements.Where(j => j.Holds == true).ToList();
        if (passed.Count > 0) return Judgement.Pass(string.Join("; ", passed.Select(j => j.Message)));
        return judgements.Count > 0 ? judgements[0] : Judgement.Skip("not judged: no lifecycle operation was attempted");
    }
}

/// <summary>conformance.md §5 L2 item 1: one token per resource of a Mission, each obtained as <c>How</c>.</summary>
public sealed record ProjectionEvidence(TokenExchange Original, IReadOnlyList<(string Resource, string How, TokenExchange Token)> PerResource, string? WhyNot);

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
            foreach (var member in new[] { "id", "origin", "authority_hash" })
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
