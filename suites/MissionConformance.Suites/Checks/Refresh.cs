using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>A refresh and what came before it: the original token, the refreshed one, and a reuse of the predecessor.</summary>
public sealed record RefreshEvidence(TokenExchange Original, TokenExchange Refreshed, TokenExchange? PredecessorReuse);

public sealed class RefreshKeepsMissionBinding : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-RT-001";

    public override Judgement Judge(RefreshEvidence e)
    {
        if (!e.Refreshed.Succeeded) return Judgement.Fail($"refresh of an active Mission failed: {e.Refreshed.Response.Outcome()}");
        if (e.Refreshed.Mission is null) return Judgement.Fail("the refreshed token carries no mission claim");
        // A member absent from both tokens was not kept: two absences are equal and prove nothing.
        var problems = new List<string>();
        foreach (var (name, label) in new[] { ("id", "mission.id (or ref)"), ("origin", "mission.origin"), ("authority_hash", "mission.authority_hash") })
        {
            var (before, after) = (Binding(e.Original, name), Binding(e.Refreshed, name));
            if (after is null) problems.Add($"{label} is absent from the refreshed token{(before is null ? " and from the original (MBO-AS-TOK-001)" : "")}");
            else if (before != after) problems.Add($"{label} changed from {before ?? "(absent)"} to {after}");
        }
        return Judgement.That(problems.Count == 0, "the refreshed token keeps mission id, origin and authority_hash", string.Join("; ", problems));
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
/// One client's refresh token, refreshed and then presented again; whether that client authenticates at the token endpoint; and,
/// when the predecessor still worked and the tokens were DPoP-bound, the same token presented with a proof by another key.
/// </summary>
public sealed record RefreshBinding(string ClientId, bool Authenticated, TokenExchange Refreshed, TokenExchange Reuse, TokenExchange? OtherKey = null);

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

public sealed class RefreshedTokenKeepsSubjectAndClient : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-010";

    public override Judgement Judge(RefreshEvidence e)
        => Judgement.That(e.Original.Claim("sub") == e.Refreshed.Claim("sub") && e.Original.Claim("client_id") == e.Refreshed.Claim("client_id"),
            "sub and client_id are unchanged by refresh",
            $"refresh changed sub/client_id from {e.Original.Claim("sub")}/{e.Original.Claim("client_id")} to {e.Refreshed.Claim("sub")}/{e.Refreshed.Claim("client_id")}");
}

public sealed record TokenRevocationEvidence(HttpStatusCode RevocationStatus, TokenExchange RefreshAfter, string? StateAfter);

public sealed class TokenRevocationLeavesMission : Check<TokenRevocationEvidence>
{
    public override string RequirementId => "MBO-AS-GATE-013";

    public override Judgement Judge(TokenRevocationEvidence e)
    {
        if (e.StateAfter is { } state && state != "active") return Judgement.Fail($"revoking one access token (RFC 7009) moved the Mission to {state}");
        return Judgement.That(e.RefreshAfter.Succeeded, "after RFC 7009 revocation of an access token the Mission still derives",
            $"after revoking one access token, refresh failed: {e.RefreshAfter.Response.Member("error")} {e.RefreshAfter.Response.Member("mission_state")}");
    }
}
