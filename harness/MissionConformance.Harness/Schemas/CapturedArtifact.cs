using System.Text.Json;
using MissionConformance.Harness.Crypto;

namespace MissionConformance.Harness.Schemas;

/// <summary>
/// An artifact as captured: its kind and the errors its schema found (fixtures/schemas/, draft-07). The capture layer makes
/// these (an HTTP call declaring what it receives, a JWT decoded as what it is, a peer taking a request); checks only read them.
/// </summary>
public sealed record CapturedArtifact(ArtifactKind Kind, IReadOnlyList<SchemaError> Errors)
{
    /// <summary>
    /// Validates an artifact as it came off the wire. The kinds sent as a signed JWT (<see cref="SentAsJws"/>) are decoded
    /// first and their payload is what the schema describes; a body that is no compact JWS is the one error.
    /// </summary>
    public static CapturedArtifact Validate(ArtifactKind kind, string body)
    {
        if (!SentAsJws(kind)) return new(kind, ArtifactSchemas.Validate(kind, body));
        try
        {
            return new(kind, ArtifactSchemas.Validate(kind, DecodedJwt.Decode(body.Trim()).Payload.GetRawText()));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return new(kind, [new SchemaError("", $"not a compact JWS whose payload is JSON ({e.Message})", "jws")]);
        }
    }

    /// <summary>A decoded JSON value (a JWT's payload or header, a document found inside another) validated as <paramref name="kind"/>.</summary>
    public static CapturedArtifact Of(ArtifactKind kind, JsonElement value) => new(kind, ArtifactSchemas.Validate(kind, value.GetRawText()));

    /// <summary>Mission Status answers (mission-status.md §4) and lifecycle Security Event Tokens (RFC 8417) are JWTs on the wire.</summary>
    public static bool SentAsJws(ArtifactKind kind) => kind is ArtifactKind.MissionStatus or ArtifactKind.MissionStatusIetf or ArtifactKind.LifecycleEventSet;

    /// <summary>The errors at or under <paramref name="pointer"/>, with their pointers made relative to it.</summary>
    public IReadOnlyList<SchemaError> Under(string pointer)
        => [.. Errors.Where(e => e.Pointer == pointer || e.Pointer.StartsWith(pointer + "/", StringComparison.Ordinal))
            .Select(e => e with { Pointer = e.Pointer[pointer.Length..] })];
}
