using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Faults;

/// <summary>Every named fault of the reference stack; <see cref="FaultCatalogue"/> says what each breaks.</summary>
public enum Fault
{
    MalformedMissionMetadata,
    PairwiseWithoutSector,
    CapabilityOutOfEnum,
    ResponseTypesAsString,
    ParWithoutExpiresIn,
    AcceptFrontChannelIntent,
    MalformedIntentServerError,
    AcceptDuplicateMembers,
    AcceptMissingRequiredMembers,
    AcceptUnknownMembers,
    IgnoreIntentSizeLimit,
    AcceptIntentWithAuthorizationDetails,
    AcceptZeroMaxDerivations,
    FrontChannelWidensAuthority,
    AcceptUncoveredResource,
    ReuseMissionIdForIdenticalIntent,
    ExtendMissionExpiry,
    AcceptUnregisteredPurpose,
    SkipPkceVerification,
    AuthorizationCodeReusable,
    TokenResponseCacheable,
    AuthorizationResponseWithoutIss,
    ParNotRequired,
    CreateStateOnRefusedPar,
    OmitExpiryFromConsent,
    ChangeAuthorityAfterRender,
    IgnoreAcr,
    NoAntiForgery,
    FramableConsent,
    HideSubjectOnBehalf,
    HideNarrowingDecisions,
    ActivateOnRedemption,
    DenyIssuesCode,
    SubjectFromLoginHint,
    MissionFromClientParameter,
    SequentialMissionId,
    MissionIdEmbedsSubject,
    OriginWithQuery,
    PaddedAnchors,
    ConstantRenderingHash,
    AuthorityHashChangesOnRefresh,
    AuthorityHashWithoutEnvelope,
    ProposalHashOverRawIntent,
    MissingMissionClaim,
    WrongAuthorityHash,
    MissionClaimWithIdAndRef,
    TokenResponseDetailsDiffer,
    WidenTokenDetails,
    InvalidActionName,
    TokenOutlivesMissionExpiry,
    AudienceIncludesUnrelated,
    BroadenOnResourceNarrowing,
    ScopeBroaderThanDetails,
    RefreshChangesSubject,
    WrongTokenType,
    DropConstraintOnNarrowing,
    DeriveOutsideSet,
    RefreshWhileSuspended,
    RefreshAfterRevoke,
    RefreshAfterComplete,
    IgnoreMissionExpiry,
    NonStandardMissionState,
    ResumeDoesNotRestore,
    IgnoreMaxDerivations,
    RacyDerivationCounter,
    CacheableGatingError,
    TokenRevocationRevokesMission,
    NoRefreshRotation,
    RefreshResponseWithoutDetails,
    RevokeIsNoOp,
    SuspendIsNoOp,
    CompleteNotSupported,
    LeakForeignMissionOnLifecycle,
    NonIdempotentLifecycle,
    ResumeFromTerminal,
    CompleteWhileSuspended,
    LifecycleAcceptsClientSecret,

    // Mission Status and the mission-authority document (AD-3)
    StatusAcceptsClientSecret,
    StatusUnsigned,
    StatusSignedByUnknownKey,
    StatusAsIntrospectionJwt,
    StatusIgnoresNonce,
    StatusWrongAudience,
    StatusOmitsAnchors,
    StatusDpopAnswerReplayed,
    StatusLeaksForeignAudience,
    StatusForeignMissionOracle,
    StatusErrorsWithoutNonce,
    StatusHidesInactiveMissions,
    StatusLongLived,
    StatusFreshnessAfterIssue,
    StatusMissionWithIdAndRef,
    StatusRateLimitWithoutRetryAfter,
    StatusRateLimitPerMission,
    StatusOmitsPolicyVersion,
    DpopAnnouncedAsBearer,
    PublicRefreshNeitherRotatedNorBound,
    FrontChannelScopeGranted,
    NarrowingDropsConstraint,
    NarrowingAddsObject,
    MissionAuthorityIssuerMismatch,
    MissionAuthorityNotJson,

    // Introspection with the Mission projection (AD-3)
    IntrospectionActiveForInactiveMission,
    IntrospectionOmitsMission,
    StateAuthorityWithoutHash,
    IntrospectionLeaksToNonAudience,
    IntrospectionErrorsOnMalformedToken,
    IntrospectionNeverSigned,

    // Projection within the domain (AD-2): refresh and Token Exchange
    MissionClaimModeVaries,
    RefreshIgnoresResource,
    ExchangeAfterRevoke,
    ExchangeWidensAuthority,
    ExchangeLosesMission,
    DelegationNamesNoActor,
    DelegationWidens,
    DelegationUnbound,
    DelegationIgnoresEntryRules,
    DelegationIssuesEmptyToken,
    DelegationTrustsSelfAssertedProfile,
    DelegationWhileInactive,

    // Projection to another domain (AD-2): ID-JAG issuance
    IdJagFromAccessToken,
    IdJagLongLived,
    IdJagRepeatsJti,
    IdJagSignedByUnknownKey,
    IdJagBoundToOtherKey,
    IdJagDisclosesOtherDomains,
    IdJagAfterRevoke,
    IdJagMislabelled,
    PairwiseRefSharedAcrossSectors,
    PairwiseLeaksCanonicalId,
    PairwiseRefUnresolvable,
    ExchangeCopiesPairwiseRef,
    StepUpWidensAuthority,

    // Reference Resource Servers (reference/…/ResourceServers)
    RsNoResourceMetadata,
    RsAcceptsWrongTyp,
    RsAcceptsMissingMission,
    RsIgnoresRevokedMission,
    RsNeverAsksMissionStatus,
    RsShortStatusNonce,
    RsReusesExpiredStatus,
    RsTreatsUnknownStateAsActive,
    RsIgnoresActions,
    RsIgnoresConstraint,
    RsAcceptsUnknownConstraint,
    RsScopeWidensDetails,
    RsHonoursForeignEntries,
    RsTrustsUnknownMissionMembers,
    RsListsEveryTool,
    RsSkipsPdp,
    RsActsOnDeny,
    RsActsThenAsks,
    RsFailsOpenWhenPdpDown,
    RsOmitsMissionContext,
    RsOmitsFreshness,
    RsOmitsToolId,
    RsWrongParameterDigest,
    RsOmitsExecutionEvidence,
    RsEvidenceDigestMismatch,
    RsEvidenceInventsOutcome,
    RsEvidenceCarriesContent,
    RsExpiredSlotLeavesNoEvidence,
    RsNoTaskOnRequestableDenial,
    RsExecutesOnApprovalUnchecked,
    RsReevaluatesWithStaleState,
    RsIgnoresDpopBinding,
    RsManifestWithoutPeps,
    RsManifestMissesAction,
    RsActorFromClientId,
    RsProvenanceInAct,
    RsTrustsIntrospectionForDpop,
    RsManifestChangeKeepsVersion,
    RsUnauthenticatedPdpCalls,
    StatusDpopProofUnchecked,
    StatusDpopBearerRefused,
    StatusMtlsCertificateUnchecked,
    StatusMtlsRefused,
    ExpansionWithoutSupersedes,
    ExpansionLeavesPriorActive,
    DeniedExpansionEndsPrior,
    ResourceAsTrustsAnyOrigin,
    ResourceAsIgnoresAudience,
    ResourceAsAcceptsBearerJag,
    ResourceAsAcceptsReplayedJag,
    LocalTokenOutlivesGrant,
    ResourceAsWidensGrant,
    ResourceAsReportsMissionState,
    ResourceAsServesMissionStatus,
    ProjectionIssuerFailsOpen,
    MasProfileUnadvertised,
    MasRevocationNotPropagated,
    ProjectionIssuerRewritesOrigin,
    LifecycleEventsSkipSuspension,

    // The reference PDP (reference/…/Pdp)
    PdpIgnoresMissionState,
    PdpSkipsDigestCheck,
    PdpIgnoresStaleness,
    PdpPermitsUnlistedActions,
    PdpPermitsBeyondTheEntry,
    PdpPlainDenials,
    PdpRecordsPermitsOnly,
    PdpEvidenceSignedByUnpublishedKey,
    PdpEvidenceWithoutDenialReason,
    PdpIgnoresMaxInvocations,
    PdpIgnoresToolId,
}

/// <summary>Which reference server a fault changes: the Authorization Server, every reference Resource Server started with it, or the reference Resource AS.</summary>
public enum FaultSite { AuthorizationServer, ResourceServer, ResourceAs, ProjectionIssuer, Pdp }

/// <summary>How a fault site is named: in prose, in machine-readable output, and by the CLI verb that starts its server.</summary>
public static class FaultSites
{
    public static IReadOnlyList<FaultSite> All { get; } = Enum.GetValues<FaultSite>();

    public static string Title(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "Authorization Server",
        FaultSite.ResourceServer => "Resource Servers",
        FaultSite.ProjectionIssuer => "projection issuers",
        FaultSite.Pdp => "PDP",
        _ => "Resource AS",
    };

    public static string Slug(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "authorization-server",
        FaultSite.ResourceServer => "resource-server",
        FaultSite.ProjectionIssuer => "projection-issuer",
        FaultSite.Pdp => "pdp",
        _ => "resource-as",
    };

    public static string Command(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "serve",
        FaultSite.ResourceServer => "serve-rs",
        FaultSite.ProjectionIssuer => "serve --projection-issuers URL,URL",
        FaultSite.Pdp => "serve-pdp",
        _ => "serve-ras",
    };
}

/// <summary>
/// A named, deliberate defect of the reference stack. Each breaks one behaviour, so that the check
/// judging the listed requirement ids can be proven to fail (design.md principle 6).
/// </summary>
public sealed record FaultDescriptor(Fault Fault, string Breaks, IReadOnlyList<string> RequirementIds, FaultSite Site = FaultSite.AuthorizationServer)
{
    public string Name => Fault.ToString();

    /// <summary>
    /// The variant the fault lives in, when its behaviour exists only where the reference makes that choice (a DPoP binding announced
    /// wrongly needs a reference that binds): its self-tests start the reference in that variant, and so should a run that wants to see it.
    /// </summary>
    public Configuration.Variant? Under { get; init; }
}

public static class FaultCatalogue
{
    /// <summary>Every fault, as its hook class describes it (<see cref="FaultHookAttribute"/>), in the order of the enum.</summary>
    public static IReadOnlyList<FaultDescriptor> All { get; } = [.. FaultInstaller.Descriptors.OrderBy(d => d.Fault)];

    public static FaultDescriptor? Find(string name)
        => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    public static FaultDescriptor Describe(Fault fault) => All.Single(f => f.Fault == fault);
}

/// <summary>The faults a reference instance was started with; none by default.</summary>
public sealed class FaultSet
{
    private readonly HashSet<Fault> _active;

    public FaultSet(IEnumerable<Fault> faults) => _active = [.. faults];

    public static FaultSet None { get; } = new([]);

    /// <summary>Parses a comma-separated list such as "RefreshAfterRevoke,MissingMissionClaim".</summary>
    public static FaultSet Parse(string? list)
    {
        var faults = new List<Fault>();
        foreach (var name in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            faults.Add(FaultCatalogue.Find(name)?.Fault ?? throw new ReferenceConfigurationException(
                $"unknown fault \"{name}\"; `mission-conformance list faults` prints the catalogue"));
        }
        return new FaultSet(faults);
    }

    public IReadOnlyCollection<Fault> Active => _active;

    /// <summary>Refuses faults of the other kinds of server, so `serve --faults RsSkipsPdp` is an error rather than a no-op.</summary>
    public FaultSet OnlyAt(FaultSite site, string command) => OnlyAt([site], command);

    /// <summary>Refuses faults of servers <paramref name="command"/> does not start.</summary>
    public FaultSet OnlyAt(IReadOnlyCollection<FaultSite> sites, string command)
    {
        var misplaced = _active.Where(f => !sites.Contains(FaultCatalogue.Describe(f).Site)).ToList();
        if (misplaced.Count == 0) return this;
        var owners = misplaced.Select(f => FaultCatalogue.Describe(f).Site).Distinct().Select(s => $"the {s.Title()} (use {s.Command()} --faults)");
        throw new ReferenceConfigurationException($"{string.Join(", ", misplaced)} {(misplaced.Count == 1 ? "is a fault" : "are faults")} of {string.Join(" and ", owners)}, not of {command}");
    }

    public bool Has(Fault fault) => _active.Contains(fault);
}
