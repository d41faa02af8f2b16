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
        new RequestableDenialScenario(),
        new EnforcementManifestScenario(),
        new DelegationScenario(),
    ];
}

/// <summary>Everything the suite runs: the Level-1 / AD-1 scenarios, then the Resource Server scenarios.</summary>
public static class ConformanceSuite
{
    public static IReadOnlyList<Scenario> Scenarios() => [.. LevelOneSuite.Scenarios(), .. ResourceServerSuite.Scenarios()];
}
