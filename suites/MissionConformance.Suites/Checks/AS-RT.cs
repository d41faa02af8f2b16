using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-AS-RT-004 for the exchange response: RFC 8693 §2.2.1 members and the granted authorization_details, as on the token.</summary>
public sealed class ExchangeResponseReturnsDetails : Check<ExchangeEvidence>
{
    public override string RequirementId => "MBO-AS-RT-004";

    public override Judgement Judge(ExchangeEvidence e)
    {
        if (e.Failure is { } failure) return Judgement.Skip("not judged: " + failure + " (see MC-AS-XCH-101)");
        // The entries' own shape is MBO-AS-TOK-006's; this check judges the RFC 8693 members and that the details are returned.
        var errors = e.Exchanged.Response.SchemaErrors
            .Where(x => !x.Pointer.StartsWith("/authorization_details/", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0) return Judgement.Fail($"the exchange response breaks token-exchange-response.schema.json: {string.Join("; ", errors.Take(3))}");
        return Judgement.That(e.Exchanged.TokenDetails is { } token && JsonElement.DeepEquals(e.Exchanged.ResponseDetails!.Value, token),
            "the exchange response returns exactly the exchanged token's authorization_details",
            "the exchange response's authorization_details differ from the exchanged token's");
    }
}

public sealed class RefreshKeepsMissionBinding : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-RT-001";

    public override Judgement Judge(RefreshEvidence e)
    {
        if (!e.Refreshed.Succeeded) return Judgement.Fail($"refresh of an active Mission failed: {e.Refreshed.Response.Outcome()}");
        if (e.Refreshed.Mission is null) return Judgement.Fail("the refreshed token carries no mission claim");
        // A member absent from both tokens was not kept: two absences are equal and prove nothing.
        var problems = new List<string>();
        foreach (var name in e.Refreshed.BindingMembers)
        {
            var (before, after) = (Binding(e.Original, name), Binding(e.Refreshed, name));
            var label = name == "id" ? "mission.id (or ref)" : "mission." + name;
            if (after is null) problems.Add($"{label} is absent from the refreshed token{(before is null ? " and from the original (MBO-AS-TOK-001)" : "")}");
            else if (before != after) problems.Add($"{label} changed from {before ?? "(absent)"} to {after}");
        }
        return Judgement.That(problems.Count == 0, $"the refreshed token keeps mission {string.Join(", ", e.Refreshed.BindingMembers)}", string.Join("; ", problems));
    }

    private static string? Binding(TokenExchange token, string member) => token.Mission is not { } m ? null
        : member == "id" ? Subset.Text(m, "id") ?? Subset.Text(m, "ref") : Subset.Text(m, member);
}

public sealed class RefreshTokenRotated : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-RT-002";

    public override Judgement Judge(RefreshEvidence e)
        => e.PredecessorReuse is not { } reuse ? Judgement.Fail("the predecessor refresh token was not tried again")
            : reuse.Succeeded ? Judgement.Fail("the predecessor refresh token still works after rotation; invalidate it (and treat reuse as theft)")
            : Judgement.That(reuse.Response.ErrorCode == "invalid_grant", "the rotated-away refresh token is refused with invalid_grant",
                $"the rotated-away refresh token was refused with {reuse.Response.Outcome()}, not invalid_grant (RFC 6749 §5.2)");
}

/// <summary>
/// MBO-AS-RT-003 (RFC 9700 §4.14.2): a refresh token is rotated, or bound to its holder. A confidential client's is bound by its
/// client authentication; a public client's is rotated, or sender-constrained, which shows when the token that still works with
/// its own DPoP key is refused with another's (RFC 9449 §5). The access token's cnf proves nothing of the refresh token.
/// </summary>
public sealed class RefreshTokenConstrainedOrRotated : Check<IReadOnlyList<RefreshBinding>>
{
    public override string RequirementId => "MBO-AS-RT-003";

    public override Judgement Judge(IReadOnlyList<RefreshBinding> clients)
    {
        var judged = clients.Where(c => c.Refreshed.Succeeded).ToList();
        if (judged.Count == 0) return Judgement.Skip("not judged: no refresh was served (see MBO-AS-RT-001)");
        var unbound = judged.Where(c => c.Reuse.Succeeded && !c.Authenticated && c.OtherKey is not { Response.Status: not HttpStatusCode.OK }).ToList();
        var how = judged.Select(Binding).ToList();
        return Judgement.That(unbound.Count == 0, string.Join("; ", how),
            $"the refresh tokens of public client {string.Join(", ", unbound.Select(c => c.ClientId))} are neither rotated (the predecessor still works) nor bound to the client, "
            + "which authenticates with nothing" + (unbound.Any(c => c.OtherKey is not null) ? ", nor to its DPoP key (a proof by another key was served)" : "")
            + " (RFC 9700 §4.14.2)");
    }

    private static string Binding(RefreshBinding c)
        => !c.Reuse.Succeeded ? $"{c.ClientId}: rotated"
            : c.Authenticated ? $"{c.ClientId}: not rotated, bound to the client's authentication"
            : c.OtherKey is { Response.Status: not HttpStatusCode.OK } refused ? $"{c.ClientId}: not rotated, bound to its DPoP key (another key's proof got {refused.Response.Outcome()})"
            : $"{c.ClientId}: not rotated, not bound";
}

public sealed class RefreshResponseReturnsDetails : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-RT-004";

    public override Judgement Judge(RefreshEvidence e)
        => Judgement.That(e.Refreshed.ResponseDetails is { ValueKind: JsonValueKind.Array },
            "the refresh response returns authorization_details",
            "the refresh response has no authorization_details (oauth-profile.md §8: refresh and exchange responses return them too)");
}
