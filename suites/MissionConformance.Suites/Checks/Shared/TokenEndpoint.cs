using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// One issued token and what it is judged against: the issuer, the agent client, the approver's
/// subject (when the target file names it), the Intent's mission_expiry, the resources requested
/// with RFC 8707, the AS metadata and the Mission record (when the target exposes an inventory).
/// </summary>
public sealed record TokenEvidence(
    TokenExchange Token,
    string Issuer,
    string ClientId,
    string? ApproverSubject,
    DateTimeOffset MissionExpiry,
    IReadOnlyList<string> RequestedResources,
    JsonElement Metadata,
    JsonObject? Record)
{
    public JsonElement? RecordAuthoritySet => Record?["authority_set"] is JsonArray set ? JsonSerializer.SerializeToElement(set) : null;

    public string? RecordAnchor(string name) => (string?)Record?["integrity"]?[name];

    /// <summary>What Mission Status or introspection showed of the Mission, when no record was read (issue 19: anchors without an inventory).</summary>
    public MissionWitness? Witness { get; init; }

    /// <summary>Why neither a record nor a <see cref="Witness"/> is at hand.</summary>
    public MissionWitness.Gap? WitnessGap { get; init; }

    /// <summary>The judgement when nothing shows the Mission: SKIPPED for want of a target-file field, or not verifiable black-box.</summary>
    public Judgement Unseen(string what)
        => WitnessGap is { Wants: { } field } gap ? Judgement.SkipForWant(field, $"not judged: {what} is shown by Mission Status or introspection, and {gap.Reason}")
            : Judgement.Unverifiable($"{what} is shown only by Mission Status or introspection, and {WitnessGap?.Reason ?? "neither was asked"}");
}

/// <summary>Token responses that carried tokens, each with what it was.</summary>
public sealed record TokenResponses(IReadOnlyList<(string What, WireResponse Response)> Responses);

/// <summary>An authorization response, and whether metadata promises RFC 9207's iss in it.</summary>
public sealed record AuthorizationResponseEvidence(bool Advertised, string Issuer, string? ResponseIssuer);
