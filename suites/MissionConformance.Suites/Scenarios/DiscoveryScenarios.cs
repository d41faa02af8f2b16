using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>conformance.md §5 L1 item 1: RFC 8414 metadata and its Mission members.</summary>
public sealed class MetadataScenario : Scenario
{
    public override string Id => "discovery.metadata";
    public override string Title => "AS metadata advertises Mission support with well-typed members";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new MetadataIsRfc8414(),
        new MissionSupportFlagIsBoolean(),
        new MissionResourceAccessAdvertised(),
        new MissionMetadataMembersTyped(),
        new PairwiseSectorAdvertised(),
        new CapabilityFieldsUseClosedEnums(),
        new NoUnregisteredOptionalModules(),
        new TypesMetadataAdvertised(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var document = context.Client.Metadata.Document;
        var evidence = new MetadataEvidence(document, context.Client.Metadata.SchemaErrors) { FetchedFor = context.Server.Issuer.AbsoluteUri };
        context.Judge(new MetadataIsRfc8414(), evidence);
        context.Judge(new MissionSupportFlagIsBoolean(), evidence);
        context.Judge(new MissionResourceAccessAdvertised(), evidence);
        context.Judge(new MissionMetadataMembersTyped(), evidence);
        context.Judge(new PairwiseSectorAdvertised(), evidence);
        context.Judge(new CapabilityFieldsUseClosedEnums(), evidence);
        context.Judge(new NoUnregisteredOptionalModules(), evidence);

        // Asked only where the edition requires it (ietf-2026-08), so a seed run sends nothing more.
        if (!context.Applies(new TypesMetadataAdvertised().RequirementId))
        {
            context.NotInEdition(new TypesMetadataAdvertised().RequirementId);
            return;
        }
        var endpoint = Subset.Text(document, TypesMetadataAdvertised.EndpointMember) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
        var answered = endpoint is null ? null : await context.Client.GetDocumentAsync(endpoint, context.Cancellation, ArtifactKind.AuthorizationDetailsTypesMetadata);
        context.Judge(new TypesMetadataAdvertised(), new TypesMetadataEvidence(document, endpoint, answered));
    }
}
