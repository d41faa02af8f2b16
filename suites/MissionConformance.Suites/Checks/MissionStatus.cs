using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

// ---- Mission Status (mission-status.md; conformance.md §5 L3 / AD-3 items 1–2) ------------------

/// <summary>One Mission Status request as sent (nonce, audience, caller, reference) and its answer.</summary>
public sealed record StatusAnswer(WireResponse Response, string Nonce, string Audience, string ClientId, string MissionRef, DateTimeOffset ObservedAt)
{
    public const string MediaType = "application/mission-status-response+jwt";

    /// <summary>The decoded JWS, whether or not its signature verifies (MBO-MS-003 judges that); null when the body is no compact JWS.</summary>
    public DecodedJwt? Jws { get; } = Decode(Response);

    public JsonElement? Payload => Jws?.Payload;

    public string? State => Payload is { } p ? Subset.Text(p, "state") : null;

    /// <summary>authority_projection, or the early draft's authorization_details (mission-status.md open point 1).</summary>
    public JsonElement? Projection => Payload is not { } p ? null
        : p.TryGetProperty("authority_projection", out var a) ? a
        : p.TryGetProperty("authorization_details", out var d) ? d : null;

    private static DecodedJwt? Decode(WireResponse response)
    {
        if (response.Status != HttpStatusCode.OK || response.Body.Count(c => c == '.') != 2) return null;
        try
        {
            return DecodedJwt.Decode(response.Body.Trim());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// The authority_hash a Mission Status answer must carry: the Mission record's when the inventory shows
/// it, else the token's (token against record is MBO-AS-TOK-002's to judge, not Mission Status's).
/// </summary>
public sealed record AnchorReference(string AuthorityHash, string Source);

/// <summary>Everything the Mission Status scenario captured, for the checks of MS-001…018 and CM-006.</summary>
public sealed record MissionStatusEvidence(
    string Origin,
    AnchorReference? Anchor,
    string Jwks,
    StatusAnswer Active,
    WireResponse Unauthenticated,
    WireResponse ClientSecretBasic,
    string AuthenticationNonce,
    StatusAnswer Unknown,
    StatusAnswer? Foreign,
    WireResponse MalformedNonce,
    StatusAnswer? Suspended,
    StatusAnswer? Revoked,
    IReadOnlyList<WireResponse> Burst,
    string? WhyNoForeign = null,
    string? WhyNoTransitions = null,
    string? StateAfterSuspend = null,
    string? StateAfterRevoke = null)
{
    public IEnumerable<StatusAnswer> SignedAnswers => new[] { Active, Suspended, Revoked }.OfType<StatusAnswer>().Where(a => a.Jws is not null);

    /// <summary>
    /// A second unknown id asked about (MBO-MS-007), only when the other audience's answer differs from the first unknown one
    /// beyond the nonce: what differs between the two unknown answers is per-request noise. Asked only then, as the state
    /// authority's rate limit counts every request.
    /// </summary>
    public StatusAnswer? UnknownAgain { get; init; }

    /// <summary>The method every question above went by (<see cref="StatusCaller"/>): the first advertised of private_key_jwt, dpop_bearer, mtls.</summary>
    public string Method { get; init; } = StatusCaller.PrivateKeyJwt;

    /// <summary>dpop_bearer, when the state authority advertises it: the token, and the active Mission asked with it.</summary>
    public DpopBearerAttempt? DpopBearer { get; init; }

    /// <summary>mtls, when the state authority advertises it: the active Mission asked with a client certificate, without one, and with another key's.</summary>
    public MutualTlsAttempt? MutualTls { get; init; }

    /// <summary>Where the state authority says it offers runtime enforcement (mission-status.md open point 2), or null when it does not.</summary>
    public string? RuntimeEnforcementAdvertised { get; init; }

    /// <summary>Another status client's question right after the burst was rate-limited (MBO-MS-017); null when the burst never was, or there is no other client.</summary>
    public RateLimitNeighbour? Neighbour { get; init; }
}

/// <summary>What another consumer, <paramref name="ClientId"/>, was answered just before the first client's burst and while it was rate-limited.</summary>
public sealed record RateLimitNeighbour(string ClientId, WireResponse Before, WireResponse After);

/// <summary>
/// mtls at Mission Status, at <paramref name="Endpoint"/> (the mtls_endpoint_aliases entry, else the endpoint itself): the
/// active Mission asked with the status client's self-signed certificate of its registered key (RFC 8705 §2.2, the suite's
/// convention), without a certificate, and with a certificate of another key; or why it was not exercised, or why no
/// TLS connection could be made (<paramref name="Unreachable"/>).
/// </summary>
public sealed record MutualTlsAttempt(Uri Endpoint, StatusAnswer? Answer, WireResponse? WithoutCertificate, WireResponse? OtherKeyCertificate,
    string? NotExercised = null, string? Unreachable = null)
{
    public const string SelfSigned = "a self-signed certificate of the client's registered key (RFC 8705 §2.2)";

    /// <summary>What the client presented: <see cref="SelfSigned"/>, or the target file's certificate.</summary>
    public string Presented { get; init; } = SelfSigned;

    /// <summary>Why the TLS handshake without a certificate failed, when the alias refused it before any HTTP answer (<see cref="WithoutCertificate"/> is then null).</summary>
    public string? WithoutCertificateHandshakeRefusal { get; init; }

    /// <summary>Why the TLS handshake with another key's certificate failed, when the alias refused it before any HTTP answer.</summary>
    public string? OtherKeyHandshakeRefusal { get; init; }
}

/// <summary>
/// dpop_bearer at Mission Status: the Mission-Status-scoped token the suite obtained by its convention
/// (<see cref="Harness.OAuth.MissionClient.StatusTokenAsync"/>), the active Mission asked with it and a proof of its key,
/// the same token without a proof, and with another key's proof; or why it was not exercised.
/// </summary>
public sealed record DpopBearerAttempt(WireResponse? TokenResponse, StatusAnswer? Answer, WireResponse? WithoutProof, WireResponse? OtherKeyProof, string? NotExercised);

internal static class StatusJudgement
{
    public static string NotSigned(StatusAnswer answer)
        => $"not judged: the Mission Status answer was HTTP {(int)answer.Response.Status} {answer.Response.ContentType ?? "(no content type)"}, not a compact JWS (see MBO-MS-001, MBO-MS-003)";

    public static string Excerpt(string body) => MissionFlow.Excerpt(body);
}

public sealed class StatusAnswersSigned : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-001";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var r = e.Active.Response;
        if (r.Status != HttpStatusCode.OK || r.ContentType != StatusAnswer.MediaType || e.Active.Jws is null)
        {
            return Judgement.Fail($"an authenticated POST (mission, audience, nonce) got HTTP {(int)r.Status} {r.ContentType ?? "(no content type)"}{(e.Active.Jws is null ? ", not a compact JWS" : "")}: {StatusJudgement.Excerpt(r.Body)}");
        }
        var passed = $"an authenticated POST (mission, audience, nonce) got 200 {StatusAnswer.MediaType}";
        // A server MUST support the methods it advertises (mission-status.md "Authentication").
        var methods = new List<string> { e.Method };
        var notes = new List<string>();
        switch (e.DpopBearer)
        {
            case { NotExercised: { } why }:
                notes.Add($"dpop_bearer, also advertised, was not exercised: {why}");
                break;
            case { Answer: { } answer } when !Answered(answer):
                return Judgement.Fail($"the state authority advertises dpop_bearer and issued a Mission-Status-scoped DPoP token, but Mission Status asked with it and its proof answered "
                    + $"HTTP {(int)answer.Response.Status} {answer.Response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(answer.Response.Body)}");
            case { Answer: not null }:
                methods.Remove(StatusCaller.DpopBearer);
                methods.Add("dpop_bearer (a Mission-Status-scoped DPoP token and its proof)");
                break;
        }
        switch (e.MutualTls)
        {
            case { Unreachable: { } why }:
                return new Judgement(null, $"{passed} with {e.Method}, but mtls, also advertised, could not be judged: {why}", Verdict.Interrupted);
            case { NotExercised: { } why }:
                notes.Add($"mtls, also advertised, was not exercised: {why}");
                break;
            case { Answer: { } answer } unanswered when !Answered(answer):
                return Judgement.Fail($"the state authority advertises mtls, but Mission Status at {unanswered.Endpoint} asked with {unanswered.Presented} "
                    + $"answered HTTP {(int)answer.Response.Status} {answer.Response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(answer.Response.Body)}");
            case { Answer: not null } attempt:
                methods.Remove(StatusCaller.MutualTlsMethod);
                methods.Add($"mtls ({attempt.Presented}, at {attempt.Endpoint})");
                break;
        }
        return Judgement.Pass($"{passed} with {string.Join(", with ", methods)}{string.Concat(notes.Select(n => "; " + n))}");
    }

    private static bool Answered(StatusAnswer answer)
        => answer.Response.Status == HttpStatusCode.OK && answer.Response.ContentType == StatusAnswer.MediaType && answer.Jws is not null;
}

public sealed class StatusRequiresAuthentication : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-002";

    public override PositiveControl Control => Controls.StatusServed;

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var plain = LifecycleRequiresAdvertisedAuth.Refused("Mission Status", e.Unauthenticated, e.ClientSecretBasic);
        if (plain.Holds != true) return plain;
        var message = plain.Message;
        if (e.DpopBearer is { WithoutProof: { } bare, OtherKeyProof: { } otherKey })
        {
            // A DPoP-bound token is no credential without a proof of its key (RFC 9449 §7.1): the same token as a bare credential, or with another key's proof, is unauthenticated.
            if (bare.Status != HttpStatusCode.Unauthorized || otherKey.Status != HttpStatusCode.Unauthorized)
            {
                return Judgement.Fail($"a Mission-Status-scoped DPoP token without its proof got HTTP {(int)bare.Status}, with another key's proof HTTP {(int)otherKey.Status}; both must be 401");
            }
            message += "; so do a Mission-Status-scoped DPoP token without its proof and with another key's proof";
        }
        if (e.MutualTls is { Unreachable: { } why })
        {
            return new Judgement(null, $"{message}, but mtls, also advertised, could not be judged: {why}", Verdict.Interrupted);
        }
        if (e.MutualTls is { Answer: not null } mtls)
        {
            // mtls authenticates by the certificate: a client_id without one, or with a certificate of a key the client is not registered with, is
            // unauthenticated. An alias may refuse them in the TLS handshake, before HTTP, where no 401 can be sent: that refuses them too.
            static string Outcome(WireResponse? response, string? refusal) => response is { } r ? $"HTTP {(int)r.Status}" : $"refused in the TLS handshake ({refusal})";
            static bool Refused(WireResponse? response) => response is null || response.Status == HttpStatusCode.Unauthorized;
            if (!Refused(mtls.WithoutCertificate) || !Refused(mtls.OtherKeyCertificate))
            {
                return Judgement.Fail($"at the mtls alias, the client's client_id without a client certificate got {Outcome(mtls.WithoutCertificate, mtls.WithoutCertificateHandshakeRefusal)}, "
                    + $"with a certificate of another key {Outcome(mtls.OtherKeyCertificate, mtls.OtherKeyHandshakeRefusal)}; both must be refused (401)");
            }
            message += mtls.WithoutCertificate is null || mtls.OtherKeyCertificate is null
                ? $"; the mtls alias refuses the client's client_id without a certificate ({Outcome(mtls.WithoutCertificate, mtls.WithoutCertificateHandshakeRefusal)}) and with a certificate of another key ({Outcome(mtls.OtherKeyCertificate, mtls.OtherKeyHandshakeRefusal)})"
                : "; so does the mtls alias for the client's client_id without a certificate and with a certificate of another key";
        }
        return Judgement.Pass(message);
    }
}

public sealed class StatusJwsVerifies : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-003";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Active.Response.Status != HttpStatusCode.OK) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        if (e.Active.Jws is not { } jws) return Judgement.Fail($"the 200 answer is not a compact JWS but {e.Active.Response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(e.Active.Response.Body)}");
        var typ = Subset.Text(jws.Header, "typ");
        var kid = Subset.Text(jws.Header, "kid");
        var alg = Subset.Text(jws.Header, "alg");
        if (typ != StatusAnswer.MediaType) return Judgement.Fail($"JOSE typ is {typ ?? "(absent)"}, not {StatusAnswer.MediaType}");
        if (string.IsNullOrEmpty(kid)) return Judgement.Fail("the JOSE header carries no kid");
        if (alg is null or "none") return Judgement.Fail($"JOSE alg is {alg ?? "(absent)"}");
        return Judgement.That(DecodedJwt.VerifySignatureAsync(e.Active.Response.Body.Trim(), e.Jwks).GetAwaiter().GetResult(),
            $"typ {typ}, kid {kid}, and the signature verifies with the state authority's jwks_uri",
            $"the signature (kid {kid}) does not verify with any key of the state authority's jwks_uri");
    }
}

public sealed class StatusBindsRequest : Check<MissionStatusEvidence>
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public override string RequirementId => "MBO-MS-004";

    /// <remarks>
    /// Every signed answer is bound, whichever authentication method obtained it: until issue 19 only the private_key_jwt answer
    /// was, so a dpop_bearer or mtls answer replayed from another request, with that request's nonce, passed.
    /// </remarks>
    public override Judgement Judge(MissionStatusEvidence e)
    {
        List<(string How, StatusAnswer Answer)> answers = [("private_key_jwt", e.Active)];
        if (e.DpopBearer?.Answer is { } dpop) answers.Add(("dpop_bearer", dpop));
        if (e.MutualTls?.Answer is { } mtls) answers.Add(("mtls", mtls));
        var signed = answers.Where(a => a.Answer.Payload is not null).ToList();
        if (signed.Count == 0) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        var problems = signed.SelectMany(a => Unbound(a.Answer, e.Origin).Select(problem => $"the {a.How} answer's {problem}")).ToList();
        return Judgement.That(problems.Count == 0,
            $"iss, aud, sub, nonce, iat and exp bind each answer ({string.Join(", ", signed.Select(a => a.How))}) to its request and caller", string.Join("; ", problems));
    }

    private static IEnumerable<string> Unbound(StatusAnswer answer, string origin)
    {
        var p = answer.Payload!.Value;
        foreach (var (member, expected) in new[] { ("iss", origin), ("aud", answer.Audience), ("sub", answer.ClientId), ("nonce", answer.Nonce) })
        {
            if (Subset.Text(p, member) is var actual && actual != expected) yield return $"{member} is {actual ?? "(absent)"}, expected {expected}";
        }
        long? Number(string member) => p.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
        var now = answer.ObservedAt.ToUnixTimeSeconds();
        if (Number("iat") is not { } iat) yield return "iat is absent or not a NumericDate";
        else if (iat > now + (long)Skew.TotalSeconds) yield return $"iat is {iat - now} s in the future";
        if (Number("exp") is not { } exp) yield return "exp is absent or not a NumericDate";
        else if (exp < now - (long)Skew.TotalSeconds) yield return $"exp passed {now - exp} s before the answer arrived";
    }
}

public sealed class StatusPayloadComplete : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-005";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.SignedAnswers.ToList() is not { Count: > 0 } answers) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        // The mission member's id/ref rule is MBO-MS-014's to judge, the anchors' format MBO-AS-REC-004's.
        var problems = answers.SelectMany(a => ArtifactSchemas.Validate(ArtifactKind.MissionStatus, a.Payload!.Value.GetRawText())
                .Where(x => x.Pointer != "/mission" && !x.Pointer.StartsWith("/mission/", StringComparison.Ordinal)
                    && !x.Pointer.StartsWith("/integrity_anchors/", StringComparison.Ordinal))
                .Select(x => $"{a.State ?? "?"} answer {x}"))
            .ToList();
        return Judgement.That(problems.Count == 0, "mission, state, integrity_anchors, the projection and the RFC 3339 times are all present and well-formed",
            "Mission Status payload: " + string.Join("; ", problems));
    }
}

public sealed class StatusProjectionAudienceOnly : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-006";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Active.Payload is null) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        if (e.Active.Projection is not { ValueKind: JsonValueKind.Array } projection) return Judgement.Fail("the answer carries no authority_projection array");
        var resources = projection.EnumerateArray().Select(entry => entry.ValueKind == JsonValueKind.Object ? Subset.Text(entry, "resource") : null).ToList();
        var foreign = resources.Where(r => r != e.Active.Audience).Select(r => r ?? "(no resource)").Distinct().ToList();
        if (foreign.Count > 0) return Judgement.Fail($"asked as {e.Active.Audience}, the projection also carries entries for {string.Join(", ", foreign)}");
        return Judgement.That(resources.Count > 0, $"the projection holds only {e.Active.Audience}'s {resources.Count} entr{(resources.Count == 1 ? "y" : "ies")}",
            $"the Mission has an entry for {e.Active.Audience}, but the projection is empty");
    }
}

public sealed class StatusNoOracle : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-007";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Foreign is not { } foreign) return Judgement.Skip("not judged: " + e.WhyNoForeign);
        var unknown = e.Unknown;
        if (foreign.Response.Status == HttpStatusCode.OK) return Judgement.Fail($"a Mission without an entry for {foreign.Audience} was disclosed to it (HTTP 200)");
        var problems = new List<string>();
        if (unknown.Response.Status != HttpStatusCode.NotFound || foreign.Response.Status != HttpStatusCode.NotFound)
        {
            problems.Add($"the unknown id got HTTP {(int)unknown.Response.Status} and the other audience's Mission HTTP {(int)foreign.Response.Status}; both must be 404 not_found");
        }
        // The status is compared above; the echoed nonce is the client's own doing, and a second unknown answer, when one was
        // taken, tells other per-request members from an oracle.
        problems.AddRange(NoOracle.Differences(unknown.Response, e.UnknownAgain?.Response, foreign.Response, "nonce").Where(d => !d.StartsWith("HTTP ", StringComparison.Ordinal)));
        return Judgement.That(problems.Count == 0, "an unknown id and another audience's real Mission get the same 404, headers and body (but per-request members)", string.Join("; ", problems));
    }
}

public sealed class StatusErrorsEchoNonce : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-008";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var errors = new List<(string What, WireResponse Response, string Nonce)>();
        if (e.Unauthenticated.Status == HttpStatusCode.Unauthorized) errors.Add(("401", e.Unauthenticated, e.AuthenticationNonce));
        if (e.Unknown.Response.Status == HttpStatusCode.NotFound) errors.Add(("404", e.Unknown.Response, e.Unknown.Nonce));
        if (errors.Count == 0) return Judgement.Skip("not judged: neither a 401 nor a 404 came back (see MBO-MS-002, MBO-MS-007)");
        var problems = new List<string>();
        foreach (var (what, response, nonce) in errors)
        {
            if (!response.IsJson)
            {
                problems.Add($"the {what} body is {response.ContentType ?? "(no content type)"}, not JSON");
                continue;
            }
            problems.AddRange(ArtifactSchemas.Validate(ArtifactKind.StatusError, response.Body).Select(x => $"{what} body {x}"));
            if (response.Member("nonce") != nonce) problems.Add($"the {what} body's nonce is {response.Member("nonce") ?? "(absent)"}, not the one sent");
        }
        return Judgement.That(problems.Count == 0, $"the {string.Join(" and ", errors.Select(x => x.What))} bodies carry error, error_description and the echoed nonce", string.Join("; ", problems));
    }
}

public sealed class StatusNonceFormatEnforced : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-009";

    public override PositiveControl Control => Controls.StatusServed;

    public override Judgement Judge(MissionStatusEvidence e)
        => Judgement.That((int)e.MalformedNonce.Status >= 400,
            $"nonce \"abc\" (outside [A-Za-z0-9_-]{{16,128}}) was refused with HTTP {(int)e.MalformedNonce.Status}",
            $"nonce \"abc\" got HTTP {(int)e.MalformedNonce.Status} {e.MalformedNonce.ContentType}; a nonce outside the ABNF must be refused");
}

public sealed class StatusReportsInactiveMissions : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-010";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Suspended is null || e.Revoked is null) return Judgement.Skip("not judged: " + e.WhyNoTransitions);
        // Whether the lifecycle endpoint really changed the state is MBO-AS-LC-001/002's to judge.
        if (e.StateAfterSuspend is { } s && s != "suspended") return Judgement.Skip($"not judged: after suspend the inventory shows the Mission {s} (see MBO-AS-LC-002)");
        if (e.StateAfterRevoke is { } r && r != "revoked") return Judgement.Skip($"not judged: after revoke the inventory shows the Mission {r} (see MBO-AS-LC-001)");
        var answers = new[] { (e.Suspended, "suspended"), (e.Revoked, "revoked") };
        if (answers.Any(x => x.Item1.Response.Status == HttpStatusCode.OK && x.Item1.Jws is null)) return Judgement.Skip(StatusJudgement.NotSigned(e.Suspended));
        var problems = answers
            .Where(x => x.Item1.Response.Status != HttpStatusCode.OK || x.Item1.State != x.Item2)
            .Select(x => $"the {x.Item2} Mission got HTTP {(int)x.Item1.Response.Status}{(x.Item1.State is { } s ? $" with state {s}" : "")}")
            .ToList();
        return Judgement.That(problems.Count == 0, "suspended and revoked Missions are answered 200 with the state in the signed payload",
            string.Join("; ", problems) + "; inactive Missions must be reported with 200 and their state");
    }
}

public sealed class StatusLifetimeRecommended : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-011";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var lifetimes = e.SignedAnswers.Select(a => (a.State, Lifetime: Lifetime(a.Payload!.Value))).Where(x => x.Lifetime is not null).ToList();
        if (lifetimes.Count == 0) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        // "About" 60 s active and 300 s terminal: twice the recommendation is the most that still reads as about.
        var far = lifetimes.Where(x => x.Lifetime <= 0 || x.Lifetime > (x.State is "active" or "suspended" ? 120 : 600)).ToList();
        var described = string.Join(", ", lifetimes.Select(x => $"{x.State} {x.Lifetime} s"));
        return Judgement.That(far.Count == 0, $"lifetimes {described} (recommended 60 s active, 300 s terminal)",
            $"lifetimes {described}: far from the recommended 60 s for active and 300 s for terminal states");
    }

    private static long? Lifetime(JsonElement payload)
        => Time(payload, "issued_at") is { } issued && Time(payload, "expires_at") is { } expires ? (long)(expires - issued).TotalSeconds : null;

    internal static DateTimeOffset? Time(JsonElement payload, string member)
        => Subset.Text(payload, member) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

public sealed class StatusTimestampsOrdered : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-012";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var answers = e.SignedAnswers.ToList();
        if (answers.Count == 0) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        var problems = new List<string>();
        foreach (var a in answers)
        {
            var p = a.Payload!.Value;
            var issued = StatusLifetimeRecommended.Time(p, "issued_at");
            var expires = StatusLifetimeRecommended.Time(p, "expires_at");
            var freshness = StatusLifetimeRecommended.Time(p, "freshness_at");
            if (issued is null || expires is null || freshness is null) problems.Add($"the {a.State} answer lacks issued_at, expires_at or freshness_at");
            else if (freshness > issued) problems.Add($"the {a.State} answer's freshness_at is {(freshness - issued).Value.TotalSeconds} s after issued_at");
            else if (expires <= issued) problems.Add($"the {a.State} answer's expires_at is not after issued_at");
        }
        return Judgement.That(problems.Count == 0, "freshness_at ≤ issued_at < expires_at in every signed answer", string.Join("; ", problems));
    }
}

public sealed class StatusMissionMemberExclusive : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-014";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Active.Payload is not { } p) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        if (!p.TryGetProperty("mission", out var mission) || mission.ValueKind != JsonValueKind.Object) return Judgement.Fail("the payload has no mission object");
        var hasId = mission.TryGetProperty("id", out _);
        var hasRef = mission.TryGetProperty("ref", out _);
        return Judgement.That(hasId != hasRef && Subset.Text(mission, "origin") is not null,
            $"mission carries {(hasId ? "id" : "ref")} and origin",
            $"mission carries {(hasId && hasRef ? "both id and ref" : hasId || hasRef ? "no origin" : "neither id nor ref")}; exactly one of id or ref, plus origin");
    }
}

public sealed class StatusRateLimitSignalled : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-016";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Burst.FirstOrDefault(r => r.Status == HttpStatusCode.TooManyRequests) is not { } limited)
        {
            return Judgement.Skip($"not observed: {e.Burst.Count} requests in a burst were never rate-limited");
        }
        var retryAfterBody = limited.IsJson && limited.Json.ValueKind == JsonValueKind.Object && limited.Json.TryGetProperty("retry_after", out var v) && v.ValueKind == JsonValueKind.Number;
        var header = limited.Header("Retry-After");
        return Judgement.That(header is not null && retryAfterBody, $"429 with Retry-After: {header} and retry_after in the body",
            $"429 {(header is null ? "without a Retry-After header" : "")}{(header is null && !retryAfterBody ? " and " : "")}{(retryAfterBody ? "" : "without retry_after in the body")}");
    }
}

/// <summary>
/// MBO-MS-017: the endpoint rate-limits per consumer. Judged when the bounded burst met a limit: another status client asking at
/// once must not be limited too. A limit beyond the burst cannot be shown within the suite's bounded traffic.
/// </summary>
public sealed class StatusRateLimitedPerConsumer : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-017";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Burst.All(r => r.Status != HttpStatusCode.TooManyRequests))
        {
            return Judgement.Unverifiable($"{e.Burst.Count} requests in a burst from one client were never rate-limited; a limit above that needs more traffic than the suite sends");
        }
        if (e.Neighbour is not { } neighbour)
        {
            return Judgement.SkipForWant("a second status client (clients[] with role \"status\")",
                "not judged: the burst was rate-limited, and the target file names no second status client to show the limit is per consumer");
        }
        if (neighbour.Before.Status == HttpStatusCode.TooManyRequests)
        {
            return Judgement.Skip($"not judged: {neighbour.ClientId} was itself rate-limited before the burst (by its own earlier requests), so it cannot show whose limit a later 429 is");
        }
        return Judgement.That(neighbour.After.Status != HttpStatusCode.TooManyRequests,
            $"with {e.Active.ClientId} rate-limited after {e.Burst.Count} requests, {neighbour.ClientId} asking at once was answered HTTP {(int)neighbour.After.Status}: the limit is per consumer",
            $"with {e.Active.ClientId} rate-limited after {e.Burst.Count} requests, {neighbour.ClientId} asking at once was rate-limited too: the limit is not per consumer");
    }
}

/// <summary>
/// MBO-MS-013: with runtime enforcement enabled, Mission Status carries policy_version, the version the PEPs' PDP context names
/// (runtime.md). Enabled means advertised: runtime_enforcement in mission_profiles_supported, or Level 4 claimed (open point 2).
/// </summary>
public sealed class StatusCarriesPolicyVersion : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-013";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.RuntimeEnforcementAdvertised is not { } where)
        {
            return Judgement.Skip("not applicable: the state authority advertises no runtime enforcement (no runtime_enforcement in mission_profiles_supported, no Level 4)");
        }
        if (e.Active.Payload is not { } p) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        var version = Subset.Text(p, "policy_version");
        return Judgement.That(!string.IsNullOrEmpty(version), $"policy_version \"{version}\" ({where})",
            $"{where}, yet the Mission Status answer carries no policy_version");
    }
}

public sealed class StatusNotIntrospectionFormat : Check<MissionStatusEvidence>
{
    private const string IntrospectionJwt = "application/token-introspection+jwt";

    public override string RequirementId => "MBO-MS-018";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var typ = e.Active.Jws is { } jws ? Subset.Text(jws.Header, "typ") : null;
        var format = e.Active.Response.ContentType == IntrospectionJwt ? "Content-Type" : typ is "token-introspection+jwt" or IntrospectionJwt ? "JOSE typ" : null;
        return Judgement.That(format is null, $"the by-reference answer is not the RFC 9701 introspection format ({e.Active.Response.ContentType ?? "no content type"})",
            $"the Mission Status answer uses the RFC 9701 introspection format ({format} {IntrospectionJwt})");
    }
}

/// <summary>MBO-CM-006: AD-3's own requirement, judged as MS-001…007 together with anchors equal to the token's.</summary>
public sealed class MissionStatusCapability : Check<MissionStatusEvidence>
{
    private static readonly Check<MissionStatusEvidence>[] Parts =
        [new StatusAnswersSigned(), new StatusRequiresAuthentication(), new StatusJwsVerifies(), new StatusBindsRequest(), new StatusPayloadComplete(), new StatusProjectionAudienceOnly(), new StatusNoOracle()];

    public override string RequirementId => "MBO-CM-006";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var problems = Parts.Select(part => (part.RequirementId, Judgement: part.Judge(e)))
            // A part that could not be judged (say MS-007 with a one-object Intent) leaves the others to decide.
            .Where(x => x.Judgement.Holds == false)
            .Select(x => $"{x.RequirementId}: {x.Judgement.Message}").ToList();
        var anchors = e.Active.Payload is { } p && p.TryGetProperty("integrity_anchors", out var a) && a.ValueKind == JsonValueKind.Object ? a : (JsonElement?)null;
        if (anchors is null) problems.Add("the answer carries no integrity_anchors");
        else if (e.Anchor is { } expected && Subset.Text(anchors.Value, "authority_hash") != expected.AuthorityHash)
        {
            problems.Add($"integrity_anchors.authority_hash is {Subset.Text(anchors.Value, "authority_hash") ?? "(absent)"}, not the {expected.Source}'s {expected.AuthorityHash}");
        }
        return Judgement.That(problems.Count == 0,
            "authenticated, signed Mission Status with state, the token's anchors and only the caller's projection (MBO-MS-001…007)",
            "AD-3 Mission Status not demonstrated: " + string.Join("; ", problems));
    }
}

// ---- The state-authority metadata document ------------------------------------------------------

public sealed record MissionAuthorityEvidence(Uri Url, WireResponse Response, string Origin);

public sealed class MissionAuthorityDocumentValid : Check<MissionAuthorityEvidence>
{
    public override string RequirementId => "MBO-AS-MD-005";

    public override Judgement Judge(MissionAuthorityEvidence e)
    {
        if (e.Response.Status != HttpStatusCode.OK) return Judgement.Fail($"GET {e.Url} answered HTTP {(int)e.Response.Status}");
        if (e.Response.ObjectBody() is not { } document) return Judgement.Fail($"{e.Url} is not a JSON object: {StatusJudgement.Excerpt(e.Response.Body)}");
        var problems = ArtifactSchemas.Validate(ArtifactKind.MissionAuthority, document.GetRawText()).Select(x => x.ToString()).ToList();
        var issuer = Subset.Text(document, "issuer");
        if (issuer != e.Origin) problems.Insert(0, $"issuer is {issuer ?? "(absent)"}, but mission.origin is {e.Origin}");
        return Judgement.That(problems.Count == 0, $"{e.Url}: issuer equals mission.origin and every required member is present", string.Join("; ", problems));
    }
}

public sealed class MissionAuthorityServedAsJson : Check<MissionAuthorityEvidence>
{
    public override string RequirementId => "MBO-AS-MD-006";

    public override Judgement Judge(MissionAuthorityEvidence e)
    {
        if (e.Response.Status != HttpStatusCode.OK) return Judgement.Skip($"not judged: the document answered HTTP {(int)e.Response.Status} (see MBO-AS-MD-005)");
        // TLS cannot be asked of a server the harness reaches on loopback; anywhere else plain http fails.
        var transport = e.Url.Scheme == Uri.UriSchemeHttps || e.Url.IsLoopback;
        var json = e.Response.ContentType == "application/json";
        return Judgement.That(transport && json, $"served as application/json over {(e.Url.Scheme == Uri.UriSchemeHttps ? "TLS" : "loopback http")}",
            $"served {(transport ? "" : "over plain http from a non-loopback host, ")}as {e.Response.ContentType ?? "(no content type)"}{(json ? "" : ", not application/json")}");
    }
}

// ---- Introspection with the Mission projection (oauth-profile.md §11; conformance.md §5 L3 item 3) ----

/// <summary>What the introspection scenario captured: answers for an audience, a stranger, garbage and a revoked Mission.</summary>
public sealed record IntrospectionEvidence(
    string Audience,
    string MissionId,
    AnchorReference? Anchor,
    WireResponse Active,
    WireResponse Garbage,
    WireResponse Unauthenticated,
    WireResponse? NonAudience,
    string? WhyNoNonAudience,
    WireResponse Signed,
    string Jwks,
    WireResponse? Revoked,
    string? WhyNoRevoked);

internal static class Introspection
{
    public static JsonElement? Body(WireResponse response) => response.Status == HttpStatusCode.OK && response.IsJson ? response.ObjectBody() : null;

    public static bool? Active(JsonElement body) => body.TryGetProperty("active", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False ? a.GetBoolean() : null;

    public static JsonElement? Mission(JsonElement body) => body.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : null;

    public static string Describe(WireResponse response) => $"HTTP {(int)response.Status} {response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(response.Body)}";
}

public sealed class IntrospectionShowsActiveMission : Check<IntrospectionEvidence>
{
    public override string RequirementId => "MBO-AS-INT-001";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        if (Introspection.Body(e.Active) is not { } body) return Judgement.Fail("introspection as an audience of the token got " + Introspection.Describe(e.Active));
        // The anchor's format is MBO-AS-REC-004's to judge.
        var errors = ArtifactSchemas.Validate(ArtifactKind.IntrospectionResponse, body.GetRawText()).Where(x => x.Pointer != "/mission/authority_hash").ToList();
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

/// <summary>MBO-CM-006 by the other road the capability model allows: INT-001…003 with the Mission's authority_hash.</summary>
public sealed class IntrospectionCapability : Check<IntrospectionEvidence>
{
    private static readonly Check<IntrospectionEvidence>[] Parts = [new IntrospectionShowsActiveMission(), new IntrospectionShowsInactiveMission(), new IntrospectionAudienceOnly()];

    public override string RequirementId => "MBO-CM-006";

    public override Judgement Judge(IntrospectionEvidence e)
    {
        var problems = Parts.Select(part => (part.RequirementId, Judgement: part.Judge(e))).Where(x => x.Judgement.Holds == false)
            .Select(x => $"{x.RequirementId}: {x.Judgement.Message}").ToList();
        var hash = Introspection.Body(e.Active) is { } body && Introspection.Mission(body) is { } mission ? Subset.Text(mission, "authority_hash") : null;
        if (e.Anchor is { } expected && hash is not null && hash != expected.AuthorityHash) problems.Add($"mission.authority_hash is {hash}, not the {expected.Source}'s {expected.AuthorityHash}");
        if (hash is null && problems.Count == 0) problems.Add("the answer carries no mission.authority_hash");
        return Judgement.That(problems.Count == 0, "introspection with the Mission projection: state, authority_hash, audience-filtered (MBO-AS-INT-001…003)",
            "AD-3 introspection projection not demonstrated: " + string.Join("; ", problems));
    }
}
