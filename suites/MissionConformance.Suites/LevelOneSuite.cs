using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Scenarios;

namespace MissionConformance.Suites;

/// <summary>
/// The authorization-domain scenarios of conformance.md §5 in the order a report lists them: Level 1 /
/// AD-1, then AD-2 (projection within the domain), then AD-3 at the state authority (Mission Status
/// and introspection).
/// </summary>
public static class LevelOneSuite
{
    public static IReadOnlyList<Scenario> Scenarios() =>
    [
        new MetadataScenario(),
        new ParAcceptanceScenario(),
        new ParRefusalsScenario(),
        new FrontChannelScenario(),
        new IdenticalIntentsScenario(),
        new ApprovalAndTokenScenario(),
        new SubjectScenario(),
        new DenialScenario(),
        new StepUpScenario(),
        new ForgedApprovalScenario(),
        new OnBehalfConsentScenario(),
        new ApprovalReplayScenario(),
        new NarrowingAndAnchorsScenario(),
        new ResourceNarrowingScenario(),
        new PkceScenario(),
        new ClientMissionIdScenario(),
        new RefreshScenario(),
        new TokenRevocationScenario(),
        new LifecycleGatingScenario(),
        new LifecycleAuthenticationScenario(),
        new ExpiryScenario(),
        new DerivationBudgetScenario(),
        // Level 2 / AD-2: projection within the domain, and by ID-JAG into another (issue 6).
        new AudienceProjectionScenario(),
        new TokenExchangeScenario(),
        new TokenDelegationScenario(),
        new IdJagIssuanceScenario(),
        new PairwiseReferenceScenario(),
        // Mission Expansion, by the suite's convention where the target file declares it (oauth-profile.md §13).
        new MissionExpansionScenario(),
        // Level 3 / AD-3 at the state authority (issue 6); judged in the same run, so the domain's tier is one pass.
        new MissionStatusScenario(),
        // The MAS topology (mas.md), when the target file declares projection issuers: the MAS's own tier rests on them.
        new MissionAuthorityScenario(),
        new ProjectionScenario(),
        // Lifecycle events, where the AS advertises event_driven and the target file says where it pushes them.
        new LifecycleEventScenario(),
    ];
}
