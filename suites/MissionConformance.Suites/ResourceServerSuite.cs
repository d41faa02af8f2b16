using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites;

/// <summary>
/// The Resource Server scenarios of conformance.md §5 (RS-A … RS-D), each run against every server of
/// the target file with the harness playing the AS and PDP; with no servers in the file they judge nothing.
/// </summary>
public static class ResourceServerSuite
{
    public static IReadOnlyList<Scenario> Scenarios() =>
    [
        new ResourceDiscoveryScenario(),
        new TokenValidationScenario(),
        new MissionStateScenario(),
        new AuthorityEnforcementScenario(),
        new PdpEnforcementScenario(),
        new ExecutionEvidenceScenario(),
        new SlotTimeoutScenario(),
        new RequestableDenialScenario(),
        new EnforcementManifestScenario(),
        new DelegationScenario(),
    ];
}

/// <summary>
/// conformance.md §5 L2 item 4: the Resource AS scenario, run against every Resource AS of the target file with the
/// harness as the origin of ID-JAGs; with none in the file it judges nothing.
/// </summary>
public static class ResourceAsSuite
{
    public static IReadOnlyList<Scenario> Scenarios() => [new ResourceAsValidationScenario(), new ProjectionIssuerFailsClosedScenario()];
}

/// <summary>
/// conformance.md §5 L4 item 5, the PDP scenarios: run against every PDP of the target file with the harness as its PEP and as the Mission
/// state source it trusts; with none in the file they judge nothing.
/// </summary>
public static class PdpSuite
{
    public static IReadOnlyList<Scenario> Scenarios() =>
        [new PdpMissionStateScenario(), new PdpContextScenario(), new PdpAuthorityScenario(), new PdpQuotaScenario(), new PdpEvidenceScenario()];
}

/// <summary>Everything the suite runs: the Level-1 / AD-1 scenarios, the Resource Server scenarios, the Resource AS scenarios, then the PDP scenarios.</summary>
public static class ConformanceSuite
{
    public static IReadOnlyList<Scenario> Scenarios() => [.. LevelOneSuite.Scenarios(), .. ResourceServerSuite.Scenarios(), .. ResourceAsSuite.Scenarios(), .. PdpSuite.Scenarios()];
}
