using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
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

    /// <summary>The reported state: the seed's top-level <c>state</c>, or ietf-2026-08's <c>mission.state</c> (status §Response).</summary>
    public string? State => Payload is not { } p ? null
        : Subset.Text(p, "state") ?? (p.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? Subset.Text(m, "state") : null);

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

    /// <summary>The edition whose request, payload and nonce rules the answers are judged by.</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;

    /// <summary>The Mission Status operation as the target file declares it (missionStatus), when every question went there.</summary>
    public Harness.Targets.DeclaredEndpoint? Declared { get; init; }

    /// <summary>The header of the credential the target file declares (missionStatus.authentication); null when the caller authenticates as a client.</summary>
    public string? DeclaredCredential => Declared?.Authentication?.Header;

    /// <summary>The active Mission asked the edition's own way (a form POST to the declared URL), when the declared shape is another (MBO-MS-001).</summary>
    public StatusAnswer? AsEditionSays { get; init; }

    /// <summary>mission_max_stale_seconds as advertised (ietf status §Caching: fresh_until is at most iat plus it); null when not.</summary>
    public int? MaxStaleSeconds { get; init; }

    /// <summary>How the declared operation is asked, for a message: "GET https://…/missions/{mission}/status with audience and nonce in the query".</summary>
    public string DeclaredShape => Declared is not { } d ? "the advertised endpoint"
        : d.Body switch
        {
            Harness.Targets.DeclaredBody.Query => $"GET {d.Url} with {Fields(d)} in the query",
            Harness.Targets.DeclaredBody.Json => $"POST {d.Url} with {Fields(d)} in a JSON body",
            _ => $"POST {d.Url} with {Fields(d)} as a form",
        };

    private string Fields(Harness.Targets.DeclaredEndpoint d) => d.MissionInPath ? "audience and nonce" : $"{Edition.MissionIdParameter}, audience and nonce";
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

// ---- The state-authority metadata document ------------------------------------------------------

public sealed record MissionAuthorityEvidence(Uri Url, WireResponse Response, string Origin);

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
    string? WhyNoRevoked)
{
    /// <summary>The edition whose names the projection uses (ietf-2026-08 names the state authority <c>issuer</c>, the seed <c>origin</c>).</summary>
    public Harness.Editions.Edition Edition { get; init; } = Harness.Editions.Edition.Seed;
}

internal static class Introspection
{
    /// <summary>
    /// The schema errors of an introspection response that are not the edition's renaming: introspection-response.schema.json
    /// requires the seed's mission.origin, where an edition that names the state authority otherwise has that member instead.
    /// </summary>
    public static IEnumerable<SchemaError> InEdition(IEnumerable<SchemaError> errors, JsonElement body, Harness.Editions.Edition edition)
        => edition.MissionAuthorityMember == "origin" || Mission(body) is not { } mission || Subset.Text(mission, edition.MissionAuthorityMember) is null
            ? errors
            : errors.Where(x => x.Pointer != "/mission/origin");

    public static JsonElement? Body(WireResponse response) => response.Status == HttpStatusCode.OK && response.IsJson ? response.ObjectBody() : null;

    public static bool? Active(JsonElement body) => body.TryGetProperty("active", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False ? a.GetBoolean() : null;

    public static JsonElement? Mission(JsonElement body) => body.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : null;

    public static string Describe(WireResponse response) => $"HTTP {(int)response.Status} {response.ContentType ?? "(no content type)"}: {StatusJudgement.Excerpt(response.Body)}";
}
