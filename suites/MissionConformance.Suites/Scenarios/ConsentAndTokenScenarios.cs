using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

internal static class Dependencies
{
    /// <summary>Why no lifecycle operation can be asked for: the suite's only way to suspend, resume, revoke and complete a Mission.</summary>
    public const string NoLifecycle = "the AS advertises no mission_lifecycle_endpoint and the target file declares none (lifecycle)";

    /// <summary>
    /// Why <paramref name="token"/> cannot name its Mission to the suite, as precisely as the token shows it (no access token,
    /// not a JWT, no mission claim, or which of <paramref name="members"/> the claim lacks); null when it can.
    /// </summary>
    public static string? MissingMission(TokenExchange token, params string[] members)
    {
        if (token.AccessToken is null) return $"the token response carries no access_token ({token.Response.Outcome()})";
        if (token.Claims is null) return "the access token is opaque and no status client could introspect it, so the suite reads no mission claim (MBO-AS-TOK-013)";
        if (token.Mission is not { } claim) return "the access token carries no mission claim (MBO-AS-TOK-001)";
        // A pairwise ref names the Mission as well as its id does (TokenExchange.MissionId).
        var absent = members.Where(name => Subset.Text(claim, name) is null && !(name == "id" && Subset.Text(claim, "ref") is not null)).ToList();
        if (absent.Count == 0) return null;
        return $"the access token's mission claim carries no {string.Join(" and no ", absent.Select(a => a == "id" ? "id (or ref)" : a))} (MBO-AS-TOK-001)";
    }

    /// <summary><see cref="MissingMission"/> for the Mission's id, which lifecycle requests and the inventory name it by.</summary>
    public static string NoMissionId(TokenExchange token) => MissingMission(token, "id") ?? "the Mission has no id";

    /// <summary>The first of <paramref name="missions"/> without a Mission id, said as <see cref="NoMissionId(TokenExchange)"/>.</summary>
    public static string NoMissionId(params ObtainedMission[] missions) => NoMissionId(missions.First(m => m.MissionId is null).Token);

    public static void Block(ScenarioContext context, string cause, params string[] requirements)
    {
        foreach (var id in requirements) context.Blocked(id, cause);
    }
}

/// <summary>
/// conformance.md §5 L1 items 5 and 6: consent shows what is approved; approval activates the
/// Mission with the code; the token is RFC 9068 with the mission claim and the granted details.
/// </summary>
public sealed class ApprovalAndTokenScenario : Scenario
{
    public override string Id => "consent.approve-and-issue";
    public override string Title => "approval activates the Mission and the token carries it";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new ConsentShowsIntentAndAuthority(),
        new MissionActiveAtCodeIssuance(),
        new ConsentNotFramable(),
        new AuthorizationResponseCarriesIssuer(),
        new MissionClaimCarried(),
        new MissionClaimAuthorityHash(),
        new MissionClaimIdOrRef(),
        new TokenResponseEchoesDetails(),
        new TokenDetailsWithinAuthoritySet(),
        new TokenDetailsWellFormed(),
        new TokenExpiryWithinMission(),
        new AudienceOnlyEntitledServers(),
        new ScopeDerivableFromDetails(),
        new SubjectAndClientOfMission(),
        new AccessTokenSenderConstrained(),
        new AccessTokenIsRfc9068(),
        new OpaqueTokenIntrospectable(),
        new SenderConstraintAdvertised(),
        new MissionIdOpaqueAndRandom(),
        new MissionIdCarriesNoMeaning(),
        new MissionOriginIsIssuer(),
        new AnchorsWellFormed(),
        new MissionExpiresAtReturned(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var intent = flow.Intent();
        var (pkce, consent, _) = await flow.ApproveAsync(intent);
        var metadata = context.Client.Metadata;
        context.Judge(new AuthorizationResponseCarriesIssuer(), new AuthorizationResponseEvidence(
            metadata.Document.TryGetProperty("authorization_response_iss_parameter_supported", out var iss) && iss.ValueKind == JsonValueKind.True,
            metadata.Issuer, consent.Issuer));

        // The record's state between code issuance and redemption (only an inventory can show it).
        var stateAtIssuance = (string?)(await flow.RecordByGoalAsync((string)intent["goal"]!))?["state"];
        var token = await flow.RedeemAsync(consent.Code!, pkce.Verifier);
        if (!token.Succeeded)
        {
            throw new ScenarioInterruptedException($"the approved code was not redeemed: HTTP {(int)token.Response.Status} {MissionFlow.Excerpt(token.Response.Body)}");
        }
        context.Judge(new MissionActiveAtCodeIssuance(), new ActivationEvidence(stateAtIssuance, token));

        // What consent had to show: the Mission's Authority Set (record), else the first full-set token's entries.
        var record = token.MissionId is { } id ? await flow.RecordAsync(id) : null;
        var shown = record?["authority_set"] is JsonArray recordedSet ? JsonSerializer.SerializeToElement(recordedSet) : token.TokenDetails;
        var authority = shown is { ValueKind: JsonValueKind.Array } entries
            ? entries.EnumerateArray().Select(e => new AuthorityShown(Subset.Text(e, "resource") ?? "", Subset.Strings(e, "actions"),
                e.TryGetProperty("constraints", out var c) && c.ValueKind == JsonValueKind.Object ? [.. c.EnumerateObject().Select(p => p.Name)] : [])).ToList()
            : [];
        var recordedExpiry = (string?)record?[flow.Edition.ExpiryMember] is { } expiryText ? DateTimeOffset.Parse(expiryText, System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        // oauth-profile.md §5: the page renders the validated Intent, which the record shows; else the Intent as submitted.
        var rendered = record?["mission_intent"] as JsonObject ?? intent;
        context.JudgeRendering(new ConsentShowsIntentAndAuthority(), new ConsentPage(consent.ConsentPageText, rendered, authority, recordedExpiry, flow.Edition), consent.Screenshots);
        context.Judge(new ConsentNotFramable(), new FramingEvidence(consent.Pages));

        // Without a record, the Mission as the spec's own surfaces show it: Mission Status, else introspection.
        var (witness, gap) = record is null ? await MissionWitness.AskAsync(context, token) : (null, null);
        var evidence = new TokenEvidence(token, context.Client.Metadata.Issuer, flow.Agent.ClientId, flow.Server.Approver.MissionSubject,
            flow.Expiry(intent), [], context.Client.Metadata.Document, record)
        {
            Witness = witness, WitnessGap = gap,
        };
        context.Judge(new MissionClaimCarried(), evidence);
        context.Judge(new MissionClaimAuthorityHash(), evidence);
        context.Judge(new MissionClaimIdOrRef(), evidence);
        context.Judge(new TokenResponseEchoesDetails(), evidence);
        context.Judge(new TokenDetailsWithinAuthoritySet(), evidence);
        context.Judge(new TokenDetailsWellFormed(), evidence);
        context.Judge(new TokenExpiryWithinMission(), evidence);
        context.Judge(new AudienceOnlyEntitledServers(), evidence);
        context.Judge(new ScopeDerivableFromDetails(), evidence);
        context.Judge(new MissionExpiresAtReturned(), evidence);
        context.Judge(new SubjectAndClientOfMission(), evidence);
        context.Judge(new AccessTokenSenderConstrained(), evidence);
        context.Judge(new AccessTokenIsRfc9068(), evidence);
        context.Judge(new OpaqueTokenIntrospectable(), evidence);
        context.Judge(new SenderConstraintAdvertised(), evidence);
        if (token.MissionId is null)
        {
            Dependencies.Block(context, Dependencies.NoMissionId(token), "MBO-AS-REC-001", "MBO-AS-REC-002", "MBO-AS-REC-003", "MBO-AS-REC-004");
            return;
        }
        context.Judge(new MissionIdOpaqueAndRandom(), evidence);
        context.Judge(new MissionIdCarriesNoMeaning(), evidence);
        context.Judge(new MissionOriginIsIssuer(), evidence);
        context.Judge(new AnchorsWellFormed(), evidence);
    }
}

/// <summary>MBO-AS-APR-005: the subject is the authenticated user, whatever the client hints.</summary>
public sealed class SubjectScenario : Scenario
{
    public override string Id => "consent.subject";
    public override string Title => "a login_hint naming another user does not change the Mission subject";
    public override IReadOnlyList<ICheck> Checks { get; } = [new SubjectNotFromClientInput()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var other = flow.Server.Accounts.FirstOrDefault(a => a.Role == "other");
        if (other is null)
        {
            context.SkipForWant("MBO-AS-APR-005", "a second account (authorizationServers[0].accounts[] with role \"other\")", "the target file names no second account (accounts[].role \"other\")");
            return;
        }
        var obtained = await flow.ObtainAsync(parExtra: [("login_hint", other.Username)]);
        context.Judge(new SubjectNotFromClientInput(), new SubjectEvidence(obtained.Token, flow.Server.Approver.MissionSubject, other.Username, other.MissionSubject));
    }
}

/// <summary>MBO-AS-APR-003: denial gives access_denied, no code, and a rejected record.</summary>
public sealed class DenialScenario : Scenario
{
    public override string Id => "consent.deny";
    public override string Title => "denying consent yields access_denied and no Mission-bound credential";
    public override IReadOnlyList<ICheck> Checks { get; } = [new DenialYieldsAccessDenied()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var intent = flow.Intent();
        var (_, requestUri) = await flow.PushAcceptedAsync(intent, Pkce.Create());
        var outcome = await flow.ConsentAsync(requestUri, ConsentDecision.Deny);
        var state = (string?)(await flow.RecordByGoalAsync((string)intent["goal"]!))?["state"];
        context.Judge(new DenialYieldsAccessDenied(), new DenialEvidence(outcome, state));
    }
}

/// <summary>MBO-AS-APR-008: replaying an approval yields no second code or Mission.</summary>
public sealed class ApprovalReplayScenario : Scenario
{
    public override string Id => "consent.replay";
    public override string Title => "replaying an approval creates no second code";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ApprovalNotReplayable()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var (_, requestUri) = await flow.PushAcceptedAsync(flow.Intent(), Pkce.Create());
        var first = await flow.ConsentAsync(requestUri, ConsentDecision.Approve);
        string? replayCode;
        try
        {
            replayCode = (await flow.ConsentAsync(requestUri, ConsentDecision.Approve)).Code;
        }
        catch (ConsentDriverException)
        {
            replayCode = null;  // the AS refused the used request_uri with an error page
        }
        context.Judge(new ApprovalNotReplayable(), new ReplayEvidence(first, replayCode));
    }
}

/// <summary>Narrowing disclosed and anchored: MBO-AS-APR-002, PAR-014, REC-005, REC-006, REC-009, and two Missions' consent_rendering_hash (MC-AS-REC-101).</summary>
public sealed class NarrowingAndAnchorsScenario : Scenario
{
    public override string Id => "consent.narrowing-and-anchors";
    public override string Title => "a narrowed Intent is disclosed at consent and anchored as validated";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new ConsentDisclosesNarrowing(),
        new NarrowingNeverExtends(),
        new AuthorityHashRecomputes(),
        new ProposalHashRecomputes(),
        new ProposalHashOverValidatedIntent(),
        new RenderingHashCoversDisclosure(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var shortIntent = flow.Intent(TimeSpan.FromHours(1));
        var shortMission = await flow.ObtainAsync(shortIntent);
        var shortRecord = shortMission.MissionId is { } shortId ? await flow.RecordAsync(shortId) : null;
        var (shortWitness, _) = await MissionWitness.AskAsync(context, shortMission.Token);
        context.Judge(new NarrowingNeverExtends(), new NarrowingEvidence(shortIntent, shortRecord, shortWitness, shortMission.Token, flow.Edition));

        var probe = flow.Server.Narrowing;
        if (probe is null)
        {
            context.SkipForWant("MBO-AS-APR-002", "authorizationServers[0].narrowing", "the target file does not say how to make this AS narrow an Intent (authorizationServers[0].narrowing)");
            context.SkipForWant("MBO-AS-REC-009", "authorizationServers[0].narrowing", "the target file declares no narrowing probe");
        }
        var intent = flow.Intent(TimeSpan.FromDays(probe?.MissionLifetimeDays ?? 1));
        if (probe?.UnknownObject is { } unknown) intent = flow.Edition.WithResources(intent, [.. flow.Resources(intent), unknown]);
        var narrowed = await flow.ObtainAsync(intent);
        if (probe is not null)
        {
            context.JudgeRendering(new ConsentDisclosesNarrowing(), new NarrowingDisclosure(narrowed.Consent.ConsentPageText, probe.Fields), narrowed.Consent.Screenshots);
        }

        var record = narrowed.MissionId is { } id ? await flow.RecordAsync(id) : null;
        if (narrowed.MissionId is null)
        {
            Dependencies.Block(context, Dependencies.NoMissionId(narrowed), "MBO-AS-REC-005", "MBO-AS-REC-006", "MC-AS-REC-101");
            if (probe is not null) context.Blocked("MBO-AS-REC-009", Dependencies.NoMissionId(narrowed));
            return;
        }
        if (record is null)
        {
            // Open point 5: the inputs of the anchors (the normalised Authority Set, the validated Intent, the tenant the envelope binds)
            // are on no surface the spec defines. Their format and cross-surface equality are judged (REC-004, TOK-002, MS-008).
            const string Inputs = "the normalised Authority Set, the validated Intent and the tenant the anchor envelope binds appear on no surface the spec defines, "
                + "so the anchors cannot be recomputed; a target with a Mission inventory (authorizationServers[].inventory, a suite extension) lets the suite recompute them";
            context.NotVerifiable("MBO-AS-REC-005", Inputs);
            context.NotVerifiable("MBO-AS-REC-006", Inputs);
            if (probe is not null) context.NotVerifiable("MBO-AS-REC-009", Inputs);
            context.Judge(new RenderingHashCoversDisclosure(), await RenderingHashesAsync(context, shortMission, narrowed));
            return;
        }
        if (shortRecord is null) context.Blocked("MC-AS-REC-101", "the first Mission's record could not be read from the inventory");
        else context.Judge(new RenderingHashCoversDisclosure(), new RenderingHashEvidence(Rendering(shortRecord["integrity"]), shortMission.Consent.ConsentPageText,
            Rendering(record["integrity"]), narrowed.Consent.ConsentPageText, "the Mission record"));
        var evidence = new RecordEvidence(record, intent, context.Client.Metadata.Issuer);
        context.Judge(new AuthorityHashRecomputes(), evidence);
        context.Judge(new ProposalHashRecomputes(), evidence);
        if (probe is not null) context.Judge(new ProposalHashOverValidatedIntent(), evidence);
    }

    private static string? Rendering(JsonNode? anchors) => (string?)anchors?["consent_rendering_hash"];

    /// <summary>Both Missions' consent_rendering_hash as Mission Status shows it (its integrity_anchors), when no record is at hand.</summary>
    private static async Task<RenderingHashEvidence> RenderingHashesAsync(ScenarioContext context, ObtainedMission first, ObtainedMission second)
    {
        async Task<string?> HashAsync(ObtainedMission mission) => (await MissionWitness.AskAsync(context, mission.Token)).Witness?.ConsentRenderingHash;
        return new RenderingHashEvidence(await HashAsync(first), first.Consent.ConsentPageText, await HashAsync(second), second.Consent.ConsentPageText, "Mission Status");
    }
}

/// <summary>conformance.md §5 L1 items 7 and 8: RFC 8707 narrowing, the subset rule, and refusals outside the set.</summary>
public sealed class ResourceNarrowingScenario : Scenario
{
    public override string Id => "token.narrowing";
    public override string Title => "a token narrowed to one resource is single-audience and a subset; nothing outside the set is derived";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new TokenResponseEchoesDetails(),
        new AudienceOnlyEntitledServers(),
        new NarrowedEntryKeepsResourceAndActions(),
        new NarrowedEntryKeepsConstraints(),
        new OutsideSetNotDerived(),
        new UncoveredResourceRefused(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var full = await flow.ObtainAsync();
        var missionEntries = full.MissionId is { } id && await flow.RecordAsync(id) is { } record
            ? JsonSerializer.SerializeToElement(record["authority_set"])
            : full.Token.TokenDetails ?? JsonSerializer.SerializeToElement(Array.Empty<object>());
        var resource = missionEntries.ValueKind == JsonValueKind.Array
            ? missionEntries.EnumerateArray().Select(e => Subset.Text(e, "resource")).OfType<string>().FirstOrDefault()
            : null;
        if (resource is null)
        {
            throw new ScenarioInterruptedException("no entry with a resource to narrow to: neither the Mission record nor the token response's authorization_details "
                + $"is an array naming one ({MissionFlow.Excerpt(full.Token.Response.Body)})");
        }

        var (pkce, consent, _) = await flow.ApproveAsync(flow.Intent());
        var narrowed = await flow.RedeemAsync(consent.Code!, pkce.Verifier, null, ("resource", resource));
        if (!narrowed.Succeeded)
        {
            throw new ScenarioInterruptedException($"a token request with resource={resource} (an entry of the Mission) was refused: {MissionFlow.Excerpt(narrowed.Response.Body)}");
        }
        var evidence = new TokenEvidence(narrowed, context.Client.Metadata.Issuer, flow.Agent.ClientId, null, full.MissionExpiry, [resource], context.Client.Metadata.Document, null);
        context.Judge(new AudienceOnlyEntitledServers(), evidence);
        context.Judge(new TokenResponseEchoesDetails(), evidence);
        var narrowedEvidence = new NarrowedToken(resource, narrowed, missionEntries);
        context.Judge(new NarrowedEntryKeepsResourceAndActions(), narrowedEvidence);
        context.Judge(new NarrowedEntryKeepsConstraints(), narrowedEvidence);

        var wider = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = resource, ["actions"] = new JsonArray("conformance_outside_action") });
        // The control: the same refresh without the extra action is served; the rotated token, if any, then asks for the action.
        var first = full.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh token was issued");
        var outside = await flow.RefreshAsync((await flow.ControlRefreshAsync(first)).RefreshToken ?? first, null, ("authorization_details", wider.ToJsonString()));
        context.Judge(new OutsideSetNotDerived(), new OutsideSetRequest(outside, missionEntries));

        var (pkce2, consent2, _) = await flow.ApproveAsync(flow.Intent());
        var foreign = await flow.RedeemAsync(consent2.Code!, pkce2.Verifier, null, ("resource", "https://unrelated-resource.invalid/api"));
        var refusal = foreign.Succeeded && !foreign.Audiences.Contains("https://unrelated-resource.invalid/api")
            ? new Refusal("token request resource outside the set (omitted)", HttpStatusCode.BadRequest, "invalid_target", "invalid_target", null, null)
            : Refusal.From("token request resource outside the set", foreign.Response, "invalid_target", null, null, alsoAllowed: "invalid_request");
        context.Judge(new UncoveredResourceRefused(), [refusal]);
    }
}

/// <summary>MBO-AS-PAR-016: the code is bound by PKCE S256.</summary>
public sealed class PkceScenario : Scenario
{
    public override string Id => "token.pkce";
    public override string Title => "a code redeemed with the wrong code_verifier, or a second time, is refused";
    public override IReadOnlyList<ICheck> Checks { get; } = [new WrongCodeVerifierRefused(), new CodeRedeemedOnce()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var client = flow.Server.Client("public") ?? flow.Agent;
        var (pkce, consent, _) = await flow.ApproveAsync(flow.Intent(), client);
        var token = await flow.RedeemAsync(consent.Code!, Pkce.Create().Verifier, client);
        // The control: the same client's code redeemed with its own verifier. The refused code itself, if the AS still takes it;
        // an AS may spend a code on a failed attempt, and then a fresh approval serves (ObtainAsync records the control).
        var right = await flow.RedeemAsync(consent.Code!, pkce.Verifier, client);
        var (served, verifier) = (consent.Code!, pkce.Verifier);
        if (right.Response.Status == HttpStatusCode.OK)
        {
            context.Control(Controls.CodeRedeemed, true, "");
        }
        else
        {
            var fresh = await flow.ObtainAsync(client: client);
            (served, verifier) = (fresh.Consent.Code!, fresh.Pkce.Verifier);
        }
        context.Judge(new WrongCodeVerifierRefused(), [Refusal.From($"wrong code_verifier ({client.ClientId})", token.Response, "invalid_grant", null, null)]);

        // MC-AS-TOK-101: the code just served, redeemed again exactly as before (RFC 6749 §4.1.2).
        var again = await flow.RedeemAsync(served, verifier, client);
        context.Judge(new CodeRedeemedOnce(), [Refusal.From($"a served code redeemed again ({client.ClientId})", again.Response, "invalid_grant", null, null)]);
    }
}

/// <summary>MBO-AS-APR-006: a client-supplied Mission id never selects the Mission.</summary>
public sealed class ClientMissionIdScenario : Scenario
{
    public override string Id => "token.client-mission-id";
    public override string Title => "a mission_id parameter on the token request is ignored";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ClientSuppliedMissionIdIgnored()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var victim = await flow.ObtainAsync();
        if (victim.MissionId is null)
        {
            context.Blocked("MBO-AS-APR-006", Dependencies.NoMissionId(victim));
            return;
        }
        var (pkce, consent, _) = await flow.ApproveAsync(flow.Intent());
        var token = await flow.RedeemAsync(consent.Code!, pkce.Verifier, null, ("mission_id", victim.MissionId), ("mission", victim.MissionId));
        context.Judge(new ClientSuppliedMissionIdIgnored(), new ClientMissionIdEvidence(victim.MissionId, token));
    }
}
