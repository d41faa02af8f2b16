using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>conformance.md §5 L1 item 2: PAR accepts a valid mission_intent.</summary>
public sealed class ParAcceptanceScenario : Scenario
{
    public override string Id => "par.accepts-intent";
    public override string Title => "PAR with a valid mission_intent and PKCE answers 201";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ParAcceptsMissionIntent()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var response = await flow.PushAsync(flow.Intent().ToJsonString(), Pkce.Create());
        var errors = response.Status == HttpStatusCode.Created && response.IsJson ? response.SchemaErrors : [];
        context.Judge(new ParAcceptsMissionIntent(), new ParAcceptance(response, errors));
    }
}

/// <summary>conformance.md §5 L1 items 3 and 8: each malformed Intent is refused with the spec's code, and nothing is created.</summary>
public sealed partial class ParRefusalsScenario : Scenario
{
    public override string Id => "par.refusals";
    public override string Title => "PAR refuses malformed Intents with the spec's error codes and creates nothing";
    public override bool RunsAlone => true;
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new UnparseableIntentRefused(),
        new DuplicateMembersRefused(),
        new IncompleteIntentRefused(),
        new UnknownMembersRefused(),
        new OversizeIntentRefused(),
        new IntentWithAuthorizationDetailsRefused(),
        new ZeroDerivationBudgetRefused(),
        new UnderivableIntentRefused(),
        new UncoveredResourceRefused(),
        new UnregisteredPurposeRefused(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        JsonObject Edit(Action<JsonObject> edit)
        {
            var intent = flow.Intent();
            edit(intent);
            return intent;
        }
        async Task<Refusal> TryAsync(string @case, string intent, string? expected, params (string, string)[] extra)
        {
            var before = await flow.CountMissionsAsync();
            var response = await flow.PushAsync(intent, Pkce.Create(), null, extra);
            return Refusal.From(@case, response, expected, before, await flow.CountMissionsAsync());
        }
        const string InvalidRequest = "invalid_request";
        var valid = flow.Intent().ToJsonString();
        // The control every refusal below is compared with: the same client's valid Intent is accepted.
        flow.IntentAccepted(await flow.PushAsync(valid, Pkce.Create()), out _);

        context.Judge(new UnparseableIntentRefused(), [await TryAsync("unparseable JSON", "{goal:", InvalidRequest), await TryAsync("not an object", "[" + valid + "]", InvalidRequest)]);
        context.Judge(new DuplicateMembersRefused(), [await TryAsync("duplicate goal", valid.Replace("{\"goal\":", "{\"goal\":\"first\",\"goal\":", StringComparison.Ordinal), InvalidRequest)]);

        var incomplete = new List<Refusal>();
        var edition = flow.Edition;
        foreach (var member in edition.RequiredIntentMembers.Append(edition.ExpiryMember))
        {
            incomplete.Add(await TryAsync($"without {member}", Edit(i => i.Remove(member)).ToJsonString(), InvalidRequest));
        }
        incomplete.Add(await TryAsync($"empty {edition.ResourcesMember}", Edit(i => i[edition.ResourcesMember] = new JsonArray()).ToJsonString(), InvalidRequest));
        context.Judge(new IncompleteIntentRefused(), incomplete);

        // seed: x_ members extend the top level, unknown context members are refused; ietf-2026-08: the top level is closed to
        // x_ members too, and controls is where extensions go, so an unknown member there is not the refusal this judges.
        context.Judge(new UnknownMembersRefused(), edition.ExtendsAtTopLevel
            ?
            [
                await TryAsync("unknown top-level member", Edit(i => i["foo"] = 1).ToJsonString(), InvalidRequest),
                await TryAsync($"unknown {edition.BoundsMember} member", Edit(i => { i[edition.BoundsMember] ??= new JsonObject(); i[edition.BoundsMember]!["bar"] = 1; }).ToJsonString(), InvalidRequest),
                await TryAsync("x_ extension member (must be accepted)", Edit(i => i["x_conformance_note"] = "accepted").ToJsonString(), null),
            ]
            :
            [
                await TryAsync("unknown top-level member", Edit(i => i["foo"] = 1).ToJsonString(), InvalidRequest),
                await TryAsync("x_ top-level member (the top level is closed)", Edit(i => i["x_conformance_note"] = "refused").ToJsonString(), InvalidRequest),
            ]);

        // A mistyped advertisement is MBO-AS-MD-003's to judge; then the edition's default applies: seed 16384 octets; ietf-2026-08
        // leaves the bound to the deployment (§Submission via PAR, "Bounded size"), so an Intent of 1 MiB shows whether there is one.
        var maxSize = context.Client.Metadata.Document.TryGetProperty("mission_intent_max_size", out var advertised)
            && advertised.ValueKind == System.Text.Json.JsonValueKind.Number && advertised.TryGetInt32(out var size) ? size : edition.DefaultIntentMaxSize ?? 1 << 20;
        context.Judge(new OversizeIntentRefused(), [await TryAsync($"over {maxSize} octets", edition.WithExtension(Edit(_ => { }), new string('x', maxSize + 100)).ToJsonString(), InvalidRequest)]);

        if (!context.Applies(new IntentWithAuthorizationDetailsRefused().RequirementId))
        {
            // ietf-2026-08 §The Authority Proposal: authorization_details pushed beside the Intent is a proposal, not an error.
            context.NotInEdition(new IntentWithAuthorizationDetailsRefused().RequirementId);
        }
        else
        {
            var details = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = flow.Resources(flow.Server.Intent)[0], ["actions"] = new JsonArray("read") });
            context.Judge(new IntentWithAuthorizationDetailsRefused(), [await TryAsync("with authorization_details", valid, InvalidRequest, ("authorization_details", details.ToJsonString()))]);
        }

        context.Judge(new ZeroDerivationBudgetRefused(),
        [
            await TryAsync("max_derivations \"0\"", edition.WithMaxDerivations(flow.Intent(), JsonValue.Create("0")).ToJsonString(), InvalidRequest),
            await TryAsync("max_derivations 0", edition.WithMaxDerivations(flow.Intent(), JsonValue.Create(0)).ToJsonString(), InvalidRequest),
        ]);

        context.Judge(new UnderivableIntentRefused(),
            [await TryAsync("only an unknown resource", edition.WithResources(flow.Intent(), ["https://unknown-resource.invalid/api"]).ToJsonString(), "invalid_authorization_details")]);

        // PAR-012's token-endpoint half is judged by the narrowing scenario; both must hold.
        context.Judge(new UncoveredResourceRefused(), [await UncoveredResourceAsync(context, flow, valid)]);

        if (flow.Server.UnregisteredPurpose is { } purpose)
        {
            context.Judge(new UnregisteredPurposeRefused(), [await TryAsync($"purpose {purpose}", Edit(i => i["purpose"] = purpose).ToJsonString(), InvalidRequest)]);
        }
        else
        {
            context.SkipForWant("MBO-AS-PAR-015", "authorizationServers[0].purposes.unregistered", "the target file declares no client-registered purposes (authorizationServers[0].purposes.unregistered)");
        }
    }
}

public sealed partial class ParRefusalsScenario
{
    private const string UnrelatedResource = "https://unrelated-resource.invalid/api";

    /// <summary>
    /// MBO-AS-PAR-012 at PAR: a resource no derived entry covers is refused (invalid_target, RFC 8707 §2; or invalid_request),
    /// or the request is accepted and the token it yields does not carry that audience, as the requirement's test allows.
    /// </summary>
    private static async Task<Refusal> UncoveredResourceAsync(ScenarioContext context, MissionFlow flow, string intent)
    {
        const string Case = "PAR resource no entry covers";
        var pkce = Pkce.Create();
        var par = await flow.PushAsync(intent, pkce, null, ("resource", UnrelatedResource));
        if (par.Status != HttpStatusCode.Created || par.Member("request_uri") is not { } requestUri)
        {
            return Refusal.From(Case, par, "invalid_target", null, null, alsoAllowed: "invalid_request");
        }
        ConsentOutcome consent;
        try
        {
            consent = await flow.ConsentAsync(requestUri, ConsentDecision.Approve);
        }
        catch (ConsentLoopException loop)
        {
            // Accepted, and approving it never ends: the client gets neither the resource nor a refusal of it.
            return new Refusal($"{Case} (accepted at PAR; {loop.Message[(loop.Message.IndexOf("after the decision", StringComparison.Ordinal))..]})",
                HttpStatusCode.Created, null, "invalid_target", null, null);
        }
        if (consent.Code is not { } code)
        {
            throw new ScenarioInterruptedException($"PAR accepted a resource no entry covers, and its approval gave no code: {consent.Error} {consent.ErrorDescription}");
        }
        var token = await flow.RedeemAsync(code, pkce.Verifier);
        if (!token.Succeeded)
        {
            // Refused at the token endpoint: nothing was issued for the resource, a refusal all the same.
            return Refusal.From($"{Case} (accepted at PAR, refused at the code's redemption)", token.Response, "invalid_target", null, null, alsoAllowed: "invalid_request");
        }
        // Accepted: the audience must be left out of the token, which is as good as a refusal of that resource.
        return token.Audiences.Contains(UnrelatedResource)
            ? new Refusal($"{Case} (accepted, and the token carries that audience)", HttpStatusCode.OK, null, "invalid_target", null, null)
            : new Refusal($"{Case} (accepted, the token leaves that audience out)", HttpStatusCode.BadRequest, "invalid_target", "invalid_target", null, null);
    }
}

/// <summary>conformance.md §5 L1 item 4: mission_intent only through PAR; pushed parameters are authoritative.</summary>
public sealed class FrontChannelScenario : Scenario
{
    public override string Id => "par.front-channel";
    public override string Title => "mission_intent on the front channel is refused; front-channel parameters never widen a pushed request";
    public override bool RunsAlone => true;
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new FrontChannelIntentRefused(),
        new FrontChannelParametersIgnored(),
        new PushedRequestRequired(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var intent = flow.Intent().ToJsonString();
        // The control: the same Intent is accepted when pushed, so a front-channel refusal is about the channel.
        flow.IntentAccepted(await flow.PushAsync(intent, Pkce.Create()), out _);
        var before = await flow.CountMissionsAsync();
        var pkce = Pkce.Create();
        var query = new Dictionary<string, string>
        {
            ["client_id"] = flow.Agent.ClientId, ["response_type"] = "code", ["redirect_uri"] = flow.Server.RedirectUri,
            ["code_challenge"] = pkce.Challenge, ["code_challenge_method"] = Pkce.Method, ["mission_intent"] = intent,
        };
        Uri Authorize(IEnumerable<KeyValuePair<string, string>> parameters)
            => new(context.Client.Metadata.AuthorizationEndpoint + "?" + string.Join("&", parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
        var (status, error) = await context.Client.GetAsync(Authorize(query), context.Cancellation);
        // MBO-AS-PAR-002: a redirect carrying error=invalid_request counts as the refusal.
        context.Judge(new FrontChannelIntentRefused(),
            [new Refusal("mission_intent on GET /authorize", error is null ? status : HttpStatusCode.BadRequest, error, "invalid_request", before, await flow.CountMissionsAsync())]);

        // MC-AS-PAR-101: the same request without mission_intent, still without request_uri (RFC 9126 §5).
        var (plainStatus, plainError) = await context.Client.GetAsync(Authorize(query.Where(p => p.Key != "mission_intent")), context.Cancellation);
        var required = context.Client.Metadata.Document.TryGetProperty("require_pushed_authorization_requests", out var requirePar) && requirePar.ValueKind == System.Text.Json.JsonValueKind.True;
        context.Judge(new PushedRequestRequired(), new PushedRequestEvidence(required, plainStatus, plainError));

        var extraResource = "https://front-channel-extra.invalid/api";
        var extra = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = extraResource, ["actions"] = new JsonArray("pay") });
        var (grantPkce, consent, _) = await flow.ApproveAsync(flow.Intent(), frontChannelExtra: new Dictionary<string, string>
        {
            ["authorization_details"] = extra.ToJsonString(), ["scope"] = FrontChannelWidening.ExtraScope, ["resource"] = extraResource,
        });
        var token = await flow.RedeemAsync(consent.Code!, grantPkce.Verifier);
        context.Judge(new FrontChannelParametersIgnored(), new FrontChannelWidening(token, extraResource));
    }
}

/// <summary>conformance.md §5 L1 item 15: the Intent has no identity; two identical submissions give two Missions.</summary>
public sealed class IdenticalIntentsScenario : Scenario
{
    public override string Id => "par.identical-intents";
    public override string Title => "two identical Intents become two distinct Missions";
    public override IReadOnlyList<ICheck> Checks { get; } = [new IdenticalIntentsGiveDistinctMissions(), new MissionIdsNeverReused()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var intent = flow.Intent();
        var first = await flow.ObtainAsync((JsonObject)intent.DeepClone());
        var second = await flow.ObtainAsync((JsonObject)intent.DeepClone());
        if (first.MissionId is null || second.MissionId is null)
        {
            context.Blocked("MBO-AS-PAR-013", "the access tokens carry no mission.id (MBO-AS-TOK-001)");
            context.Blocked("MBO-AS-REC-010", "the access tokens carry no mission.id (MBO-AS-TOK-001)");
            return;
        }
        var ids = new DistinctMissions([first.MissionId, second.MissionId]);
        context.Judge(new IdenticalIntentsGiveDistinctMissions(), ids);
        context.Judge(new MissionIdsNeverReused(), ids);
    }
}
