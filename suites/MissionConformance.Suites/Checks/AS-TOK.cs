using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>MC-AS-TOK-101 (RFC 6749 §4.1.2): a code already redeemed is refused, compared with its own first redemption.</summary>
public sealed class CodeRedeemedOnce : RefusalCheck
{
    public override string RequirementId => "MC-AS-TOK-101";

    public override PositiveControl Control => Controls.CodeRedeemed;
}

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

public sealed class RefreshedTokenKeepsSubjectAndClient : Check<RefreshEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-010";

    public override Judgement Judge(RefreshEvidence e)
        => Judgement.That(e.Original.Claim("sub") == e.Refreshed.Claim("sub") && e.Original.Claim("client_id") == e.Refreshed.Claim("client_id"),
            "sub and client_id are unchanged by refresh",
            $"refresh changed sub/client_id from {e.Original.Claim("sub")}/{e.Original.Claim("client_id")} to {e.Refreshed.Claim("sub")}/{e.Refreshed.Claim("client_id")}");
}

public sealed class MissionClaimCarried : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-001";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Claims is null) return Judgement.Skip("the access token is opaque and no status client could introspect it; MBO-AS-TOK-013 judges that");
        if (e.Token.Mission is not { } mission) return Judgement.Fail("the access token carries no mission claim");
        var hasReference = Subset.Text(mission, "id") is not null || Subset.Text(mission, "ref") is not null;
        return Judgement.That(hasReference && e.Token.MissionAuthority is not null, $"mission claim {mission.GetRawText()}",
            $"the mission claim needs id (or ref) and {e.Token.Edition.MissionAuthorityMember}: {mission.GetRawText()}");
    }
}

public sealed class MissionClaimAuthorityHash : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-002";

    public override Judgement Judge(TokenEvidence e)
    {
        var hash = e.Token.Mission is { } m ? Subset.Text(m, "authority_hash") : null;
        if (hash is null) return Judgement.Fail("the mission claim carries no authority_hash");
        if (e.RecordAnchor("authority_hash") is { } recorded)
        {
            return Judgement.That(hash == recorded, $"mission.authority_hash equals the Mission record's ({hash})",
                $"token mission.authority_hash {hash} differs from the Mission record's {recorded}");
        }
        if (e.Witness is not { AuthorityHash: { } shown } witness) return e.Witness is null ? e.Unseen("the Mission's authority_hash") : Judgement.Fail($"{e.Witness.Source} shows no authority_hash to compare with");
        return Judgement.That(hash == shown, $"mission.authority_hash equals the Mission's, as {witness.Source} shows it ({hash})",
            $"token mission.authority_hash {hash} differs from the Mission's {shown}, as {witness.Source} shows it");
    }
}

public sealed class MissionClaimIdOrRef : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-003";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Mission is not { } m) return Judgement.Fail("the access token carries no mission claim, so neither id nor ref");
        var count = (Subset.Text(m, "id") is null ? 0 : 1) + (Subset.Text(m, "ref") is null ? 0 : 1);
        return Judgement.That(count == 1, "the mission claim carries exactly one of id and ref",
            count == 0 ? "the mission claim carries neither id nor ref" : "the mission claim carries both id and ref; carry exactly one");
    }
}

public sealed class TokenResponseEchoesDetails : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-004";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.ResponseDetails is not { } response) return Judgement.Fail("the token response has no authorization_details (RFC 9396 §7)");
        if (e.Token.TokenDetails is not { } token) return Judgement.Fail("the access token has no authorization_details to compare with the response's");
        return Judgement.That(JsonElement.DeepEquals(response, token), "the token response returns exactly the token's authorization_details",
            $"token response authorization_details {Short(response)} differ from the token's {Short(token)}");
    }

    internal static string Short(JsonElement value) => value.GetRawText().Length <= 240 ? value.GetRawText() : value.GetRawText()[..240] + "…";
}

public sealed class TokenDetailsWithinAuthoritySet : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-005";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.TokenDetails is not { ValueKind: JsonValueKind.Array } details) return Judgement.Fail("the access token has no authorization_details array");
        if (e.RecordAuthoritySet is not { } set)
        {
            if (e.Witness is null) return e.Unseen("the Mission's Authority Set");
            return e.Witness.Projection is { ValueKind: JsonValueKind.Array } projection ? WithinProjection(details, projection, e.Witness)
                : Judgement.Fail($"{e.Witness.Source} shows no authority projection to compare the token's entries with");
        }
        var (outside, undecided) = Subset.Beyond(details.EnumerateArray(), set.EnumerateArray().ToList());
        if (outside is { } entry) return Judgement.Fail($"a token entry exceeds the Authority Set: {entry.GetRawText()}");
        return undecided is null ? Judgement.Pass($"all {details.GetArrayLength()} token entries are subsets of the Authority Set") : Judgement.Review(Subset.UndecidedReview(undecided));
    }

    /// <summary>
    /// The token's entries for the witness's audience against the Mission's projection for it (audience-filtered by the spec). Entries
    /// for other resources are named as not compared; with none for that audience, nothing was compared and nothing passes.
    /// </summary>
    private static Judgement WithinProjection(JsonElement details, JsonElement projection, MissionWitness witness)
    {
        var mine = details.EnumerateArray().Where(entry => Subset.Text(entry, "resource") == witness.Audience).ToList();
        var others = details.EnumerateArray().Select(entry => Subset.Text(entry, "resource")).Where(r => r != witness.Audience).Distinct().ToList();
        if (mine.Count == 0) return Judgement.Unverifiable($"the token has no entry for {witness.Audience}, the only audience {witness.Source} answers for");
        var (outside, undecided) = Subset.Beyond(mine, projection.EnumerateArray().ToList());
        if (outside is { } entry) return Judgement.Fail($"a token entry exceeds the Mission's Authority Set as {witness.Source} projects it for {witness.Audience}: {entry.GetRawText()}");
        if (undecided is not null) return Judgement.Review(Subset.UndecidedReview(undecided));
        return Judgement.Pass($"the token's {mine.Count} entries for {witness.Audience} are within the Mission's projection for it ({witness.Source})"
            + (others.Count == 0 ? "" : $"; entries for {string.Join(", ", others)} were not compared: Mission Status answers each audience only for itself"));
    }
}

public sealed class TokenDetailsWellFormed : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-006";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.TokenDetails is null) return Judgement.Fail("the access token has no authorization_details");
        if (e.Token.DetailsErrors is not { } errors) return Judgement.NotValidatedAtCapture("the access token's authorization_details");
        return Judgement.That(errors.Count == 0, "every mission_resource_access entry has type, resource and well-formed actions",
            "authorization_details in the token: " + string.Join("; ", errors.Select(x => $"/authorization_details{x.Pointer}: {x.Message}")));
    }
}

public sealed class TokenExpiryWithinMission : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-007";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Claims is not { } claims || !claims.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var seconds))
        {
            return e.Token.Claims is null
                ? Judgement.Skip("the access token is opaque and no status client could introspect it, so its exp is unseen (MBO-AS-TOK-013)")
                : Judgement.Fail(e.Token.Jwt is null ? "introspection shows no exp for the access token" : "the access token has no exp");
        }
        var tokenExpiry = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return Judgement.That(tokenExpiry <= e.MissionExpiry, $"exp {tokenExpiry:u} is not after mission_expiry {e.MissionExpiry:u}",
            $"token exp {tokenExpiry:yyyy-MM-ddTHH:mm:ssZ} exceeds mission_expiry {e.MissionExpiry:yyyy-MM-ddTHH:mm:ssZ}");
    }
}

public sealed class AudienceOnlyEntitledServers : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-008";

    public override Judgement Judge(TokenEvidence e)
    {
        var entitled = e.Token.TokenDetails is { ValueKind: JsonValueKind.Array } d
            ? d.EnumerateArray().Select(x => Subset.Text(x, "resource")).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var unrelated = e.Token.Audiences.Where(a => !entitled.Contains(a)).ToList();
        if (unrelated.Count > 0) return Judgement.Fail($"aud includes {string.Join(", ", unrelated)}, which no carried entry belongs to");
        var unrequested = e.RequestedResources.Count == 0 ? [] : e.Token.Audiences.Where(a => !e.RequestedResources.Contains(a)).ToList();
        return Judgement.That(unrequested.Count == 0,
            $"aud {string.Join(", ", e.Token.Audiences)} names only RSes entitled to the carried entries",
            $"resource={string.Join(",", e.RequestedResources)} was requested (RFC 8707) but aud also names {string.Join(", ", unrequested)}");
    }
}

public sealed class ScopeDerivableFromDetails : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-009";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Claim("scope") is not { } scope) return Judgement.Pass("the token carries no scope; authorization_details alone grant authority");
        var actions = e.Token.TokenDetails is { ValueKind: JsonValueKind.Array } d
            ? d.EnumerateArray().SelectMany(x => Subset.Strings(x, "actions")).ToHashSet(StringComparer.Ordinal)
            : [];
        var extra = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !actions.Contains(s) && !actions.Any(a => s.EndsWith(":" + a, StringComparison.Ordinal))).ToList();
        return Judgement.That(extra.Count == 0, $"scope \"{scope}\" names only actions of the carried entries",
            $"scope value(s) {string.Join(", ", extra)} are not derivable from the token's authorization_details");
    }
}

public sealed class SubjectAndClientOfMission : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-010";

    public override Judgement Judge(TokenEvidence e)
    {
        var sub = e.Token.Claim("sub");
        var clientId = e.Token.Claim("client_id");
        if (clientId != e.ClientId) return Judgement.Fail($"client_id is {clientId ?? "(absent)"}, the requesting client is {e.ClientId}");
        if (e.ApproverSubject is { } expected && sub != expected) return Judgement.Fail($"sub is {sub ?? "(absent)"}, the Mission subject is {expected}");
        return Judgement.Pass($"sub {sub} and client_id {clientId} are the Mission's");
    }
}

/// <summary>
/// MBO-AS-TOK-011 (open point 8): a SHOULD, a MUST once the AS advertises mission_sender_constraints_supported. A DPoP binding
/// counts only when it is to the key the redemption proved, announced as token_type DPoP (RFC 9449 §5, §6): a cnf.jkt of a key
/// the client never showed binds the token to nobody it can prove.
/// </summary>
public sealed class AccessTokenSenderConstrained : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-011";

    public override Judgement Judge(TokenEvidence e)
    {
        var mechanisms = e.Metadata.TryGetProperty("mission_sender_constraints_supported", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() : null).OfType<string>().ToList()
            : [];
        var proved = e.Token.ProvedKey;
        if (e.Token.Claims is { } claims && claims.TryGetProperty("cnf", out var cnf))
        {
            if (cnf.ValueKind != JsonValueKind.Object) return Judgement.Fail("the access token's cnf is not a JSON object (RFC 7800 §3.1)");
            if (Subset.Text(cnf, "jkt") is { } jkt)
            {
                if (proved is null) return Judgement.Fail($"the access token is bound to DPoP key {jkt}, but the redemption carried no DPoP proof: a key the client never showed");
                if (jkt != proved) return Judgement.Fail($"cnf.jkt {jkt} is not the thumbprint {proved} of the key the redemption proved (RFC 9449 §6)");
                return Judgement.That(e.Token.DpopBound, "the access token is bound to the key the redemption proved (cnf.jkt), announced as token_type DPoP",
                    $"the access token is DPoP-bound but the response says token_type {e.Token.Response.Member("token_type") ?? "(absent)"}, not DPoP (RFC 9449 §5)");
            }
            return Subset.Text(cnf, "x5t#S256") is not null
                ? Judgement.Pass("the access token is bound to a client certificate (cnf.x5t#S256); the harness presents none at the token endpoint, so which one is not compared")
                : Judgement.Fail("cnf carries neither jkt (RFC 9449) nor x5t#S256 (RFC 8705)");
        }
        var how = proved is null
            ? "the redemption carried no DPoP proof (the AS advertises no DPoP and the target file does not set authorizationServers[].dpop)"
            : "though the redemption carried a DPoP proof";
        if (mechanisms.Count == 0)
        {
            return new Judgement(false, $"the access token is a bearer token (no cnf), {how}; sender-constraining it is recommended", Verdict.Warning);
        }
        if (proved is null && !mechanisms.Contains("dpop"))
        {
            return Judgement.Skip($"the AS advertises sender constraint by {string.Join(", ", mechanisms)} only, and the harness presents no client certificate at the token endpoint: "
                + "whether it binds its tokens is not verifiable black-box");
        }
        return Judgement.Fail($"the AS advertises mission_sender_constraints_supported ({string.Join(", ", mechanisms)}) but the access token carries no cnf, {how}");
    }
}

public sealed class AccessTokenIsRfc9068 : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-012";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Jwt is not { } jwt) return Judgement.Skip("the access token is not a JWT");
        if (jwt.HeaderArtifact is not { } header || jwt.PayloadArtifact is not { } payload) return Judgement.NotValidatedAtCapture("the access token");
        // The mission claim's and the entries' own shapes are MBO-AS-TOK-001/006's.
        var errors = header.Errors.Select(x => "header" + x.Pointer + ": " + x.Message)
            .Concat(payload.Errors
                .Where(x => !x.Pointer.StartsWith("/mission", StringComparison.Ordinal) && !x.Pointer.StartsWith("/authorization_details", StringComparison.Ordinal))
                .Select(x => "claims" + x.Pointer + ": " + x.Message)).ToList();
        return Judgement.That(errors.Count == 0, "JOSE typ at+jwt and the RFC 9068 claims are present", string.Join("; ", errors));
    }
}

public sealed class OpaqueTokenIntrospectable : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-TOK-013";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Jwt is not null) return Judgement.Skip("the access token is a JWT; the mission claim is read from it directly");
        if (!e.Metadata.TryGetProperty("introspection_endpoint", out _)) return Judgement.Fail("the access token is opaque and the AS advertises no introspection_endpoint: nothing shows its Mission");
        if (e.Token.IntrospectedFor.Count == 0)
        {
            return Judgement.SkipForWant(MissionWitness.StatusClientField,
                "not judged: the access token is opaque, and introspection answered no status client of the target file as an audience of it");
        }
        var mission = e.Token.Mission;
        return Judgement.That(mission is { } m && (Subset.Text(m, "id") ?? Subset.Text(m, "ref")) is not null && e.Token.MissionAuthority is not null,
            $"the opaque access token's mission, introspected for {string.Join(", ", e.Token.IntrospectedFor)}: {mission?.GetRawText()}",
            mission is null ? $"introspection of the opaque access token for {string.Join(", ", e.Token.IntrospectedFor)} answered no mission member"
                : $"introspection of the opaque access token answered a mission member without id (or ref) and {e.Token.Edition.MissionAuthorityMember}: {mission.Value.GetRawText()}");
    }
}

/// <summary>MC-AS-TOK-102 (RFC 6749 §5.1): a response containing tokens carries Cache-Control: no-store.</summary>
public sealed class TokenResponseNotCached : Check<TokenResponses>
{
    public override string RequirementId => "MC-AS-TOK-102";

    public override Judgement Judge(TokenResponses e)
    {
        var served = e.Responses.Where(r => r.Response.Status == HttpStatusCode.OK).ToList();
        if (served.Count == 0) return Judgement.Skip("not judged: no token response carried tokens (see MBO-AS-RT-001)");
        var cacheable = served.Where(r => r.Response.CacheControl?.Contains("no-store", StringComparison.OrdinalIgnoreCase) != true)
            .Select(r => $"{r.What} (Cache-Control: {r.Response.CacheControl ?? "absent"})").ToList();
        return Judgement.That(cacheable.Count == 0, $"{served.Count} token response(s) carry Cache-Control: no-store",
            $"token responses without Cache-Control: no-store: {string.Join("; ", cacheable)} (RFC 6749 §5.1)");
    }
}

/// <summary>
/// MC-AS-TOK-201, new in ietf-2026-08 (§Binding the Mission to the Grant): the success response that first delivers a new Mission's
/// credential, the code redemption, carries <c>mission_expires_at</c>, the exact RFC 3339 string recorded as the Mission's effective
/// expires_at: no later than the Intent's requested ceiling, and the string the mission claim's expires_at carries, when it does.
/// </summary>
public sealed class MissionExpiresAtReturned : Check<TokenEvidence>
{
    public const string Member = "mission_expires_at";

    public override string RequirementId => "MC-AS-TOK-201";

    public override Judgement Judge(TokenEvidence e)
    {
        var text = e.Token.Response.ObjectBody() is { } body ? Subset.Text(body, Member) : null;
        if (text is null) return Judgement.Fail($"the code redemption's token response carries no {Member} string");
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            || !text.Contains('T', StringComparison.Ordinal))
        {
            return Judgement.Fail($"{Member} \"{text}\" is not an RFC 3339 date-time");
        }
        if (at > e.MissionExpiry) return Judgement.Fail($"{Member} {text} is later than the Intent's requested expiry {e.MissionExpiry:yyyy-MM-ddTHH:mm:ssZ}");
        var claimed = e.Token.Mission is { } mission ? Subset.Text(mission, "expires_at") : null;
        if (claimed is not null && claimed != text) return Judgement.Fail($"{Member} \"{text}\" is not the string the mission claim's expires_at carries, \"{claimed}\"");
        return Judgement.Pass($"{Member} {text}, not after the requested {e.MissionExpiry:yyyy-MM-ddTHH:mm:ssZ}{(claimed is null ? "" : ", as the mission claim carries it")}");
    }
}
