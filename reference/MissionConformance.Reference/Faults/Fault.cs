using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Faults;

/// <summary>Every named fault of the reference stack; <see cref="FaultCatalogue"/> says what each breaks.</summary>
public enum Fault
{
    MalformedMissionMetadata,
    PairwiseWithoutSector,
    CapabilityOutOfEnum,
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
    RsFailsOpenWhenPdpDown,
    RsOmitsMissionContext,
    RsOmitsFreshness,
    RsOmitsToolId,
    RsWrongParameterDigest,
    RsOmitsExecutionEvidence,
    RsEvidenceDigestMismatch,
    RsEvidenceInventsOutcome,
    RsEvidenceCarriesContent,
    RsNoTaskOnRequestableDenial,
    RsExecutesOnApprovalUnchecked,
    RsReevaluatesWithStaleState,
    RsIgnoresDpopBinding,
    RsManifestWithoutPeps,
    RsManifestMissesAction,
    RsActorFromClientId,
    RsProvenanceInAct,
    RsTrustsIntrospectionForDpop,
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
}

/// <summary>Which reference server a fault changes: the Authorization Server, every reference Resource Server started with it, or the reference Resource AS.</summary>
public enum FaultSite { AuthorizationServer, ResourceServer, ResourceAs, ProjectionIssuer }

/// <summary>How a fault site is named: in prose, in machine-readable output, and by the CLI verb that starts its server.</summary>
public static class FaultSites
{
    public static IReadOnlyList<FaultSite> All { get; } = Enum.GetValues<FaultSite>();

    public static string Title(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "Authorization Server",
        FaultSite.ResourceServer => "Resource Servers",
        FaultSite.ProjectionIssuer => "projection issuers",
        _ => "Resource AS",
    };

    public static string Slug(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "authorization-server",
        FaultSite.ResourceServer => "resource-server",
        FaultSite.ProjectionIssuer => "projection-issuer",
        _ => "resource-as",
    };

    public static string Command(this FaultSite site) => site switch
    {
        FaultSite.AuthorizationServer => "serve",
        FaultSite.ResourceServer => "serve-rs",
        FaultSite.ProjectionIssuer => "serve --projection-issuers URL,URL",
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
    public static IReadOnlyList<FaultDescriptor> All { get; } =
    [
        // Discovery
        new(Fault.MalformedMissionMetadata, "advertises mission_intent_max_size as a string", ["MBO-AS-MD-003"]),
        new(Fault.PairwiseWithoutSector, "advertises mission_pairwise_supported=true without mission_pairwise_sector", ["MBO-AS-MD-004"]),
        new(Fault.CapabilityOutOfEnum, "advertises ladder level 6 and tier AD-4", ["MBO-AS-MD-007"]),

        // PAR and Intent validation
        new(Fault.ParWithoutExpiresIn, "the PAR response omits expires_in", ["MBO-AS-PAR-001"]),
        new(Fault.AcceptFrontChannelIntent, "accepts mission_intent on a front-channel /authorize request", ["MBO-AS-PAR-002"]),
        new(Fault.MalformedIntentServerError, "answers an unparseable mission_intent with 500 server_error", ["MBO-AS-PAR-003"]),
        new(Fault.AcceptDuplicateMembers, "accepts a mission_intent with duplicate member names", ["MBO-AS-PAR-004"]),
        new(Fault.AcceptMissingRequiredMembers, "does not require goal, constraints, success_criteria or mission_expiry, and refuses empty objects with invalid_authorization_details", ["MBO-AS-PAR-005"]),
        new(Fault.AcceptUnknownMembers, "accepts unknown non-x_ members at the top level and in context", ["MBO-AS-PAR-006"]),
        new(Fault.IgnoreIntentSizeLimit, "accepts a mission_intent larger than mission_intent_max_size", ["MBO-AS-PAR-007"]),
        new(Fault.AcceptIntentWithAuthorizationDetails, "accepts mission_intent together with authorization_details", ["MBO-AS-PAR-008"]),
        new(Fault.AcceptZeroMaxDerivations, "accepts context.max_derivations below 1", ["MBO-AS-PAR-009"]),
        new(Fault.FrontChannelWidensAuthority, "adds front-channel authorization_details on request_uri redemption to the Authority Set", ["MBO-AS-PAR-010"]),
        new(Fault.NarrowingAddsObject, "validation adds an object the client never submitted to the validated Intent the Mission records", ["MBO-AS-PAR-014"]),
        new(Fault.NarrowingDropsConstraint, "validation removes the Intent's last client constraint from the validated Intent the Mission records (and renders)", ["MBO-AS-PAR-014"]),
        new(Fault.FrontChannelScopeGranted, "a scope added on the front-channel request that redeems the request_uri is granted to the Mission's tokens (scope claim)", ["MBO-AS-PAR-010"]),
        new(Fault.AcceptUncoveredResource, "accepts a resource value no derived entry covers, at PAR and at the token endpoint, and issues the token for it", ["MBO-AS-PAR-012"]),
        new(Fault.ReuseMissionIdForIdenticalIntent, "gives a second identical Intent the Mission id of the first", ["MBO-AS-PAR-013", "MBO-AS-REC-010"]),
        new(Fault.ExtendMissionExpiry, "narrowing sets mission_expiry to the policy ceiling even when the submitted value is earlier", ["MBO-AS-PAR-014"]),
        new(Fault.AcceptUnregisteredPurpose, "accepts an Intent whose purpose is not registered for the client", ["MBO-AS-PAR-015"]),
        new(Fault.SkipPkceVerification, "redeems a code without verifying the PKCE code_verifier", ["MBO-AS-PAR-016"]),
        new(Fault.AuthorizationCodeReusable, "a redeemed authorization code is redeemed again, with the tokens of its first redemption", ["MC-AS-TOK-101"]),
        new(Fault.TokenResponseCacheable, "token endpoint answers carry Cache-Control: public, max-age=300 instead of no-store", ["MC-AS-TOK-102"]),
        new(Fault.AuthorizationResponseWithoutIss, "advertises authorization_response_iss_parameter_supported, but the authorization response carries no iss", ["MC-AS-APR-105"]),
        new(Fault.ParNotRequired, "advertises require_pushed_authorization_requests, but serves a front-channel authorization request without request_uri", ["MC-AS-PAR-101"]),
        new(Fault.CreateStateOnRefusedPar, "records a pending Mission for a PAR it refuses",
            ["MBO-AS-PAR-003", "MBO-AS-PAR-004", "MBO-AS-PAR-005", "MBO-AS-PAR-006", "MBO-AS-PAR-007", "MBO-AS-PAR-008", "MBO-AS-PAR-009", "MBO-AS-PAR-011", "MBO-AS-PAR-015"]),

        // Consent and approval
        new(Fault.OmitExpiryFromConsent, "the consent page does not show mission_expiry", ["MBO-AS-APR-001"]),
        new(Fault.ChangeAuthorityAfterRender, "between rendering and approval the docs entry gains the delete_doc action, and the Mission is activated with it without a fresh approval", ["MBO-AS-APR-001"]),
        new(Fault.IgnoreAcr, "an Intent's context.acr asking for the second factor is not enforced: password sign-in reaches consent", ["MC-AS-APR-101"]),
        new(Fault.NoAntiForgery, "the consent POST is accepted without its anti-forgery token", ["MC-AS-APR-102"]),
        new(Fault.FramableConsent, "the login and consent pages send neither X-Frame-Options nor CSP frame-ancestors", ["MC-AS-APR-103"]),
        new(Fault.HideSubjectOnBehalf, "when an assistant approves for someone else, the consent page names only the approver, not the subject the Mission is for", ["MC-AS-APR-104"]),
        new(Fault.HideNarrowingDecisions, "the consent page does not disclose narrowing decisions", ["MBO-AS-APR-002"]),
        new(Fault.ActivateOnRedemption, "the code is issued while the Mission stays pending_approval; it activates only at code redemption", ["MBO-AS-APR-004"]),
        new(Fault.DenyIssuesCode, "a denial at consent still issues an authorization code", ["MBO-AS-APR-003"]),
        new(Fault.SubjectFromLoginHint, "takes the Mission subject from the PAR login_hint instead of the authenticated user", ["MBO-AS-APR-005"]),
        new(Fault.MissionFromClientParameter, "binds a token to the Mission named by a client-supplied mission_id parameter", ["MBO-AS-APR-006"]),

        // Mission record and anchors
        new(Fault.SequentialMissionId, "mission.id is a sequence number", ["MBO-AS-REC-001"]),
        new(Fault.MissionIdEmbedsSubject, "mission.id contains the requesting client_id", ["MBO-AS-REC-002"]),
        new(Fault.OriginWithQuery, "mission.origin carries a query string", ["MBO-AS-REC-003"]),
        new(Fault.PaddedAnchors, "anchors use padded standard base64", ["MBO-AS-REC-004"]),
        new(Fault.ConstantRenderingHash, "consent_rendering_hash is computed over the consent template's name, not the disclosure shown, so every Mission gets the same one", ["MC-AS-REC-101"]),
        new(Fault.AuthorityHashChangesOnRefresh, "refreshed tokens carry a different authority_hash", ["MBO-AS-REC-007", "MBO-AS-RT-001", "MBO-AS-EXP-004", "MC-AS-PRJ-101"]),
        new(Fault.AuthorityHashWithoutEnvelope, "authority_hash is SHA-256 over the JCS of the bare Authority Set, without the domain-separating envelope", ["MBO-AS-REC-005"]),
        new(Fault.ProposalHashOverRawIntent, "proposal_hash is computed over the submitted Intent instead of the validated one", ["MBO-AS-REC-009", "MBO-AS-REC-006"]),

        // Tokens
        new(Fault.MissingMissionClaim, "access tokens carry no mission claim", ["MBO-AS-TOK-001", "MBO-AS-TOK-002", "MBO-AS-TOK-003", "MBO-AS-RT-001"]),
        new(Fault.WrongAuthorityHash, "mission.authority_hash in tokens differs from the Mission's authority_hash", ["MBO-AS-TOK-002"]),
        new(Fault.MissionClaimWithIdAndRef, "the mission claim carries both id and ref", ["MBO-AS-TOK-003"]),
        new(Fault.TokenResponseDetailsDiffer, "token and exchange responses return the full Authority Set while the token carries a narrowed one", ["MBO-AS-TOK-004", "MBO-AS-RT-004"]),
        new(Fault.WidenTokenDetails, "token entries carry an action the Authority Set lacks", ["MBO-AS-TOK-005", "MBO-AS-SUB-001"]),
        new(Fault.InvalidActionName, "derived entries (and so the tokens) carry action names outside the action pattern", ["MBO-AS-TOK-006"]),
        new(Fault.TokenOutlivesMissionExpiry, "access-token exp is not capped at mission_expiry", ["MBO-AS-TOK-007"]),
        new(Fault.AudienceIncludesUnrelated, "aud includes an audience no carried entry belongs to", ["MBO-AS-TOK-008", "MC-AS-PRJ-101"]),
        new(Fault.BroadenOnResourceNarrowing, "ignores RFC 8707 resource at the token endpoint and issues the full set to every audience", ["MBO-AS-TOK-008", "MC-AS-PRJ-101"]),
        new(Fault.ScopeBroaderThanDetails, "token scope includes a value no entry supports", ["MBO-AS-TOK-009"]),
        new(Fault.RefreshChangesSubject, "refreshed tokens carry a different sub", ["MBO-AS-TOK-010"]),
        new(Fault.WrongTokenType, "access tokens have JOSE typ JWT instead of at+jwt, so the AS's own Token Exchange (delegation included) refuses them as subject tokens", ["MBO-AS-TOK-012", "MC-AS-XCH-101", "MBO-AS-DEL-001"]),
        new(Fault.DropConstraintOnNarrowing, "entries narrowed by resource or authorization_details (in Token Exchange too) lose their constraints", ["MBO-AS-SUB-002", "MC-AS-XCH-102"]),
        new(Fault.DeriveOutsideSet, "token-endpoint authorization_details outside the Authority Set are granted", ["MBO-AS-SUB-003"]),

        // Gating and refresh
        new(Fault.RefreshWhileSuspended, "refresh succeeds while the Mission is suspended", ["MBO-AS-GATE-001"]),
        new(Fault.RefreshAfterRevoke, "refresh succeeds after the Mission is revoked", ["MBO-AS-GATE-002"]),
        new(Fault.RefreshAfterComplete, "refresh succeeds after the Mission is completed", ["MBO-AS-GATE-003", "MBO-AS-EXP-002"]),
        new(Fault.IgnoreMissionExpiry, "refresh succeeds after mission_expiry", ["MBO-AS-GATE-004"]),
        new(Fault.NonStandardMissionState, "gating errors carry mission_state=inactive",
            ["MBO-AS-GATE-006", "MBO-AS-GATE-001", "MBO-AS-GATE-002", "MBO-AS-GATE-003", "MBO-AS-GATE-004", "MBO-AS-GATE-005", "MBO-AS-DEL-007", "MBO-AS-XD-004", "MBO-AS-EXP-002"]),
        new(Fault.ResumeDoesNotRestore, "a resumed Mission still refuses refresh", ["MBO-AS-GATE-007"]),
        new(Fault.IgnoreMaxDerivations, "context.max_derivations is not enforced", ["MBO-AS-GATE-008", "MBO-AS-GATE-009"]),
        new(Fault.RacyDerivationCounter, "the derivation budget is checked and incremented non-atomically", ["MBO-AS-GATE-009"]),
        new(Fault.CacheableGatingError, "gating errors lack Cache-Control: no-store", ["MBO-AS-GATE-010"]),
        new(Fault.TokenRevocationRevokesMission, "RFC 7009 revocation of a token also revokes its Mission", ["MBO-AS-GATE-013"]),
        new(Fault.NoRefreshRotation, "refresh tokens are not rotated and the predecessor stays valid", ["MBO-AS-RT-002", "MBO-AS-RT-003"]),
        new(Fault.RefreshResponseWithoutDetails, "refresh responses omit authorization_details", ["MBO-AS-RT-004"]),

        // Lifecycle endpoint
        new(Fault.RevokeIsNoOp, "the lifecycle endpoint acknowledges revoke without changing state", ["MBO-AS-LC-001"]),
        new(Fault.SuspendIsNoOp, "the lifecycle endpoint acknowledges suspend without changing state", ["MBO-AS-LC-002"]),
        new(Fault.CompleteNotSupported, "the lifecycle endpoint refuses the complete operation", ["MBO-CM-005", "MBO-AS-LC-002"]),
        new(Fault.LeakForeignMissionOnLifecycle, "a foreign Mission gets 403 where an unknown one gets 404", ["MBO-AS-LC-003"]),
        new(Fault.NonIdempotentLifecycle, "repeating an operation already applied returns 409", ["MBO-AS-LC-004"]),
        new(Fault.ResumeFromTerminal, "resume re-activates a revoked or completed Mission", ["MBO-AS-LC-005"]),
        new(Fault.CompleteWhileSuspended, "a suspended Mission can be completed directly", ["MBO-AS-LC-006"]),
        new(Fault.LifecycleAcceptsClientSecret, "the lifecycle endpoint accepts client_secret_basic", ["MBO-AS-LC-007"]),

        // Mission Status (mission-status.md) and the mission-authority document. MBO-CM-006, AD-3's own requirement, is met by
        // Mission Status or introspection with the Mission projection: a fault of one road leaves it to the other.
        new(Fault.StatusAcceptsClientSecret, "the Mission Status endpoint takes client_secret_basic instead of answering 401", ["MBO-MS-002"]),
        new(Fault.StatusUnsigned, "Mission Status answers with the payload as plain JSON, unsigned", ["MBO-MS-001", "MBO-MS-003"]),
        new(Fault.StatusSignedByUnknownKey, "Mission Status is signed with a key the AS's jwks_uri does not publish", ["MBO-MS-003"]),
        new(Fault.StatusAsIntrospectionJwt, "Mission Status is served as application/token-introspection+jwt (the RFC 9701 form)", ["MBO-MS-001", "MBO-MS-018"]),
        new(Fault.StatusIgnoresNonce, "Mission Status neither checks the request nonce's format nor echoes it: the payload carries a nonce of its own", ["MBO-MS-004", "MBO-MS-009"]),
        new(Fault.StatusWrongAudience, "the Mission Status payload's aud is the caller's client id, not the audience it asked for", ["MBO-MS-004"]),
        new(Fault.StatusOmitsAnchors, "the Mission Status payload carries no integrity_anchors", ["MBO-MS-005"]),
        new(Fault.StatusLeaksForeignAudience, "the authority_projection carries the whole Authority Set, other audiences' entries included", ["MBO-MS-006"]),
        new(Fault.StatusForeignMissionOracle, "a real Mission with no entry for the caller's audience gets 403 where an unknown id gets 404", ["MBO-MS-007"]),
        new(Fault.StatusErrorsWithoutNonce, "Mission Status error bodies (401, 404) do not echo the nonce", ["MBO-MS-008"]),
        new(Fault.StatusHidesInactiveMissions, "a suspended, revoked or completed Mission gets 404 instead of a signed status saying so", ["MBO-MS-010"]),
        new(Fault.StatusLongLived, "Mission Status responses for active Missions live an hour", ["MBO-MS-011"]),
        new(Fault.StatusFreshnessAfterIssue, "freshness_at is 30 s later than issued_at", ["MBO-MS-012"]),
        new(Fault.StatusMissionWithIdAndRef, "the Mission Status mission member carries both id and ref (so a pairwise audience learns the canonical id)", ["MBO-MS-014", "MBO-AS-PW-004"]),
        new(Fault.StatusRateLimitWithoutRetryAfter, "rate-limited Mission Status requests get 429 without Retry-After or retry_after", ["MBO-MS-016"]),
        new(Fault.StatusRateLimitPerMission, "Mission Status counts requests per Mission asked about, not per consumer: one client's burst shuts out every other asking about that Mission",
            ["MBO-MS-017"]),
        new(Fault.StatusOmitsPolicyVersion, "Mission Status answers carry no policy_version, though the AS advertises runtime_enforcement", ["MBO-MS-013"]),
        new(Fault.DpopAnnouncedAsBearer, "an access token bound to the redemption's DPoP key (cnf.jkt) is announced as token_type Bearer, not DPoP (RFC 9449 §5)",
            ["MBO-AS-TOK-011"]) { Under = Configuration.Variant.DpopBoundTokens },
        new(Fault.PublicRefreshNeitherRotatedNorBound, "a public client's refresh token is neither rotated nor bound to its DPoP key: another key's proof redeems it (RFC 9700 §4.14.2)",
            ["MBO-AS-RT-003"]) { Under = Configuration.Variant.DpopBoundTokens },
        new(Fault.MissionAuthorityIssuerMismatch, "the mission-authority document's issuer drops the trailing slash mission.origin has", ["MBO-AS-MD-005"]),
        new(Fault.MissionAuthorityNotJson, "the mission-authority document is served as text/plain", ["MBO-AS-MD-006"]),

        // Introspection with the Mission projection (oauth-profile.md §11).
        new(Fault.IntrospectionActiveForInactiveMission, "introspection says active:true for a valid token whose Mission is revoked", ["MBO-AS-INT-002"]),
        new(Fault.IntrospectionOmitsMission, "introspection answers carry no mission member", ["MBO-AS-INT-001", "MBO-AS-INT-002"]),
        new(Fault.IntrospectionLeaksToNonAudience, "introspection answers anyone, unauthenticated callers and callers the token is not for included, with the Mission and every entry",
            ["MBO-AS-INT-003"]),
        new(Fault.StateAuthorityWithoutHash, "neither road of MBO-CM-006 shows the Mission's authority_hash: Mission Status has no integrity_anchors, introspection's mission no authority_hash",
            ["MBO-MS-005", "MBO-CM-006"]),
        new(Fault.IntrospectionErrorsOnMalformedToken, "a malformed or unknown token gets 400 invalid_token instead of {\"active\":false}", ["MBO-AS-INT-004"]),
        new(Fault.IntrospectionNeverSigned, "introspection ignores Accept: application/token-introspection+jwt and always answers plain JSON", ["MBO-AS-INT-006"]),

        // Projection within the domain (oauth-profile.md §8–9, conformance.md §5 L2 items 1–2)
        new(Fault.RefreshIgnoresResource, "a refresh with RFC 8707 resource returns a token for every resource of the grant, so no single-audience token can be had", ["MC-AS-PRJ-101"]),
        new(Fault.MissionClaimModeVaries, "a refreshed token carries mission.ref where the audience got mission.id before", ["MBO-AS-TOK-015", "MBO-AS-RT-001"]),
        new(Fault.ExchangeAfterRevoke, "Token Exchange ignores the Mission's state: a suspended or revoked Mission still derives", ["MBO-AS-GATE-005"]),
        new(Fault.ExchangeWidensAuthority, "Token Exchange draws on the whole Authority Set, so a token for one resource is exchanged for another's", ["MC-AS-XCH-102"]),
        new(Fault.ExchangeLosesMission, "a token obtained by Token Exchange names a new Mission id", ["MC-AS-XCH-101"]),

        // Delegation by Token Exchange (oauth-profile.md §10, conformance.md §5 L2 item 5)
        new(Fault.DelegationNamesNoActor, "a delegated token has no act and names the delegate as client_id, so the AS itself loses count of the delegation depth",
            ["MBO-AS-DEL-001", "MBO-AS-DEL-004"]),
        new(Fault.DelegationWidens, "a delegated token draws on the Mission's Authority Set, not the delegating token's entries", ["MBO-AS-DEL-002"]),
        new(Fault.DelegationUnbound, "a delegated token is a bearer token: no DPoP proof is asked for and it carries no cnf", ["MBO-AS-DEL-003"]),
        new(Fault.DelegationIgnoresEntryRules, "a delegated token keeps entries without delegation, beyond max_depth or for other delegates (a client claiming a profile included)",
            ["MBO-AS-DEL-004", "MBO-AS-DEL-006"]),
        new(Fault.DelegationIssuesEmptyToken, "a delegation that leaves no entry issues a token with empty authorization_details instead of invalid_grant", ["MBO-AS-DEL-005"]),
        new(Fault.DelegationTrustsSelfAssertedProfile, "the sub_profile an actor_token claims satisfies allowed_delegates", ["MBO-AS-DEL-006"]),
        new(Fault.DelegationWhileInactive, "a suspended or revoked Mission still yields delegated tokens", ["MBO-AS-DEL-007"]),
        new(Fault.IdJagFromAccessToken, "an ID-JAG is issued from a Mission-bound access token, not only from the Mission's refresh token", ["MBO-AS-XD-001"]),
        new(Fault.IdJagLongLived, "an ID-JAG lives an hour, not at most 300 s", ["MBO-AS-XD-002"]),
        new(Fault.IdJagRepeatsJti, "an ID-JAG's jti is derived from the Mission and the Resource AS, so every grant for that Resource AS repeats it: the second is a replay there",
            ["MBO-AS-XD-002"]),
        new(Fault.IdJagSignedByUnknownKey, "an ID-JAG is signed with a key the AS's jwks_uri does not publish", ["MBO-AS-XD-002"]),
        new(Fault.IdJagBoundToOtherKey, "an ID-JAG's cnf.jkt names a key other than the one the request's DPoP proof holds", ["MBO-AS-XD-002"]),
        new(Fault.IdJagDisclosesOtherDomains, "an ID-JAG carries every entry of the Mission, those of resources other domains are authoritative for included", ["MBO-AS-XD-003"]),
        new(Fault.IdJagAfterRevoke, "an ID-JAG is issued for a suspended or revoked Mission", ["MBO-AS-XD-004"]),
        new(Fault.PairwiseRefSharedAcrossSectors, "a Mission has one pairwise ref for every sector: two Resource ASes can link it", ["MBO-AS-PW-001"]),
        new(Fault.PairwiseLeaksCanonicalId, "an ID-JAG's mission claim carries the canonical id next to the sector's ref", ["MBO-AS-PW-002"]),
        new(Fault.PairwiseRefUnresolvable, "Mission Status answers not_found for a pairwise ref, even asked by an audience of its sector", ["MBO-AS-PW-004"]),
        new(Fault.ExchangeCopiesPairwiseRef, "Token Exchange takes an ID-JAG this AS issued as subject_token and re-projects it to another Resource AS, copying its mission claim: the first sector's ref reaches the second",
            ["MBO-AS-PW-003"]),
        new(Fault.StepUpWidensAuthority, "an approver who steps up to the Intent's context.acr is granted an action the Intent did not ask for (approve_payments on its first resource): stronger sign-in widens the Mission",
            ["MBO-AS-EXP-005"]),
        new(Fault.IdJagMislabelled, "the ID-JAG response says issued_token_type access_token and token_type Bearer", ["MBO-AS-XD-005"]),

        // Resource Servers: each applies to the reference RSes started with it, and never to the AS
        new(Fault.RsNoResourceMetadata, "the MCP server's 401 names no resource_metadata and it publishes no RFC 9728 metadata", ["MBO-MCP-004"], FaultSite.ResourceServer),
        new(Fault.RsIgnoresDpopBinding, "the RS serves a DPoP-bound token (cnf.jkt) without checking its proof: as a bearer token, or with another key's proof (an introspecting RS included)",
            ["MBO-RS-A-001", "MBO-RS-C-007"], FaultSite.ResourceServer),
        new(Fault.RsManifestWithoutPeps, "the enforcement-scope manifest has no pep_locations, so it is not schema-valid", ["MBO-RT-MF-001"], FaultSite.ResourceServer),
        new(Fault.RsManifestMissesAction, "the manifest's PEP covers only the server's other consequential tool, not the one its Missions use", ["MBO-RT-MF-002"], FaultSite.ResourceServer),
        new(Fault.RsActorFromClientId, "on a delegated token the PDP is told only the client_id: the act chain, which names the acting party, is dropped", ["MBO-RS-C-006"], FaultSite.ResourceServer),
        new(Fault.RsProvenanceInAct, "the evaluation's act chain also carries the tool being called, provenance that does not belong in act", ["MBO-RT-PEP-007"], FaultSite.ResourceServer),
        new(Fault.RsTrustsIntrospectionForDpop, "a server that introspects takes active:true for enough and skips its own DPoP proof check (only introspecting servers change)",
            ["MBO-RS-A-001", "MBO-RS-C-007"], FaultSite.ResourceServer),
        new(Fault.RsAcceptsWrongTyp, "the RS accepts an access token whose typ is not at+jwt", ["MBO-RS-A-001"], FaultSite.ResourceServer),
        new(Fault.RsAcceptsMissingMission, "the RS serves a token that carries no mission claim", ["MBO-RS-B-003"], FaultSite.ResourceServer),
        new(Fault.RsIgnoresRevokedMission, "the RS reads the Mission's state but serves a revoked or suspended Mission's token anyway (an approved task included)",
            ["MBO-RS-B-002", "MBO-RS-B-004", "MBO-MAS-005", "MBO-RT-PEP-011"], FaultSite.ResourceServer),
        new(Fault.RsNeverAsksMissionStatus, "the RS has no source of Mission state (no Mission Status requests; an event-driven server has no event receiver): it cannot refuse inactive Missions, and its PDP requests lack policy_version and freshness",
            ["MBO-RS-B-002", "MBO-RS-B-004", "MBO-RS-C-008", "MBO-RT-PEP-004", "MBO-RT-PEP-005", "MBO-RT-PEP-011", "MBO-MAS-005"], FaultSite.ResourceServer),
        new(Fault.RsShortStatusNonce, "the RS's Mission Status nonce is 8 random bytes (11 characters), short of the ABNF's 16 characters and of 96 bits", ["MBO-RS-C-008"], FaultSite.ResourceServer),
        new(Fault.RsReusesExpiredStatus, "the RS reuses a Mission Status answer for its whole mission_max_stale_seconds, past the answer's expires_at", ["MBO-MS-015"], FaultSite.ResourceServer),
        new(Fault.RsTreatsUnknownStateAsActive, "an event-driven RS takes a lifecycle event with a state it does not know for active", ["MBO-MAS-005"], FaultSite.ResourceServer),
        new(Fault.RsIgnoresActions, "the RS executes any tool when it holds an entry for itself, whatever the entry's actions (so neither scope nor x_ members are what widen it)",
            ["MBO-RS-C-001", "MBO-MCP-002", "MBO-RS-C-004", "MBO-RS-C-009"], FaultSite.ResourceServer),
        new(Fault.RsIgnoresConstraint, "the RS does not check the entry's constraints against the call's arguments", ["MBO-RS-C-002"], FaultSite.ResourceServer),
        new(Fault.RsAcceptsUnknownConstraint, "the RS ignores a constraint key it cannot enforce instead of refusing", ["MBO-RS-C-003"], FaultSite.ResourceServer),
        new(Fault.RsScopeWidensDetails, "a tool named in the token's scope is executed though no entry lists it", ["MBO-RS-C-004"], FaultSite.ResourceServer),
        new(Fault.RsHonoursForeignEntries, "the RS honours entries whose resource is another server", ["MBO-RS-C-005"], FaultSite.ResourceServer),
        new(Fault.RsTrustsUnknownMissionMembers, "the RS grants the actions listed in mission.x_extra", ["MBO-RS-C-009"], FaultSite.ResourceServer),
        new(Fault.RsListsEveryTool, "tools/list shows every tool, also those outside the Mission", ["MBO-MCP-001"], FaultSite.ResourceServer),
        new(Fault.RsSkipsPdp, "the RS-D server executes consequential calls without asking the PDP", ["MBO-RT-PEP-001", "MBO-RT-PEP-002", "MBO-RT-PEP-003"], FaultSite.ResourceServer),
        new(Fault.RsActsOnDeny, "the RS executes a call the PDP denied, a requestable denial included (so no task waits for approval)", ["MBO-RT-PEP-002", "MBO-MCP-003"], FaultSite.ResourceServer),
        new(Fault.RsFailsOpenWhenPdpDown, "the RS executes the call when the PDP does not answer", ["MBO-RT-PEP-003"], FaultSite.ResourceServer),
        new(Fault.RsOmitsMissionContext, "the evaluation's context.mission carries only the id", ["MBO-RT-PEP-004"], FaultSite.ResourceServer),
        new(Fault.RsOmitsFreshness, "the evaluation carries no context.freshness", ["MBO-RT-PEP-005"], FaultSite.ResourceServer),
        new(Fault.RsOmitsToolId, "the evaluation of an MCP tool call carries no context.tool_id", ["MBO-RT-PEP-008"], FaultSite.ResourceServer),
        new(Fault.RsWrongParameterDigest, "parameter_digest is SHA-256 over the JCS of the bare parameters, without the mission-action-parameters envelope", ["MBO-RT-PEP-006"], FaultSite.ResourceServer),
        new(Fault.RsOmitsExecutionEvidence, "the RS carries out permitted consequential calls without recording Execution Evidence", ["MBO-RT-PEP-009"], FaultSite.ResourceServer),
        new(Fault.RsEvidenceDigestMismatch, "Execution Evidence carries a parameter_digest over the arguments with defaults filled in, not the decision's", ["MBO-RT-PEP-010"], FaultSite.ResourceServer),
        new(Fault.RsEvidenceInventsOutcome, "Execution Evidence says outcome \"succeeded\", which is not one of attempted, completed, failed, suppressed", ["MBO-RT-EV-001"], FaultSite.ResourceServer),
        new(Fault.RsNoTaskOnRequestableDenial, "a requestable denial is refused like a plain deny: no Access Request, no MCP task to wait on", ["MBO-MCP-003"], FaultSite.ResourceServer),
        new(Fault.RsExecutesOnApprovalUnchecked, "an approved task is carried out as soon as tasks/get sees the approval: no fresh decision, no look at the Mission's state",
            ["MBO-MCP-003", "MBO-RT-PEP-011"], FaultSite.ResourceServer),
        new(Fault.RsReevaluatesWithStaleState, "tasks/get skips the Mission-state check (the task was authorised when created), so an approved task is re-evaluated but carried out for a Mission revoked meanwhile",
            ["MBO-RT-PEP-011"], FaultSite.ResourceServer),
        new(Fault.RsEvidenceCarriesContent, "Execution Evidence's result_summary repeats the call's arguments (user content)", ["MBO-RT-EV-002"], FaultSite.ResourceServer),

        // dpop_bearer at Mission Status (the reference's client_credentials convention, StatusTokenEndpoint)
        new(Fault.StatusDpopProofUnchecked, "Mission Status takes a Mission-Status-scoped DPoP token without its proof: presented as a bearer token, or with another key's proof, it answers",
            ["MBO-MS-002"]),
        new(Fault.StatusDpopAnswerReplayed, "a dpop_bearer request is answered with the Mission Status answer signed before it, another request's nonce and all",
            ["MBO-MS-004"]),
        new(Fault.StatusDpopBearerRefused, "Mission Status advertises dpop_bearer and the token endpoint issues the token, but Mission Status refuses it", ["MBO-MS-001"]),

        // mtls at Mission Status (RFC 8705 §2.2, self-signed certificates of the client's registered key, at the mtls alias)
        new(Fault.StatusMtlsCertificateUnchecked, "Mission Status's mtls alias takes the client_id of any client certificate: one of a key the client is not registered with answers",
            ["MBO-MS-002"]),
        new(Fault.StatusMtlsRefused, "Mission Status advertises mtls and an alias for it, but refuses the client's certificate of its registered key", ["MBO-MS-001"]),

        // Mission Expansion (oauth-profile.md §13; the suite's convention: PAR with mission_supersedes)
        new(Fault.ExpansionWithoutSupersedes, "an approved expansion's successor keeps no link to the Mission it supersedes: its record and Mission Status name no supersedes",
            ["MBO-AS-EXP-001"]),
        new(Fault.ExpansionLeavesPriorActive, "the successor of an approved expansion activates, but the Mission it supersedes stays active and goes on deriving", ["MBO-AS-EXP-002"]),
        new(Fault.DeniedExpansionEndsPrior, "denying an expansion completes the Mission it would have superseded, instead of leaving it active", ["MBO-AS-EXP-003"]),

        // The reference Resource AS (oauth-profile.md §14)
        new(Fault.ResourceAsTrustsAnyOrigin, "the Resource AS accepts an ID-JAG from any issuer, fetching the keys its metadata names, instead of its configured origin only",
            ["MBO-RAS-001"], FaultSite.ResourceAs),
        new(Fault.ResourceAsIgnoresAudience, "the Resource AS redeems an ID-JAG audienced to another AS", ["MBO-RAS-002"], FaultSite.ResourceAs),
        new(Fault.ResourceAsAcceptsBearerJag, "the Resource AS redeems an ID-JAG without cnf (a bearer grant), binding the local token to whatever key the request proves",
            ["MBO-RAS-003"], FaultSite.ResourceAs),
        new(Fault.ResourceAsAcceptsReplayedJag, "the Resource AS keeps no record of redeemed jti values, so one ID-JAG is redeemed again and again", ["MBO-RAS-004"], FaultSite.ResourceAs),
        new(Fault.LocalTokenOutlivesGrant, "local tokens live five minutes whatever the ID-JAG's exp", ["MBO-RAS-005"], FaultSite.ResourceAs),
        new(Fault.ResourceAsWidensGrant, "requested authorization_details are issued as asked, without checking they are within what the ID-JAG conveys", ["MBO-RAS-006"], FaultSite.ResourceAs),
        new(Fault.ResourceAsReportsMissionState, "introspecting a local token at the Resource AS answers mission.state active, a state only the origin may report", ["MBO-AS-INT-005"], FaultSite.ResourceAs),
        new(Fault.ResourceAsServesMissionStatus, "the Resource AS advertises a mission_status_endpoint and answers it with state active for any Mission it redeemed a grant of, as if it held the Mission",
            ["MBO-RAS-007"], FaultSite.ResourceAs),
        new(Fault.ProjectionIssuerFailsOpen, "a Resource AS that projects its origin's Missions issues when the origin's Mission Status gives no usable answer, as if the Mission were active",
            ["MBO-MAS-003"], FaultSite.ResourceAs),

        // The MAS topology (mas.md): the reference AS as Mission Authority Server, and its two projection issuers
        new(Fault.MasProfileUnadvertised, "the mission-authority document of an AS with projection issuers lists mission_profiles_supported [\"oauth\"], without \"mas\"",
            ["MBO-MAS-004"]),
        new(Fault.MasRevocationNotPropagated, "a projection issuer asks the MAS about a Mission when it first issues, then refreshes without asking again, so a revocation at the MAS never reaches it",
            ["MBO-MAS-002"], FaultSite.ProjectionIssuer),
        new(Fault.LifecycleEventsSkipSuspension, "the AS advertises event_driven and pushes a lifecycle SET on revocation, completion and expiry, but none on suspension",
            ["MBO-MAS-006"]),
        new(Fault.ProjectionIssuerRewritesOrigin, "a projection issuer's tokens carry mission.origin its own issuer instead of the MAS's", ["MBO-MAS-001"], FaultSite.ProjectionIssuer),
    ];

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
