using System.Globalization;
using System.Text.Json.Nodes;

namespace MissionConformance.Harness.Editions;

/// <summary>
/// One edition of the drafts, as data: the names and shapes its wire uses where editions differ (issue 21 item 2). Scenarios and
/// checks read these instead of spelling members out, so a target of another edition is driven in its own vocabulary.
/// <list type="bullet">
/// <item><c>seed-2026-06</c>: the seed documents (../shared/spec/seeds/), which the catalogue digests.</item>
/// <item><c>ietf-2026-08</c>: the Internet-Drafts the spec author's implementation pins (../shared/spec/editions/ietf-2026-08/).</item>
/// </list>
/// </summary>
public sealed record Edition
{
    public const string SeedName = "seed-2026-06";
    public const string IetfName = "ietf-2026-08";

    public required string Name { get; init; }

    /// <summary>Where the draft text of this edition is, for citations.</summary>
    public required string Source { get; init; }

    /// <summary>The Intent member listing the resources the task needs: seed oauth-profile §3 <c>objects</c>; ietf §Mission Intent <c>resources</c>.</summary>
    public required string ResourcesMember { get; init; }

    /// <summary>The Intent member with the requested not-after ceiling: seed <c>mission_expiry</c>; ietf <c>expires_at</c>.</summary>
    public required string ExpiryMember { get; init; }

    /// <summary>The Intent object holding machine bounds such as max_derivations: seed <c>context</c> (values are strings); ietf <c>controls</c> (integers).</summary>
    public required string BoundsMember { get; init; }

    /// <summary>Whether bounds are written as strings (seed: <c>"max_derivations": "50"</c>) rather than numbers (ietf: <c>50</c>).</summary>
    public required bool BoundsAreStrings { get; init; }

    /// <summary>
    /// Whether the PAR parameter <c>mission_intent</c> carries the Intent itself (seed) or the Intent Submission envelope
    /// <c>{"intent": …, "evidence"?: …}</c> (ietf §Submission via PAR).
    /// </summary>
    public required bool SubmitsEnvelope { get; init; }

    /// <summary>The Intent members the target file must give (besides the expiry, which the harness sets).</summary>
    public required IReadOnlyList<string> RequiredIntentMembers { get; init; }

    /// <summary>
    /// The mission claim member naming the Mission's state authority: seed oauth-profile §9 <c>origin</c>; ietf §The Mission Claim
    /// <c>issuer</c>.
    /// </summary>
    public required string MissionAuthorityMember { get; init; }

    /// <summary>
    /// The member of a gated derivation's error response (invalid_grant) that says why: seed oauth-profile §8 <c>mission_state</c>
    /// with the state, required; ietf §Issuance Gating <c>mission_error</c> with <c>mission_revoked</c>, <c>mission_expired</c>, …, a SHOULD.
    /// </summary>
    public required string GatingMember { get; init; }

    /// <summary>Whether <see cref="GatingMember"/> is required (seed) or recommended (ietf-2026-08).</summary>
    public required bool GatingMemberRequired { get; init; }

    /// <summary>
    /// The values <see cref="GatingMember"/> may take when the edition lists them apart from the schema: ietf Issuance Gating's four;
    /// null for the seed, whose mission_state values oauth-error.schema.json enumerates.
    /// </summary>
    public required IReadOnlyList<string>? GatingValues { get; init; }

    /// <summary>The value <see cref="GatingMember"/> takes for a Mission in <paramref name="state"/>; null when the edition defines none for it.</summary>
    public string? GatingValue(string state) => Name == SeedName ? state
        : state switch { "revoked" => "mission_revoked", "expired" => "mission_expired", _ => null };

    /// <summary>
    /// The lifecycle and Mission Status requests' member naming the Mission: seed oauth-profile §12 and mission-status.md <c>mission</c>;
    /// ietf status §Operations and §Request <c>mission_id</c>.
    /// </summary>
    public required string MissionIdParameter { get; init; }

    /// <summary>
    /// The JOSE <c>typ</c> of a Mission Status answer: seed mission-status.md <c>application/mission-status-response+jwt</c>; ietf
    /// status §Response <c>mission-status-response+jwt</c> (RFC 7515 §4.1.9, without the prefix). The Content-Type is the full media type in both.
    /// </summary>
    public required string StatusJoseType { get; init; }

    /// <summary>
    /// The form a Mission Status nonce must have, refused otherwise: seed mission-status.md <c>[A-Za-z0-9_-]{16,128}</c>; ietf none
    /// (status §Error Responses refuses an absent or malformed nonce with invalid_request, and defines no format): null.
    /// </summary>
    public required string? StatusNonceFormat { get; init; }

    /// <summary>
    /// Whether a delegated token's client_id is the client that requested it (ietf §Delegation Within a Mission, RFC 8693 §4.3) rather
    /// than the approved agent (seed oauth-profile §10).
    /// </summary>
    public required bool DelegatedClientIsRequester { get; init; }

    /// <summary>The error refusing a delegation that narrows to no entry: seed oauth-profile §10 <c>invalid_grant</c>; ietf §Delegation Constraints <c>invalid_target</c>.</summary>
    public required string EmptyDelegationError { get; init; }

    /// <summary>The ways a Mission Status request may be authenticated, every other refused with 401 (seed mission-status.md "Authentication"; ietf status §Authentication).</summary>
    public required string StatusAuthentication { get; init; }

    /// <summary>The schema of a Mission Status answer's payload: seed mission-status.md's members; ietf status §Response's (state and anchors inside <c>mission</c>).</summary>
    public required Schemas.ArtifactKind StatusPayload { get; init; }

    /// <summary>
    /// Whether the Intent's top level takes extension members named x_… (seed framework §Mission Intent), with unknown members of
    /// <see cref="BoundsMember"/> refused; else (ietf §Submission via PAR, "Closed top levels") the top level is closed to every
    /// member the draft does not define, x_ ones included, and extensions go under <see cref="BoundsMember"/>.
    /// </summary>
    public required bool ExtendsAtTopLevel { get; init; }

    /// <summary>The Intent with an extension member holding <paramref name="value"/>, where this edition puts extensions.</summary>
    public JsonObject WithExtension(JsonObject intent, string value)
    {
        var copy = (JsonObject)intent.DeepClone();
        if (ExtendsAtTopLevel) copy["x_conformance_filler"] = value;
        else
        {
            var bounds = copy[BoundsMember] as JsonObject ?? new JsonObject();
            bounds["https://mission-conformance.dev/filler"] = value;  // a collision-resistant name (ietf §Extensibility)
            copy[BoundsMember] = bounds;
        }
        return copy;
    }

    /// <summary>The Intent size bound an AS that advertises no mission_intent_max_size has: seed 16384 octets; ietf none (deployment-defined).</summary>
    public required int? DefaultIntentMaxSize { get; init; }

    public static Edition Seed { get; } = new()
    {
        Name = SeedName, Source = "../shared/spec/seeds/", ResourcesMember = "objects", ExpiryMember = "mission_expiry", BoundsMember = "context",
        BoundsAreStrings = true, SubmitsEnvelope = false, RequiredIntentMembers = ["goal", "objects", "constraints", "success_criteria"],
        MissionAuthorityMember = "origin", GatingMember = "mission_state", GatingMemberRequired = true, GatingValues = null,
        MissionIdParameter = "mission", ExtendsAtTopLevel = true, DefaultIntentMaxSize = 16384,
        StatusJoseType = "application/mission-status-response+jwt", StatusNonceFormat = "[A-Za-z0-9_-]{16,128}", StatusPayload = Schemas.ArtifactKind.MissionStatus,
        StatusAuthentication = "the methods the seed allows (mtls, dpop_bearer, private_key_jwt)", DelegatedClientIsRequester = false, EmptyDelegationError = "invalid_grant",
    };

    public static Edition Ietf202608 { get; } = new()
    {
        Name = IetfName, Source = "../shared/spec/editions/ietf-2026-08/", ResourcesMember = "resources", ExpiryMember = "expires_at", BoundsMember = "controls",
        BoundsAreStrings = false, SubmitsEnvelope = true, RequiredIntentMembers = ["goal", "resources"],
        MissionAuthorityMember = "issuer", GatingMember = "mission_error", GatingMemberRequired = false,
        GatingValues = ["mission_revoked", "mission_expired", "mission_superseded", "derivations_exhausted"],
        MissionIdParameter = "mission_id", ExtendsAtTopLevel = false, DefaultIntentMaxSize = null,
        StatusJoseType = "mission-status-response+jwt", StatusNonceFormat = null, StatusPayload = Schemas.ArtifactKind.MissionStatusIetf,
        StatusAuthentication = "the mechanisms ietf-2026-08 allows (mTLS client authentication, a sender-constrained access token, private_key_jwt)",
        DelegatedClientIsRequester = true, EmptyDelegationError = "invalid_target",
    };

    public static IReadOnlyList<Edition> All { get; } = [Seed, Ietf202608];

    /// <summary>The edition of that name; null for a name no edition has.</summary>
    public static Edition? Named(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>The Intent's resources, in order; none when it lists none.</summary>
    public IReadOnlyList<string> Resources(JsonObject intent)
        => [.. (intent[ResourcesMember] as JsonArray ?? []).Select(o => o is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()];

    /// <summary>The Intent with <paramref name="resources"/> as its resources.</summary>
    public JsonObject WithResources(JsonObject intent, IEnumerable<string> resources)
    {
        var copy = (JsonObject)intent.DeepClone();
        copy[ResourcesMember] = new JsonArray([.. resources.Select(r => (JsonNode?)r)]);
        return copy;
    }

    /// <summary>The Intent's requested expiry; null when absent or not an RFC 3339 date-time.</summary>
    public DateTimeOffset? Expiry(JsonObject intent)
        => intent[ExpiryMember] is JsonValue v && v.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>The Intent with its expiry set to <paramref name="at"/>, to the second, in UTC.</summary>
    public JsonObject WithExpiry(JsonObject intent, DateTimeOffset at)
    {
        var copy = (JsonObject)intent.DeepClone();
        copy[ExpiryMember] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return copy;
    }

    /// <summary>The Intent's max_derivations bound as written; null when it has none.</summary>
    public JsonNode? MaxDerivations(JsonObject intent) => intent[BoundsMember]?["max_derivations"];

    /// <summary>The Intent with a max_derivations bound of <paramref name="value"/>, written as this edition writes bounds.</summary>
    public JsonObject WithMaxDerivations(JsonObject intent, int value) => WithMaxDerivations(intent, BoundsAreStrings ? JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)) : JsonValue.Create(value));

    /// <summary>The Intent with max_derivations set to exactly <paramref name="value"/> (a malformed one included).</summary>
    public JsonObject WithMaxDerivations(JsonObject intent, JsonNode? value)
    {
        var copy = (JsonObject)intent.DeepClone();
        copy[BoundsMember] ??= new JsonObject();
        copy[BoundsMember]!["max_derivations"] = value;
        return copy;
    }

    /// <summary>The value of PAR's <c>mission_intent</c> parameter for this Intent (already serialised, for one that is deliberately malformed).</summary>
    public string Submission(string intentJson) => SubmitsEnvelope ? $$"""{"intent":{{intentJson}}}""" : intentJson;

    public string Submission(JsonObject intent) => Submission(intent.ToJsonString());
}
