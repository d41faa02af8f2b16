using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.OAuth;

namespace MissionConformance.Harness.Targets;

/// <summary>
/// A registered client of the AS under test, by the role the suite gives it. A "status" client is a
/// Resource Server asking Mission Status for <paramref name="Audience"/>.
/// </summary>
public sealed record TargetClient(string Role, string ClientId, string Auth, string? Secret, JsonWebKey? Key, string? Audience = null)
{
    public ClientCredentials Credentials => new(ClientId, Auth == "client_secret_basic" ? Secret : null, Key, AssertAtTokenEndpoint: Auth == "private_key_jwt");

    /// <summary>A parameter value that stands for each resource the pushed Intent names (target file parameters.par).</summary>
    public const string IntentResources = "${intentResources}";

    /// <summary>What this client adds to every pushed authorization request (target file parameters.par), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ParParameters { get; init; } = [];

    /// <summary>What this client adds to every code redemption and refresh (target file parameters.token), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> TokenParameters { get; init; } = [];

    /// <summary>
    /// A status client's TLS client certificate with its key (target file certificateFile), for Mission Status's mtls when the
    /// AS takes CA-issued certificates (tls_client_auth, RFC 8705 §2.1); none: a self-signed one of <see cref="Key"/> (§2.2).
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }
}

/// <summary>
/// A test account. A "delegate" approves on behalf of the account whose username is <paramref name="OnBehalfOf"/>
/// (oauth-profile.md §5 step 2); <paramref name="DisplayName"/> is how the AS names an account on its pages.
/// </summary>
public sealed record TargetAccount(string Role, string Username, string Password, string? Subject, string? SecondFactor = null,
    string? DisplayName = null, string? OnBehalfOf = null)
{
    /// <summary>The subject of the Missions this account approves, when the AS keeps approver and subject apart (target file approvesFor).</summary>
    public string? ApprovesFor { get; init; }

    /// <summary>Whom the Missions this account approves are for: <see cref="ApprovesFor"/>, else the account's own subject.</summary>
    public string? MissionSubject => ApprovesFor ?? Subject;
}

/// <summary>How consent is driven (target file consent): the driver, the script of pages, and the acr that makes the AS step up.</summary>
public sealed record ConsentSettings(string Driver, ConsentScript Script, string? StepUpAcr)
{
    public static ConsentSettings Reference { get; } = new("browser", ConsentScript.Reference, ReferenceStepUpAcr);

    /// <summary>The acr the reference AS satisfies only with its second factor (reference/…/Endpoints/SecondFactorEndpoint.cs).</summary>
    public const string ReferenceStepUpAcr = "urn:mission-conformance:acr:mfa";
}

/// <summary>How to make the AS narrow an Intent, and the fields it will then disclose as narrowed (MBO-AS-APR-002, REC-009).</summary>
public sealed record NarrowingProbe(int MissionLifetimeDays, string? UnknownObject, IReadOnlyList<string> Fields);

/// <summary>
/// A Resource Authorization Server of another trust domain (oauth-profile.md §14) that the AS under
/// test issues ID-JAGs for: its issuer, the ID-JAG's audience, and the resources it is authoritative for.
/// </summary>
public sealed record ResourceAuthorizationServer(Uri Issuer, IReadOnlyList<string> Resources);

/// <summary>
/// An authorization server the AS under test, as Mission Authority Server, authorises to project its Missions (mas.md,
/// target file authorizationServers[].projectionIssuers): the harness redeems the MAS's ID-JAGs there as the client
/// <paramref name="ClientId"/> (client_secret_basic), and refreshes what it issues.
/// </summary>
public sealed record ProjectionIssuerTarget(string Id, Uri Issuer, string ClientId, string Secret);

/// <summary>
/// Where the AS under test pushes its lifecycle SETs for the harness to receive (target file lifecycleEvents, mas.md):
/// http://127.0.0.1:<paramref name="ReceiverPort"/>/events, as the audience <paramref name="Audience"/>.
/// </summary>
public sealed record LifecycleEventsTarget(int ReceiverPort, string Audience);

public sealed record AuthorizationServerTarget(
    string Id,
    Uri Issuer,
    string RedirectUri,
    IReadOnlyList<TargetClient> Clients,
    IReadOnlyList<TargetAccount> Accounts,
    JsonObject Intent,
    NarrowingProbe? Narrowing,
    string? RegisteredPurpose,
    string? UnregisteredPurpose,
    bool UsesInventory,
    ConsentSettings Consent)
{
    public TargetClient Agent => Client("agent") ?? Clients[0];

    /// <summary>The Resource ASes this AS issues ID-JAGs for (target file resourceAuthorizationServers); none: a single-AS domain.</summary>
    public IReadOnlyList<ResourceAuthorizationServer> ResourceAuthorizationServers { get; init; } = [];

    /// <summary>Under the MAS topology, the projection issuers this AS authorises (target file projectionIssuers); none: the AS is its own state authority.</summary>
    public IReadOnlyList<ProjectionIssuerTarget> ProjectionIssuers { get; init; } = [];

    /// <summary>Where the AS was configured to push lifecycle events to the harness (target file lifecycleEvents); none: not examined.</summary>
    public LifecycleEventsTarget? LifecycleEvents { get; init; }

    /// <summary>
    /// Certificates the harness trusts, besides the system's roots, at the AS's TLS endpoints (target file tlsTrustFile), such
    /// as a self-signed Mission Status mtls alias; none: the system's roots only.
    /// </summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> TlsTrust { get; init; } = [];

    /// <summary>
    /// Whether the AS takes the suite's Mission Expansion convention (target file expansion): a PAR whose mission_intent is the
    /// successor's and whose mission_supersedes names the prior Mission. oauth-profile.md §13 defines no wire binding.
    /// </summary>
    public bool Expansion { get; init; }

    /// <summary>The client that suspends, resumes, revokes and completes Missions (target file lifecycleClient): the agent, unless the AS reserves lifecycle to an admin.</summary>
    public TargetClient LifecycleOperator => LifecycleRole is { } role ? Client(role) ?? Agent : Agent;

    /// <summary>The role named by lifecycleClient; null: the agent.</summary>
    public string? LifecycleRole { get; init; }

    /// <summary>Target file dpop: ask for DPoP-bound tokens (RFC 9449) even where the metadata does not advertise DPoP.</summary>
    public bool Dpop { get; init; }

    /// <summary>The metadata documents to read and merge (target file discovery); none: the RFC 8414 document of the issuer.</summary>
    public IReadOnlyList<Uri> Discovery { get; init; } = [];

    /// <summary>
    /// Target file selfExchange: false says the AS offers Token Exchange (RFC 8693) only for what else it mints, such as ID-JAGs,
    /// not an agent's narrowing of its own token (ietf-2026-08 §Self-Exchange Down-Scoping, a MAY); null: the metadata decides.
    /// </summary>
    public bool? SelfExchange { get; init; }

    /// <summary>Target file lifecycle: the lifecycle endpoint as the AS serves it, when its metadata advertises none or another shape.</summary>
    public DeclaredEndpoint? Lifecycle { get; init; }

    /// <summary>
    /// Target file missionStatus: the Mission Status operation as the AS serves it, when its metadata advertises no
    /// mission_status_endpoint or serves another shape. MBO-MS-001 still judges the edition's own request shape at its URL.
    /// </summary>
    public DeclaredEndpoint? MissionStatus { get; init; }

    public TargetClient? Client(string role) => Clients.FirstOrDefault(c => c.Role == role);

    /// <summary>The Mission Status clients, one per audience (role "status").</summary>
    public IReadOnlyList<TargetClient> StatusClients => Clients.Where(c => c.Role == "status").ToList();

    /// <summary>The client the agent delegates to (role "delegate"), if the target file names one: delegation is then offered.</summary>
    public TargetClient? DelegateClient => Client("delegate");

    public TargetAccount Approver => Accounts.FirstOrDefault(a => a.Role == "approver") ?? Accounts[0];

    /// <summary>The account that approves for someone else, if the target file names one.</summary>
    public TargetAccount? Delegate => Accounts.FirstOrDefault(a => a.OnBehalfOf is not null);

    public TargetAccount? Account(string username) => Accounts.FirstOrDefault(a => a.Username == username);

    /// <summary>What the consent driver needs of an account; for a delegate, the subject it picks (the represented account's subject, else its username).</summary>
    public ApproverAccount ConsentAccount(TargetAccount account)
    {
        var represented = account.OnBehalfOf is { } username && Account(username) is { } other ? other.Subject ?? other.Username : null;
        return new(account.Username, account.Password, account.SecondFactor, represented)
        {
            Subject = account.Subject, MissionSubject = account.ApprovesFor ?? represented ?? account.Subject,
        };
    }

}

/// <param name="Request">Per HTTP request.</param>
/// <param name="Scenario">Per scenario, its waits included.</param>
/// <param name="Consent">Per browser action in a consent flow (a page to load, a click to land): a browser on a
/// loaded two-core machine is slower than an HTTP request, and a timed-out click is a harness failure, not the target's.</param>
public sealed record Timeouts(TimeSpan Request, TimeSpan Scenario, TimeSpan Consent)
{
    public static Timeouts Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30));
}

public sealed record ScopedResourceServer(string Id, string Resource, bool Consequential, bool InScope);

/// <summary>The scope statement of conformance.md §3 rule 8; a coordinate without one is incomplete.</summary>
public sealed record ScopeStatement(
    IReadOnlyList<string> Substrates,
    IReadOnlyList<ScopedResourceServer> ResourceServers,
    string? Manifest,
    IReadOnlyList<string> FrameworkVersions,
    IReadOnlyList<string> UnmediatedPaths);

/// <summary>
/// runtime.md §4: parameter_digest wraps the parameters in an envelope whose schema_version and
/// authorization_domain only the server knows, so the target file declares them, and which actions
/// bind their parameters (runtime.md §2: consequential writes and beyond).
/// </summary>
public sealed record ParameterBinding(string SchemaVersion, string AuthorizationDomain, IReadOnlyList<string> Actions);

/// <summary>
/// runtime.md open point 2: evidence retrieval is not standardised, so the suite defines the export it reads:
/// GET {Export}?mission_id=… with Authorization: Bearer {Token}, answering {"execution_evidence": [records]}.
/// </summary>
public sealed record EvidenceExport(Uri Export, string Token);

/// <summary>
/// Where the suite observes what a Resource Server carried out (issue 22 item 4, the suite's convention): GET {Observer}?mission_id=…
/// with <c>Authorization: Bearer {Token}</c>, answering {"executions": [{"tool", …}]} (effects-observation.schema.json).
/// </summary>
public sealed record EffectsObserver(Uri Observer, string Token);

/// <summary>The suite's convention for a declared manifest change (MBO-RT-MF-003): POST {Url} with <c>Authorization: Bearer {Token}</c>.</summary>
public sealed record DeclaredManifestChange(Uri Url, string Token);

/// <summary>
/// The suite's convention for an executor that loses outcomes (MBO-RT-EV-003): POST {Url}?mission_id=… with <c>Authorization: Bearer {Token}</c>,
/// and the outcomes of that Mission's later calls never reach the PEP, which must finalise their max_invocations slots at the timeout.
/// </summary>
public sealed record DeclaredOutcomeDrop(Uri Url, string Token);

/// <summary>A tool call the suite makes at a Resource Server: an MCP tool and its arguments.</summary>
public sealed record ToolProbe(string Tool, JsonObject Arguments);

/// <summary>
/// A Resource Server under test (target file resourceServers[]): the MCP endpoint that is also its
/// resource identifier, the tier it claims, the mission_resource_access entry a Mission for it carries,
/// probe calls inside and outside that entry, and how fast it must notice a Mission state change.
/// It trusts the harness's simulated AS and PDP (run --print-peer-config says where they listen).
/// </summary>
public sealed record ResourceServerTarget(
    string Id,
    string Resource,
    string? ClaimedTier,
    bool Consequential,
    IReadOnlyList<string> Actions,
    JsonObject Constraints,
    ToolProbe Allowed,
    ToolProbe ForbiddenAction,
    ToolProbe? ConstraintViolation,
    int MaxStaleSeconds)
{
    /// <summary>Where the server receives lifecycle SETs (RFC 8935 push), when it learns Mission state from events.</summary>
    public Uri? EventReceiver { get; init; }

    /// <summary>The inputs of its parameter_digest envelope and the actions it binds (MBO-RT-PEP-006), when it declares them.</summary>
    public ParameterBinding? ParameterBinding { get; init; }

    /// <summary>Where its Execution Evidence can be read (runtime.md open point 2), when it exports any.</summary>
    public EvidenceExport? Evidence { get; init; }

    /// <summary>Where the actions it carried out can be observed, when it offers that; the PEP refusals are then judged by effect, not only by answer.</summary>
    public EffectsObserver? Effects { get; init; }

    /// <summary>It accepts DPoP-bound tokens (RFC 9449), so the sender-constraint cases of MBO-RS-A-001 are run.</summary>
    public bool Dpop { get; init; }

    /// <summary>Its enforcement-scope manifest (runtime.md §10), when the file names it; else the one its RFC 9728 metadata advertises.</summary>
    public Uri? Manifest { get; init; }

    /// <summary>How the suite makes the server change its manifest (MBO-RT-MF-003), when the file declares it.</summary>
    public DeclaredManifestChange? ManifestChange { get; init; }

    /// <summary>How the suite makes the server's executor lose a Mission's outcomes (MBO-RT-EV-003), when the file declares it.</summary>
    public DeclaredOutcomeDrop? DropOutcome { get; init; }

    /// <summary>The mission_resource_access entry of this server, as a Mission's Authority Set holds it.</summary>
    public JsonObject Entry() => new()
    {
        ["type"] = "mission_resource_access",
        ["resource"] = Resource,
        ["actions"] = new JsonArray([.. Actions.Select(a => (JsonNode)a)]),
        ["constraints"] = Constraints.DeepClone(),
    };
}

/// <summary>
/// A Resource Authorization Server under test (target file resourceAuthorizationServers[], oauth-profile.md §14):
/// it redeems ID-JAGs from the harness's simulated origin AS by the RFC 7523 JWT bearer grant, as the client
/// <paramref name="ClientId"/> (client_secret_basic), for the resource of <paramref name="Entry"/>.
/// </summary>
public sealed record ResourceAsTarget(string Id, Uri Issuer, string ClientId, string Secret, JsonObject Entry)
{
    /// <summary>The credentials of this domain's Resource Server at its introspection endpoint (client_secret_basic), when the file gives them.</summary>
    public ResourceAsIntrospection? Introspection { get; init; }

    /// <summary>A projection issuer (mas.md) of the harness's simulated AS, which plays its MAS: it asks that AS's Mission Status before it issues (MBO-MAS-003).</summary>
    public bool ProjectionIssuer { get; init; }
}

/// <summary>Who may introspect a Resource AS's local tokens: a Resource Server of its domain, with client_secret_basic.</summary>
public sealed record ResourceAsIntrospection(string ClientId, string Secret);

/// <summary>
/// A PDP under test (target file pdps[], runtime.md §4–6): the harness plays its PEP, authenticated by a DPoP-bound token of the simulated AS
/// whose audience is <paramref name="Url"/>, and the Mission state source it reads, evaluating actions at <paramref name="Resource"/> for
/// Missions whose Authority Set is <paramref name="Entry"/>.
/// </summary>
public sealed record PdpTarget(string Id, Uri Url, string Resource, JsonObject Entry, string AllowedAction)
{
    /// <summary>context.parameters of the allowed action, when the PDP binds them.</summary>
    public JsonObject? AllowedParameters { get; init; }

    /// <summary>An action at the resource the entry does not list; null: the harness invents one.</summary>
    public string? OutOfSetAction { get; init; }

    /// <summary>Parameters of the allowed action that break a constraint of the entry, when the file gives them.</summary>
    public JsonObject? ConstraintViolation { get; init; }

    /// <summary>The schema_version and authorization_domain of its parameter_digest envelope, when declared.</summary>
    public ParameterBinding? ParameterBinding { get; init; }

    /// <summary>Where its Decision Evidence is read, and the JWKS its envelopes verify with, when it exports any.</summary>
    public DecisionEvidenceExport? Evidence { get; init; }
}

/// <summary>runtime.md open points 2 and 3: GET {Export}?mission_id=… with Bearer {Token} answering {"decision_evidence": [records]}, verified with {Jwks}.</summary>
public sealed record DecisionEvidenceExport(Uri Export, string Token, Uri Jwks);

/// <summary>What is under test (design.md "The target file").</summary>
public sealed record Target(string Name, Editions.Edition Edition, IReadOnlyList<AuthorizationServerTarget> AuthorizationServers, Timeouts Timeouts, ScopeStatement? Scope)
{
    /// <summary>The Authorization Server under test; a target of Resource Servers alone has none.</summary>
    public AuthorizationServerTarget AuthorizationServer => AuthorizationServers.Count > 0
        ? AuthorizationServers[0]
        : throw new InvalidOperationException("harness error: the target file names no Authorization Server");

    /// <summary>What the Authorization Server's verdicts are about (its issuer), or null when the target has none.</summary>
    public string? DomainSubject => AuthorizationServers.Count > 0 ? AuthorizationServers[0].Issuer.AbsoluteUri : null;

    public IReadOnlyList<ResourceServerTarget> ResourceServers { get; init; } = [];

    /// <summary>How many bytes of a response body the harness reads (limits.responseBytes).</summary>
    public long MaxResponseBytes { get; init; } = Wire.WireLog.DefaultMaxResponseBytes;

    /// <summary>The Resource ASes under test, which trust the harness's simulated AS as the origin of ID-JAGs.</summary>
    public IReadOnlyList<ResourceAsTarget> ResourceAses { get; init; } = [];

    /// <summary>The PDPs under test, which trust the harness's simulated AS for Mission Status and their callers' tokens.</summary>
    public IReadOnlyList<PdpTarget> Pdps { get; init; } = [];

    /// <summary>Whether the harness plays peers for this target: its Resource Servers, Resource ASes and PDPs trust them, its AS pushes lifecycle events to them.</summary>
    public bool NeedsPeers => ResourceServers.Count > 0 || ResourceAses.Count > 0 || Pdps.Count > 0 || AuthorizationServers.Any(s => s.LifecycleEvents is not null);

    /// <summary>The ports of the simulated AS and PDP the Resource Servers (and Resource ASes) trust (0: any free port).</summary>
    public Peers.PeerSettings Peers { get; init; } = MissionConformance.Harness.Peers.PeerSettings.Any;

    /// <summary>
    /// The scope statement the coordinate rests on: the declared one, with every Resource Server under
    /// test in it (in scope unless the statement says otherwise).
    /// </summary>
    public ScopeStatement? EffectiveScope
    {
        get
        {
            if (ResourceServers.Count == 0) return Scope;
            var declared = Scope?.ResourceServers ?? [];
            var added = ResourceServers.Where(r => declared.All(d => d.Id != r.Id)).Select(r => new ScopedResourceServer(r.Id, r.Resource, r.Consequential, true));
            return (Scope ?? new ScopeStatement([], [], null, [], [])) with { ResourceServers = [.. declared, .. added] };
        }
    }
}

/// <summary>
/// An endpoint the target file declares (authorizationServers[].lifecycle, .missionStatus): where it is, how its body is written, and how a
/// caller authenticates. <see cref="Url"/> may hold <c>{mission}</c>, which the Mission's id replaces (and then the body
/// carries no Mission member). Without <see cref="Authentication"/> the caller authenticates as a client (private_key_jwt).
/// </summary>
public sealed record DeclaredEndpoint(string Url, DeclaredBody Body, DeclaredAuthentication? Authentication)
{
    public const string MissionPlaceholder = "{mission}";

    public bool MissionInPath => Url.Contains(MissionPlaceholder, StringComparison.Ordinal);

    public Uri For(string missionId) => new(Url.Replace(MissionPlaceholder, Uri.EscapeDataString(missionId), StringComparison.Ordinal));
}

/// <summary>
/// How a declared endpoint takes its fields: a form-urlencoded POST body (what both editions say), a JSON POST body, or (Mission
/// Status only) the query of a GET.
/// </summary>
public enum DeclaredBody { Form, Json, Query }

/// <summary>A credential sent in one header (a service token, or <c>Authorization: Bearer …</c>); its value is redacted in every log.</summary>
public sealed record DeclaredAuthentication(string Header, string Value);

