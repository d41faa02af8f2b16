using System.Text.Json;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

/// <summary>The AS metadata document and its schema violations (fixtures/schemas/as-metadata.schema.json).</summary>
public sealed record MetadataEvidence(JsonElement Document, IReadOnlyList<SchemaError> SchemaErrors)
{
    /// <summary>Members judged by their own requirement rather than by MBO-AS-MD-003.</summary>
    public static readonly string[] CapabilityMembers =
        ["/mission_ladder_levels_supported", "/mission_authorization_domain_tiers_supported", "/mission_profiles_supported", "/mission_optional_modules_supported"];

    /// <summary>The issuer identifier the document was fetched for (the target file's issuer), when known.</summary>
    public string? FetchedFor { get; init; }

    public IEnumerable<SchemaError> ErrorsUnder(params string[] pointers)
        => SchemaErrors.Where(e => pointers.Any(p => e.Pointer == p || e.Pointer.StartsWith(p + "/", StringComparison.Ordinal)));
}
