using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class StatusAnswersSigned : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-001";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        var r = e.Active.Response;
        var request = e.Declared is null ? $"an authenticated POST ({e.Edition.MissionIdParameter}, audience, nonce)" : $"an authenticated {e.DeclaredShape}";
        if (!Answered(e.Active))
        {
            return Judgement.Fail($"{request} got HTTP {(int)r.Status} {r.ContentType ?? "(no content type)"}{(e.Active.Jws is null ? ", not a compact JWS" : "")}: {StatusJudgement.Excerpt(r.Body)}");
        }
        if (e.AsEditionSays is { } asSaid && !Answered(asSaid))
        {
            // The target file may say where the operation is and how to reach it; the request's shape is the edition's to say.
            return Judgement.Fail($"the edition's request, an authenticated POST of {e.Edition.MissionIdParameter}, audience and nonce as a form to the declared URL, got "
                + $"HTTP {(int)asSaid.Response.Status} {asSaid.Response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(asSaid.Response.Body)}; only the shape the target file "
                + $"declares ({e.DeclaredShape}) is answered, with 200 {StatusAnswer.MediaType}");
        }
        var passed = $"{request} got 200 {StatusAnswer.MediaType}{(e.AsEditionSays is null ? "" : $", and so did the edition's form POST of {e.Edition.MissionIdParameter}, audience and nonce")}";
        // A server MUST support the methods it advertises (mission-status.md "Authentication").
        var methods = new List<string>
        {
            e.Method != StatusCaller.DeclaredMethod ? e.Method
                : e.DeclaredCredential is { } header ? $"the {header} credential the target file declares" : "private_key_jwt, as the target file declares",
        };
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
        if (e.DeclaredCredential is { } header && e.Active.Response.Status == HttpStatusCode.OK)
        {
            // The header is the deployment's own credential: the edition lists the mechanisms a request must use and refuses every other.
            return Judgement.Fail($"{message}, but a request authenticated only by the {header} header the target file declares was served (HTTP 200): "
                + $"that is none of {e.Edition.StatusAuthentication}, and a request authenticated otherwise must be refused with 401 unauthorized");
        }
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
        if (typ != e.Edition.StatusJoseType) return Judgement.Fail($"JOSE typ is {typ ?? "(absent)"}, not {e.Edition.StatusJoseType} (edition {e.Edition.Name})");
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
        List<(string How, StatusAnswer Answer)> answers = [(e.Method == StatusCaller.DeclaredMethod ? "declared" : e.Method, e.Active)];
        if (e.DpopBearer?.Answer is { } dpop) answers.Add(("dpop_bearer", dpop));
        if (e.MutualTls?.Answer is { } mtls) answers.Add(("mtls", mtls));
        var signed = answers.Where(a => a.Answer.Payload is not null).ToList();
        if (signed.Count == 0) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        // A declared credential is the deployment's, not a client's: which client identifier sub must then name, the wire does not say.
        var withSub = e.DeclaredCredential is null;
        var problems = signed.SelectMany(a => Unbound(a.Answer, e.Origin, withSub).Select(problem => $"the {a.How} answer's {problem}")).ToList();
        var bound = withSub ? "iss, aud, sub, nonce, iat and exp bind" : "iss, aud, nonce, iat and exp bind";
        var subNote = withSub ? "" : $"; sub ({Subset.Text(e.Active.Payload!.Value, "sub") ?? "absent"}) not compared, as the {e.DeclaredCredential} credential the target file declares names no client";
        return Judgement.That(problems.Count == 0,
            $"{bound} each answer ({string.Join(", ", signed.Select(a => a.How))}) to its request and caller{subNote}", string.Join("; ", problems));
    }

    private static IEnumerable<string> Unbound(StatusAnswer answer, string origin, bool withSub)
    {
        var p = answer.Payload!.Value;
        foreach (var (member, expected) in new[] { ("iss", origin), ("aud", answer.Audience), ("sub", answer.ClientId), ("nonce", answer.Nonce) })
        {
            if (member == "sub" && !withSub) continue;
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
        if (answers.FirstOrDefault(a => a.Response.Artifact?.Kind != e.Edition.StatusPayload) is { } unvalidated)
        {
            return Judgement.NotValidatedAtCapture($"the {unvalidated.State ?? "?"} Mission Status answer");
        }
        // The mission member's id/ref and state authority are MBO-MS-014's to judge, the anchors' format MBO-AS-REC-004's. In ietf-2026-08
        // the state and the times live in mission, so only its id and issuer are left to MS-014 there.
        bool OthersJudge(string pointer) => e.Edition.StatusPayload == ArtifactKind.MissionStatus
            ? pointer == "/mission" || pointer.StartsWith("/mission/", StringComparison.Ordinal) || pointer.StartsWith("/integrity_anchors/", StringComparison.Ordinal)
            : pointer is "/mission/id" or "/mission/issuer";
        var problems = answers.SelectMany(a => a.Response.SchemaErrors.Where(x => !OthersJudge(x.Pointer)).Select(x => $"{a.State ?? "?"} answer {x}")).ToList();
        var members = e.Edition.StatusPayload == ArtifactKind.MissionStatus
            ? "mission, state, integrity_anchors, the projection and the RFC 3339 times"
            : "the signed envelope, mission's authority_hash, state, version, expires_at and fresh_until, and authorization_details";
        return Judgement.That(problems.Count == 0, $"{members} are all present and well-formed",
            "Mission Status payload: " + string.Join("; ", problems));
    }
}

public sealed class StatusProjectionAudienceOnly : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-006";

    public override Judgement Judge(MissionStatusEvidence e)
    {
        if (e.Active.Payload is null) return Judgement.Skip(StatusJudgement.NotSigned(e.Active));
        if (e.Active.Projection is not { ValueKind: JsonValueKind.Array } projection) return Judgement.Fail("the answer carries no authority_projection (seed) or authorization_details (ietf-2026-08) array");
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
        if (e.DeclaredCredential is { } header)
        {
            return Judgement.Skip($"not judged: the questions go with the {header} credential the target file declares, the deployment's rather than the Resource "
                + $"Server {e.Active.Audience}'s, so no Mission is unauthorized for it; a credential of that Resource Server's own would let the suite ask");
        }
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
            problems.AddRange(response.SchemaErrors.Select(x => $"{what} body {x}"));
            if (response.Member("nonce") != nonce) problems.Add($"the {what} body's nonce is {response.Member("nonce") ?? "(absent)"}, not the one sent");
        }
        return Judgement.That(problems.Count == 0, $"the {string.Join(" and ", errors.Select(x => x.What))} bodies carry error, error_description and the echoed nonce", string.Join("; ", problems));
    }
}

public sealed class StatusNonceFormatEnforced : Check<MissionStatusEvidence>
{
    public override string RequirementId => "MBO-MS-009";

    public override PositiveControl Control => Controls.StatusServed;

    /// <remarks>
    /// The seed gives the nonce an ABNF, and "abc" is outside it. ietf-2026-08 gives none, but refuses an absent (or malformed) nonce
    /// with 400 invalid_request (status §Error Responses), so there the request carries no nonce.
    /// </remarks>
    public override Judgement Judge(MissionStatusEvidence e)
    {
        var r = e.MalformedNonce;
        if (e.Edition.StatusNonceFormat is not { } format)
        {
            return Judgement.That(r.Status == HttpStatusCode.BadRequest && r.ErrorCode == "invalid_request",
                $"a request without a nonce was refused with 400 invalid_request",
                $"a request without a nonce got HTTP {(int)r.Status} {r.ErrorCode ?? r.ContentType ?? ""}".TrimEnd() + $"; {e.Edition.Name} refuses an absent nonce with 400 invalid_request");
        }
        return Judgement.That((int)r.Status >= 400,
            $"nonce \"abc\" (outside {format}) was refused with HTTP {(int)r.Status}",
            $"nonce \"abc\" got HTTP {(int)r.Status} {r.ContentType}; a nonce outside the ABNF must be refused");
    }
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
        if (e.Edition.StatusPayload != ArtifactKind.MissionStatus) return FreshUntil(e, answers);
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

    /// <summary>
    /// ietf-2026-08 (status §Response, §Caching): the signed envelope's exp is after its iat, and mission.fresh_until is no later than
    /// iat plus mission_max_stale_seconds when that is advertised.
    /// </summary>
    private static Judgement FreshUntil(MissionStatusEvidence e, IReadOnlyList<StatusAnswer> answers)
    {
        var problems = new List<string>();
        foreach (var a in answers)
        {
            var p = a.Payload!.Value;
            long? Number(string member) => p.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
            var fresh = p.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? StatusLifetimeRecommended.Time(m, "fresh_until") : null;
            if (Number("iat") is not { } iat || Number("exp") is not { } exp || fresh is null) problems.Add($"the {a.State} answer lacks iat, exp or mission.fresh_until");
            else if (exp <= iat) problems.Add($"the {a.State} answer's exp is not after its iat");
            else if (e.MaxStaleSeconds is { } cap && fresh.Value.ToUnixTimeSeconds() > iat + cap)
            {
                problems.Add($"the {a.State} answer's mission.fresh_until is {fresh.Value.ToUnixTimeSeconds() - iat} s after iat, beyond the advertised mission_max_stale_seconds {cap}");
            }
        }
        var capped = e.MaxStaleSeconds is { } max ? $" and mission.fresh_until ≤ iat + {max} s (mission_max_stale_seconds)" : " (no mission_max_stale_seconds advertised to bound mission.fresh_until)";
        return Judgement.That(problems.Count == 0, $"iat < exp{capped} in every signed answer", string.Join("; ", problems));
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
        var authority = e.Edition.MissionAuthorityMember;
        return Judgement.That(hasId != hasRef && Subset.Text(mission, authority) is not null,
            $"mission carries {(hasId ? "id" : "ref")} and {authority}",
            $"mission carries {(hasId && hasRef ? "both id and ref" : hasId || hasRef ? $"no {authority}" : "neither id nor ref")}; exactly one of id or ref, plus {authority}");
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
        if (e.DeclaredCredential is { } header)
        {
            return Judgement.Skip($"not judged: the burst was rate-limited, but every question goes with the one {header} credential the target file declares, "
                + "so no second consumer can show whether the limit is per consumer");
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

/// <summary>
/// MBO-MS-015: a consumer does not rely on a Mission Status answer after its expires_at, with no skew for terminal states. Every
/// answer given before the revocation expired at most <see cref="StatusRelianceEvidence.StatusLifetime"/> after it, so a request
/// sent later than that (plus half a second of measuring slack) and still served was served on an expired answer.
/// </summary>
public sealed class RsStopsAtStatusExpiry : Check<StatusRelianceEvidence>
{
    public override string RequirementId => "MBO-MS-015";

    public override PositiveControl Control => Controls.AllowedCallServed;

    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    public override Judgement Judge(StatusRelianceEvidence e)
    {
        if (e.EventAccepted) return Judgement.Skip("not judged: the server took the revocation as a lifecycle event, so it needed no Mission Status answer to stop");
        if (e.StatusRequests == 0) return Judgement.Skip("not judged: the server asked Mission Status nothing about the watched Mission (it learns state otherwise, see MBO-RS-C-008)");
        var bound = e.StatusLifetime + Slack;
        // A server that never refused is MBO-RS-B-002's failure; this judges how long it went on after the answers expired.
        if (!e.Revoked.Refused) return Judgement.Skip("not judged: the revoked Mission's token was never refused (MBO-RS-B-002)");
        return Judgement.That(e.Revoked.LastServed is not { } served || served <= bound,
            $"no request sent later than {e.StatusLifetime.TotalSeconds:0.#} s after the revocation (the Mission Status answers' lifetime) was served; the first refused was sent at {e.Revoked.After.TotalSeconds:0.0} s",
            $"a request sent {e.Revoked.LastServed?.TotalSeconds:0.0} s after the revocation was served, when every Mission Status answer given before it had expired (expires_at {e.StatusLifetime.TotalSeconds:0.#} s after issue): it relied on an expired answer");
    }
}
