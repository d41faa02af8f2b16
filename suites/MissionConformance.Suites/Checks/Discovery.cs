using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

/// <summary>The AS metadata document and its schema violations (fixtures/schemas/as-metadata.schema.json).</summary>
public sealed record MetadataEvidence(JsonElement Document, IReadOnlyList<SchemaError> SchemaErrors)
{
    /// <summary>Members judged by their own requirement rather than by MBO-AS-MD-003.</summary>
    public static readonly string[] CapabilityMembers =
        ["/mission_ladder_levels_supported", "/mission_authorization_domain_tiers_supported", "/mission_profiles_supported", "/mission_optional_modules_supported"];

    public IEnumerable<SchemaError> ErrorsUnder(params string[] pointers)
        => SchemaErrors.Where(e => pointers.Any(p => e.Pointer == p || e.Pointer.StartsWith(p + "/", StringComparison.Ordinal)));
}

public sealed class MissionSupportFlagIsBoolean : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-001";

    public override Judgement Judge(MetadataEvidence e)
        => !e.Document.TryGetProperty("mission_bound_authorization_supported", out var flag)
            ? Judgement.Pass("mission_bound_authorization_supported is not advertised (it is optional)")
            : Judgement.That(flag.ValueKind is JsonValueKind.True or JsonValueKind.False,
                $"mission_bound_authorization_supported is {flag.GetRawText()}",
                $"mission_bound_authorization_supported must be a boolean, is {flag.GetRawText()}");
}

public sealed class MissionResourceAccessAdvertised : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-002";

    public override Judgement Judge(MetadataEvidence e)
        => Judgement.That(
            e.Document.TryGetProperty("authorization_details_types_supported", out var types) && types.ValueKind == JsonValueKind.Array
                && types.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "mission_resource_access"),
            "authorization_details_types_supported lists mission_resource_access",
            "authorization_details_types_supported does not list mission_resource_access; add it to the AS metadata");
}

public sealed class MissionMetadataMembersTyped : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-003";

    public override Judgement Judge(MetadataEvidence e)
    {
        // Capability fields and the pairwise sector have requirements of their own (MD-007, MD-004).
        var errors = e.SchemaErrors.Where(x => x.Pointer.StartsWith("/mission_", StringComparison.Ordinal)
            && !MetadataEvidence.CapabilityMembers.Any(c => x.Pointer.StartsWith(c, StringComparison.Ordinal))
            && !x.Pointer.StartsWith("/mission_pairwise_sector", StringComparison.Ordinal)).ToList();
        return Judgement.That(errors.Count == 0, "every advertised mission_* member has the profile's type",
            "AS metadata: " + string.Join("; ", errors));
    }
}

public sealed class PairwiseSectorAdvertised : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-004";

    public override Judgement Judge(MetadataEvidence e)
    {
        if (!e.Document.TryGetProperty("mission_pairwise_supported", out var pairwise) || pairwise.ValueKind != JsonValueKind.True)
        {
            return Judgement.Pass("pairwise Mission references are not advertised, so no sector is needed");
        }
        var sector = e.Document.TryGetProperty("mission_pairwise_sector", out var s) ? s.GetRawText() : null;
        return Judgement.That(sector is not null && !e.ErrorsUnder("/mission_pairwise_sector").Any(),
            $"mission_pairwise_sector is {sector}",
            sector is null
                ? "mission_pairwise_supported is true but mission_pairwise_sector is missing; add one of resource_server, resource_as, tenant, trust_domain"
                : $"mission_pairwise_sector {sector} is not one of resource_server, resource_as, tenant, trust_domain");
    }
}

public sealed class CapabilityFieldsUseClosedEnums : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-007";

    public override Judgement Judge(MetadataEvidence e)
    {
        var errors = e.ErrorsUnder(MetadataEvidence.CapabilityMembers[..3]).ToList();
        return Judgement.That(errors.Count == 0, "capability fields use only the closed enumerations", "capability fields: " + string.Join("; ", errors));
    }
}

public sealed class NoUnregisteredOptionalModules : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-008";

    public override Judgement Judge(MetadataEvidence e)
        => e.Document.TryGetProperty("mission_optional_modules_supported", out var modules) && modules.ValueKind == JsonValueKind.Array && modules.GetArrayLength() > 0
            ? Judgement.Fail($"mission_optional_modules_supported lists {modules.GetRawText()}, but no optional module is registered yet")
            : Judgement.Pass("no optional modules are advertised (none is registered yet)");
}
