using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// conformance.md §5 L2 / AD-2 items 1–2, same-domain projection by RFC 8693 Token Exchange
/// (oauth-profile.md §9): the Mission's first token, which carries every resource, is exchanged for
/// one of them, twice; the narrowed token is then exchanged for a resource it does not carry; last,
/// the Mission is suspended and revoked and the first token, still unexpired, is exchanged again.
/// </summary>
public sealed class TokenExchangeScenario : Scenario
{
    public override string Id => "projection.exchange";
    public override string Title => "Token Exchange projects the Mission to one audience without widening it, and only while the Mission is active";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new ExchangeGatedOnMissionState(),
        new ExchangeKeepsMission(),
        new ExchangeNeverWidens(),
        new ExchangeResponseReturnsDetails(),
        new ClaimModeStableAcrossDerivations(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var exchange = DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[DomainFeatures.TokenExchange];
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var subject = obtained.Token;
        var token = subject.AccessToken ?? throw new ScenarioInterruptedException("the code redemption returned no access_token to exchange");
        var resources = subject.Entries.Select(e => Subset.Text(e, "resource")).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (resources.Count == 0) throw new ScenarioInterruptedException("the Mission's first token carries no authorization_details entry to exchange for (see MBO-AS-TOK-004)");

        var resource = resources[0];
        var exchanged = await flow.ExchangeAsync(token, null, ("resource", resource));
        // MBO-AS-GATE-005 is Level 1 (seed 002: "refresh and exchange gate on Mission state"), so the exchange is tried whether or
        // not metadata advertises RFC 8693: one served unadvertised is judged like any other; none served, nothing derives by it.
        if (exchange.Availability != FeatureAvailability.Offered && !exchanged.Succeeded)
        {
            foreach (var id in Requirements) context.Skip(id, $"Token Exchange is not offered ({exchange.Reason}), and an exchange tried all the same was answered {exchanged.Response.Outcome()}");
            return;
        }
        context.Control(Controls.ExchangeServed, exchanged.Succeeded, $"the exchange for {resource} while the Mission was active answered {exchanged.Response.Outcome()}");
        var again = exchanged.Succeeded ? await flow.ExchangeAsync(token, null, ("resource", resource)) : null;
        var other = resources.Skip(1).FirstOrDefault();
        TokenExchange? widening = null;
        string? whyNoWidening = null;
        if (other is null) whyNoWidening = "the Mission's first token carries one resource only (the target file's Intent names one object)";
        else if (exchanged.AccessToken is not { } narrowed || !exchanged.Succeeded) whyNoWidening = "the first exchange gave no token to widen";
        else widening = await flow.ExchangeAsync(narrowed, null, ("resource", other));

        var evidence = new ExchangeEvidence(subject, resource, exchanged, again, other, widening, whyNoWidening);
        context.Judge(new ExchangeKeepsMission(), evidence);
        context.Judge(new ExchangeNeverWidens(), evidence);
        context.Judge(new ExchangeResponseReturnsDetails(), evidence);
        List<(string, TokenExchange)> forResource = [("the code-redemption token", subject), ("the exchanged token", exchanged)];
        if (again is not null) forResource.Add(("the second exchanged token", again));
        context.Judge(new ClaimModeStableAcrossDerivations(), new ClaimModeEvidence(resource, forResource));

        // MBO-AS-GATE-005: the first token is still unexpired; the Mission behind it is not active.
        if (obtained.MissionId is not { } missionId)
        {
            context.Blocked("MBO-AS-GATE-005", Dependencies.NoMissionId(obtained));
            return;
        }
        if (!context.Client.HasLifecycle)
        {
            context.Blocked("MBO-AS-GATE-005", Dependencies.NoLifecycle + " to suspend and revoke the Mission with (see MBO-AS-LC-001)");
            return;
        }
        var attempts = new List<ExchangeGating>();
        foreach (var (operation, expected) in new[] { ("suspend", "suspended"), ("revoke", "revoked") })
        {
            var lifecycle = await flow.LifecycleAsync(missionId, operation);
            if ((int)lifecycle.Status is < 200 or >= 300)
            {
                attempts.Add(new ExchangeGating(operation, $"unchanged ({operation} answered HTTP {(int)lifecycle.Status})", TokenExchange.From(lifecycle), expected));
                continue;
            }
            var state = await flow.StateAsync(missionId);
            attempts.Add(new ExchangeGating(operation, state, await flow.ExchangeAsync(token, null, ("resource", resource)), expected));
        }
        context.Judge(new ExchangeGatedOnMissionState(), new ExchangeGatingEvidence(attempts));
    }
}

/// <summary>
/// conformance.md §5 L2 item 5, delegation "if supported" (oauth-profile.md §10): the target file's
/// delegate client obtains a delegated token from the agent's by Token Exchange, with its own DPoP
/// key; see <see cref="DelegatedTokenEvidence"/> for every request this scenario makes.
/// </summary>
public sealed class TokenDelegationScenario : Scenario
{
    public override string Id => "projection.delegation";
    public override string Title => "a delegated token keeps the agent as client, names the delegate in act, is bound to its key and carries only what may be delegated to it";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new DelegatedTokenNamesDelegate(),
        new DelegatedAuthorityWithinSubject(),
        new DelegatedTokenBoundToDelegateKey(),
        new DelegatedEntriesEligible(),
        new EmptyDelegationRefused(),
        new SelfAssertedProfileIgnored(),
        new DelegationGatedOnMissionState(),
    ];

    /// <summary>
    /// The agent's token to delegate: the first one, or where every token is for one Resource Server (pairwise sector resource_server),
    /// a refresh for the first object whose entry admits the delegate, so the delegation has something to carry.
    /// </summary>
    private static async Task<TokenExchange> DelegableTokenAsync(MissionFlow flow, ObtainedMission obtained, string delegateId)
    {
        static bool Admits(TokenExchange token, string delegateId) => token.Entries.Any(e => DelegatedTokenEvidence.Delegable(e, 1, delegateId, null) != false);
        if (!flow.TokensPerResource || Admits(obtained.Token, delegateId) || obtained.Token.RefreshToken is not { } refresh) return obtained.Token;
        foreach (var resource in obtained.Resources.Skip(1))
        {
            var candidate = await flow.RefreshAsync(refresh, null, ("resource", resource));
            refresh = candidate.RefreshToken ?? refresh;
            if (candidate.Succeeded && Admits(candidate, delegateId)) return candidate;
        }
        return obtained.Token;
    }

    public override async Task RunAsync(ScenarioContext context)
    {
        var delegation = DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[DomainFeatures.Delegation];
        if (delegation.Availability != FeatureAvailability.Offered || context.Server.DelegateClient is not { } delegateClient)
        {
            foreach (var id in Requirements) context.Skip(id, $"delegation is not examined: {delegation.Reason} (oauth-profile.md §10: delegation is optional)");
            return;
        }
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var subject = await DelegableTokenAsync(flow, obtained, delegateClient.ClientId);
        var token = subject.AccessToken ?? throw new ScenarioInterruptedException("the code redemption returned no access_token to delegate");
        using var key = new DpopKey();

        var delegated = await flow.ExchangeAsync(token, delegateClient, key);
        context.Control(Controls.DelegationServed, delegated.Succeeded, $"the delegation to {delegateClient.ClientId} answered {delegated.Response.Outcome()}");
        var unbound = await flow.ExchangeAsync(token, delegateClient, dpop: null);
        var redelegated = delegated is { Succeeded: true, AccessToken: { } delegatedToken } ? await flow.ExchangeAsync(delegatedToken, delegateClient, key) : null;

        // The agent's token narrowed to one delegable resource, then delegated: nothing beyond it may come back (DEL-002).
        var entries = subject.Entries;
        var delegable = entries.FirstOrDefault(e => DelegatedTokenEvidence.Delegable(e, 1, delegateClient.ClientId, null) != false);
        TokenExchange? narrowed = null, narrowedDelegated = null;
        if (delegable.ValueKind == JsonValueKind.Object && Subset.Text(delegable, "resource") is { } resource && entries.Count > 1)
        {
            narrowed = await flow.ExchangeAsync(token, null, ("resource", resource));
            if (narrowed is { Succeeded: true, AccessToken: { } narrowedToken }) narrowedDelegated = await flow.ExchangeAsync(narrowedToken, delegateClient, key);
        }

        // A client the AS does not know as an agent, claiming in its own actor_token the profile an entry admits (DEL-006).
        var foreign = context.Server.Client("foreign");
        var claimed = entries.Select(e => e.TryGetProperty("delegation", out var d) && d.TryGetProperty("allowed_delegates", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Object ? Subset.Text(m, "sub_profile") : null).OfType<string>().FirstOrDefault()
                : null)
            .OfType<string>().FirstOrDefault();
        TokenExchange? selfAsserted = null;
        if (foreign is not null && claimed is not null)
        {
            using var foreignKey = new DpopKey();
            selfAsserted = await flow.ExchangeAsync(token, foreign, foreignKey,
                ("actor_token", SelfAssertion(foreign.ClientId, claimed)), ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"));
        }

        // Last: the Mission suspended, the agent's token still unexpired (DEL-007).
        ExchangeGating? gated = null;
        if (obtained.MissionId is { } missionId && context.Client.HasLifecycle
            && (int)(await flow.LifecycleAsync(missionId, "suspend")).Status is >= 200 and < 300)
        {
            gated = new ExchangeGating("suspend", await flow.StateAsync(missionId), await flow.ExchangeAsync(token, delegateClient, key), "suspended");
        }

        var evidence = new DelegatedTokenEvidence(subject, delegateClient.ClientId, key.Thumbprint, delegated, unbound, narrowed, narrowedDelegated, redelegated,
            foreign?.ClientId, claimed, selfAsserted, gated) { Edition = flow.Edition };
        context.Judge(new DelegatedTokenNamesDelegate(), evidence);
        context.Judge(new DelegatedAuthorityWithinSubject(), evidence);
        context.Judge(new DelegatedTokenBoundToDelegateKey(), evidence);
        context.Judge(new DelegatedEntriesEligible(), evidence);
        context.Judge(new EmptyDelegationRefused(), evidence);
        context.Judge(new SelfAssertedProfileIgnored(), evidence);
        context.Judge(new DelegationGatedOnMissionState(), evidence);
    }

    /// <summary>An unsigned JWT in which a client says what it is: a self-assertion, which no AS may take for its own knowledge.</summary>
    private static string SelfAssertion(string clientId, string profile)
        => Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "."
            + Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, string> { ["sub"] = clientId, ["sub_profile"] = profile })) + ".";
}

/// <summary>
/// conformance.md §5 L2 item 1, same-domain projection, on which a single domain's Level 2 rests
/// (open point 4): from one Mission, a token for one resource and a token for another, by refresh
/// with RFC 8707 resource or, where refresh does not narrow and Token Exchange is offered, by exchange.
/// </summary>
public sealed class AudienceProjectionScenario : Scenario
{
    public override string Id => "projection.audiences";
    public override string Title => "one Mission yields a single-audience token per resource, each with only its entries and the same Mission";
    public override IReadOnlyList<ICheck> Checks { get; } = [new SameDomainProjection()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var original = obtained.Token;
        var resources = original.Entries.Select(e => Subset.Text(e, "resource")).OfType<string>().Distinct(StringComparer.Ordinal).Take(2).ToList();
        // Where every token is for one Resource Server (pairwise sector resource_server), the Intent says which resources there are.
        if (resources.Count < 2 && flow.TokensPerResource) resources = [.. obtained.Resources.Take(2)];
        if (resources.Count < 2)
        {
            context.Judge(new SameDomainProjection(), new ProjectionEvidence(original, [],
                "not judged: the Mission's first token carries one resource only (the target file's Intent names one object)"));
            return;
        }
        var exchangeOffered = DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[DomainFeatures.TokenExchange].Availability == FeatureAvailability.Offered;
        var refreshToken = original.RefreshToken;
        var perResource = new List<(string, string, TokenExchange)>();
        foreach (var resource in resources)
        {
            var how = "refresh with resource";
            var token = refreshToken is null ? null : await flow.RefreshAsync(refreshToken, null, ("resource", resource));
            if (token?.RefreshToken is { } rotated) refreshToken = rotated;
            if (token is not { Succeeded: true } && exchangeOffered && original.AccessToken is { } subject)
            {
                (how, token) = ("Token Exchange", await flow.ExchangeAsync(subject, null, ("resource", resource)));
            }
            perResource.Add((resource, how, token ?? throw new ScenarioInterruptedException("the code redemption returned no refresh_token, and the AS offers no Token Exchange, to derive a second token with")));
        }
        context.Judge(new SameDomainProjection(), new ProjectionEvidence(original, perResource, null));
    }
}
