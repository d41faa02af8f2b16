using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// conformance.md §5 L3 / AD-3 items 1–2: the harness as a Resource Server asking the state authority
/// for a Mission's status by reference, with the target file's "status" clients.
/// </summary>
public sealed class MissionStatusScenario : Scenario
{
    /// <summary>How many requests the rate-limit probe (MBO-MS-016) sends at most: loopback-friendly, and enough for a limit of 20 per window.</summary>
    public const int BurstLimit = 30;

    private static readonly string[] DocumentRequirements = ["MBO-AS-MD-005", "MBO-AS-MD-006"];

    public override string Id => "status.mission-status";
    public override string Title => "Mission Status answers a Resource Server by reference: signed, bound to the request, filtered to its audience, no oracle";
    public override IReadOnlyList<string> Requirements { get; } =
    [
        .. DocumentRequirements,
        "MBO-MS-001", "MBO-MS-002", "MBO-MS-003", "MBO-MS-004", "MBO-MS-005", "MBO-MS-006", "MBO-MS-007", "MBO-MS-008", "MBO-MS-009",
        "MBO-MS-010", "MBO-MS-011", "MBO-MS-012", "MBO-MS-014", "MBO-MS-016", "MBO-MS-018", "MBO-CM-006",
    ];

    private IEnumerable<string> StatusRequirements => Requirements.Except(DocumentRequirements);

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var ct = context.Cancellation;
        var obtained = await flow.ObtainAsync();
        if (obtained.MissionId is not { } missionId || obtained.Token.Mission is not { } claim || Subset.Text(claim, "origin") is not { } origin)
        {
            foreach (var id in Requirements) context.Blocked(id, Dependencies.NoMissionId);
            return;
        }

        if (Uri.TryCreate(origin, UriKind.Absolute, out var originUri) is false || originUri.Query.Length > 0 || originUri.Fragment.Length > 0)
        {
            foreach (var id in Requirements) context.Blocked(id, $"mission.origin \"{origin}\" is not a URL without query or fragment (MBO-AS-REC-003), so the state authority cannot be located from it");
            return;
        }

        // The state authority is mission.origin (mission-status.md "Purpose"); its document says where to ask.
        var documentUrl = new Uri(origin.TrimEnd('/') + "/.well-known/mission-authority");
        var document = await context.Client.GetDocumentAsync(documentUrl, ct);
        var documentJson = Parse(document);
        var endpoint = context.Client.Metadata.MissionStatusEndpoint ?? UriMember(documentJson, "mission_status_endpoint");
        if (endpoint is null && document.Status != HttpStatusCode.OK)
        {
            foreach (var id in Requirements)
            {
                context.Skip(id, "the state authority advertises no mission_status_endpoint and publishes no mission-authority document: it offers no AD-3 Mission Status");
            }
            return;
        }
        var authority = new MissionAuthorityEvidence(documentUrl, document, origin);
        context.Judge(new MissionAuthorityDocumentValid(), authority);
        context.Judge(new MissionAuthorityServedAsJson(), authority);
        if (endpoint is null)
        {
            foreach (var id in StatusRequirements) context.Skip(id, "neither the AS metadata nor the mission-authority document names a mission_status_endpoint");
            return;
        }

        var objects = obtained.Intent["objects"]!.AsArray().Select(o => (string?)o).OfType<string>().ToList();
        var caller = flow.Server.StatusClients.FirstOrDefault(c => objects.Contains(c.Audience!));
        if (caller is null)
        {
            var why = flow.Server.StatusClients.Count == 0
                ? "the target file names no Mission Status client (clients[] with role \"status\", its keyFile and the audience it asks for)"
                : "no status client's audience is one of the Intent's objects, so no Mission would be visible to it";
            foreach (var id in StatusRequirements) context.Interrupt(id, why);
            return;
        }
        var audience = caller.Audience!;
        var jwksUri = UriMember(documentJson, "jwks_uri") ?? context.Client.Metadata.JwksUri;
        var jwks = (await context.Client.GetDocumentAsync(jwksUri, ct)).Body;

        async Task<StatusAnswer> AskAsync(string mission)
        {
            var nonce = MissionClient.NewNonce();
            var response = await context.Client.MissionStatusAsync(endpoint, caller.Credentials, mission, audience, nonce, ct);
            return new StatusAnswer(response, nonce, audience, caller.ClientId, mission, context.Clock.GetUtcNow());
        }

        var active = await AskAsync(missionId);
        var authenticationNonce = MissionClient.NewNonce();
        var unauthenticated = await context.Client.MissionStatusAsync(endpoint, new ClientCredentials(caller.ClientId), missionId, audience, authenticationNonce, ct, withAssertion: false);
        var basic = await context.Client.MissionStatusAsync(endpoint, new ClientCredentials(flow.Agent.ClientId, flow.Agent.Secret ?? "not-a-secret"),
            missionId, audience, MissionClient.NewNonce(), ct, withAssertion: false);
        var unknown = await AskAsync("msn_" + MissionClient.NewNonce() + MissionClient.NewNonce());

        // Another audience's real Mission: the same Intent without this caller's resource.
        StatusAnswer? foreign = null;
        string? whyNoForeign = null;
        if (objects.Count < 2)
        {
            whyNoForeign = "the target file's Intent names one object, so no Mission of another audience can be made";
        }
        else
        {
            var otherIntent = flow.Intent();
            otherIntent["objects"] = new JsonArray(objects.Where(o => o != audience).Select(o => (JsonNode?)o).ToArray());
            var other = await flow.ObtainAsync(otherIntent);
            if (other.MissionId is { } otherId) foreign = await AskAsync(otherId);
            else whyNoForeign = Dependencies.NoMissionId;
        }

        var malformed = await context.Client.MissionStatusAsync(endpoint, caller.Credentials, missionId, audience, "abc", ct);

        // Suspended, then revoked: still answered, with the state signed (MBO-MS-010).
        StatusAnswer? suspended = null, revoked = null;
        string? whyNoTransitions = null, stateAfterSuspend = null, stateAfterRevoke = null;
        if (context.Client.Metadata.LifecycleEndpoint is null)
        {
            whyNoTransitions = "the AS advertises no mission_lifecycle_endpoint to suspend and revoke the Mission with";
        }
        else if (await flow.LifecycleAsync(missionId, "suspend") is { } suspend && (int)suspend.Status is < 200 or >= 300)
        {
            whyNoTransitions = $"suspend answered HTTP {(int)suspend.Status} (see MBO-AS-LC-002)";
        }
        else
        {
            stateAfterSuspend = await flow.StateAsync(missionId);
            suspended = await AskAsync(missionId);
            var revoke = await flow.LifecycleAsync(missionId, "revoke");
            if ((int)revoke.Status is >= 200 and < 300) (revoked, stateAfterRevoke) = (await AskAsync(missionId), await flow.StateAsync(missionId));
            else (whyNoTransitions, suspended) = ($"revoke answered HTTP {(int)revoke.Status} (see MBO-AS-LC-001)", null);
        }

        // Last, because it may leave this client rate-limited for a while: a bounded burst (MBO-MS-016).
        var burst = new List<WireResponse>();
        for (var i = 0; i < BurstLimit && burst.All(r => r.Status != HttpStatusCode.TooManyRequests); i++)
        {
            burst.Add((await AskAsync(missionId)).Response);
        }

        var anchor = (string?)(await flow.RecordAsync(missionId))?["integrity"]?["authority_hash"] is { } recorded
            ? new AnchorReference(recorded, "Mission record")
            : Subset.Text(claim, "authority_hash") is { } carried ? new AnchorReference(carried, "token") : null;
        var evidence = new MissionStatusEvidence(origin, anchor, jwks, active, unauthenticated, basic, authenticationNonce,
            unknown, foreign, malformed, suspended, revoked, burst, whyNoForeign, whyNoTransitions, stateAfterSuspend, stateAfterRevoke);
        context.Judge(new StatusAnswersSigned(), evidence);
        context.Judge(new StatusRequiresAuthentication(), evidence);
        context.Judge(new StatusJwsVerifies(), evidence);
        context.Judge(new StatusBindsRequest(), evidence);
        context.Judge(new StatusPayloadComplete(), evidence);
        context.Judge(new StatusProjectionAudienceOnly(), evidence);
        context.Judge(new StatusNoOracle(), evidence);
        context.Judge(new StatusErrorsEchoNonce(), evidence);
        context.Judge(new StatusNonceFormatEnforced(), evidence);
        context.Judge(new StatusReportsInactiveMissions(), evidence);
        context.Judge(new StatusLifetimeRecommended(), evidence);
        context.Judge(new StatusTimestampsOrdered(), evidence);
        context.Judge(new StatusMissionMemberExclusive(), evidence);
        context.Judge(new StatusRateLimitSignalled(), evidence);
        context.Judge(new StatusNotIntrospectionFormat(), evidence);
        context.Judge(new MissionStatusCapability(), evidence);
    }

    private static JsonElement? Parse(WireResponse response)
    {
        if (response.Status != HttpStatusCode.OK) return null;
        try
        {
            return JsonDocument.Parse(response.Body).RootElement.Clone() is { ValueKind: JsonValueKind.Object } document ? document : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Uri? UriMember(JsonElement? document, string name)
        => document is { } d && Subset.Text(d, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
}

/// <summary>
/// conformance.md §5 L3 / AD-3 item 3: introspection with the Mission projection (oauth-profile.md §11),
/// the by-token view of the same state, with the target file's "status" clients as the callers.
/// </summary>
public sealed class IntrospectionScenario : Scenario
{
    private const string SignedMediaType = "application/token-introspection+jwt";

    public override string Id => "status.introspection";
    public override string Title => "introspection tells an audience of the token the Mission's state, and tells nobody else anything";
    public override IReadOnlyList<string> Requirements { get; } =
        ["MBO-AS-INT-001", "MBO-AS-INT-002", "MBO-AS-INT-003", "MBO-AS-INT-004", "MBO-AS-INT-006", "MBO-CM-006"];

    public override async Task RunAsync(ScenarioContext context)
    {
        var ct = context.Cancellation;
        if (context.Client.Metadata.IntrospectionEndpoint is not { } endpoint)
        {
            foreach (var id in Requirements) context.Skip(id, "the AS advertises no introspection_endpoint (RFC 8414)");
            return;
        }
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        if (obtained.MissionId is not { } missionId || obtained.Token.AccessToken is not { } token)
        {
            foreach (var id in Requirements) context.Blocked(id, Dependencies.NoMissionId);
            return;
        }
        var objects = obtained.Intent["objects"]!.AsArray().Select(o => (string?)o).OfType<string>().ToList();
        var caller = flow.Server.StatusClients.FirstOrDefault(c => obtained.Token.Audiences.Contains(c.Audience!));
        if (caller is null)
        {
            var why = flow.Server.StatusClients.Count == 0
                ? "the target file names no Resource Server client (clients[] with role \"status\", its keyFile and audience) to introspect as"
                : "no status client's audience is an audience of the issued token";
            foreach (var id in Requirements) context.Interrupt(id, why);
            return;
        }

        Task<WireResponse> IntrospectAsync(string value, bool withAssertion = true, string? accept = null)
            => context.Client.IntrospectAsync(endpoint, caller.Credentials, value, ct, withAssertion, accept);

        var active = await IntrospectAsync(token);
        var garbage = await IntrospectAsync("not-a-token-" + MissionClient.NewNonce());
        var unauthenticated = await IntrospectAsync(token, withAssertion: false);
        var signed = await IntrospectAsync(token, accept: SignedMediaType);

        // A token that is not for this caller: a Mission made without its audience.
        WireResponse? nonAudience = null;
        string? whyNoNonAudience = null;
        if (objects.Count < 2)
        {
            whyNoNonAudience = "the target file's Intent names one object, so no token for another audience can be made";
        }
        else
        {
            var otherIntent = flow.Intent();
            otherIntent["objects"] = new JsonArray(objects.Where(o => o != caller.Audience).Select(o => (JsonNode?)o).ToArray());
            var other = await flow.ObtainAsync(otherIntent);
            if (other.Token.AccessToken is { } otherToken && !other.Token.Audiences.Contains(caller.Audience!)) nonAudience = await IntrospectAsync(otherToken);
            else whyNoNonAudience = $"the token of a Mission without {caller.Audience} still names it as an audience (see MBO-AS-TOK-008)";
        }

        WireResponse? revoked = null;
        string? whyNoRevoked = null;
        if (context.Client.Metadata.LifecycleEndpoint is null)
        {
            whyNoRevoked = "the AS advertises no mission_lifecycle_endpoint to revoke the Mission with";
        }
        else if (await flow.LifecycleAsync(missionId, "revoke") is { } revoke && (int)revoke.Status is < 200 or >= 300)
        {
            whyNoRevoked = $"revoke answered HTTP {(int)revoke.Status} (see MBO-AS-LC-001)";
        }
        else if (await flow.StateAsync(missionId) is { } state && state != "revoked")
        {
            whyNoRevoked = $"after revoke the inventory shows the Mission {state} (see MBO-AS-LC-001)";
        }
        else
        {
            revoked = await IntrospectAsync(token);
        }

        var anchor = (string?)(await flow.RecordAsync(missionId))?["integrity"]?["authority_hash"] is { } recorded
            ? new AnchorReference(recorded, "Mission record")
            : obtained.Token.Mission is { } claim && Subset.Text(claim, "authority_hash") is { } carried ? new AnchorReference(carried, "token") : null;
        var jwks = (await context.Client.GetDocumentAsync(context.Client.Metadata.JwksUri, ct)).Body;
        var evidence = new IntrospectionEvidence(caller.Audience!, missionId, anchor, active, garbage, unauthenticated, nonAudience, whyNoNonAudience,
            signed, jwks, revoked, whyNoRevoked);
        context.Judge(new IntrospectionShowsActiveMission(), evidence);
        context.Judge(new IntrospectionShowsInactiveMission(), evidence);
        context.Judge(new IntrospectionAudienceOnly(), evidence);
        context.Judge(new IntrospectionUnknownTokenInactive(), evidence);
        context.Judge(new IntrospectionSigned(), evidence);
        context.Judge(new IntrospectionCapability(), evidence);
    }
}
