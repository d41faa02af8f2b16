using System.Net;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>conformance.md §5 L1 item 9: refresh keeps the Mission binding and rotates; L2 item 6's "stable across refreshes" (MBO-AS-TOK-015).</summary>
public sealed class RefreshScenario : Scenario
{
    public override string Id => "refresh.rotation";
    public override string Title => "refresh keeps the Mission, returns the details and rotates the refresh token";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new RefreshKeepsMissionBinding(),
        new RefreshTokenRotated(),
        new RefreshTokenConstrainedOrRotated(),
        new RefreshResponseReturnsDetails(),
        new RefreshedTokenKeepsSubjectAndClient(),
        new ClaimModeStableAcrossDerivations(),
        new AnchorsStableForMissionLife(),
        new MissionNeverWidenedInPlace(),
        new TokenResponseNotCached(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var original = obtained.Token;
        var recordBefore = obtained.MissionId is { } id ? await flow.RecordAsync(id) : null;
        var refreshToken = original.RefreshToken ?? throw new ScenarioInterruptedException("the token response carries no refresh_token; Level 1 refresh gating needs one");
        var refreshed = await flow.RefreshAsync(refreshToken);
        var second = refreshed.RefreshToken is { } next ? await flow.RefreshAsync(next) : refreshed;
        var reuse = await flow.RefreshAsync(refreshToken);
        var recordAfter = obtained.MissionId is { } after ? await flow.RecordAsync(after) : null;

        var evidence = new RefreshEvidence(original, refreshed, reuse);
        context.Judge(new RefreshKeepsMissionBinding(), evidence);
        context.Judge(new RefreshTokenRotated(), evidence);
        // MBO-AS-RT-003 matters most for a public client, whose refresh token nothing else binds: its own, when the file names one.
        List<RefreshBinding> bindings = [new(flow.Agent.ClientId, flow.Agent.Auth != "none", refreshed, reuse)];
        if (flow.Server.Client("public") is { } publicClient)
        {
            var mission = await flow.ObtainAsync(client: publicClient);
            var token = mission.Token.RefreshToken ?? throw new ScenarioInterruptedException($"no refresh_token was issued to public client {publicClient.ClientId}");
            var publicRefresh = await flow.RefreshAsync(token, publicClient);
            var publicReuse = await flow.RefreshAsync(token, publicClient);
            TokenExchange? otherKey = null;
            if (publicReuse.Succeeded && mission.Token.DpopBound)
            {
                // Not rotated, and issued DPoP-bound: the binding shows when the token that works with its own key fails with another's.
                using var stranger = new DpopKey();
                otherKey = await flow.RefreshWithKeyAsync(token, publicClient, stranger);
            }
            bindings.Add(new(publicClient.ClientId, publicClient.Auth != "none", publicRefresh, publicReuse, otherKey));
        }
        context.Judge(new RefreshTokenConstrainedOrRotated(), bindings);
        context.Judge(new RefreshResponseReturnsDetails(), evidence);
        context.Judge(new RefreshedTokenKeepsSubjectAndClient(), evidence);
        context.Judge(new TokenResponseNotCached(), new TokenResponses(
            [("the code redemption", original.Response), ("the first refresh", refreshed.Response), ("the second refresh", second.Response)]));
        // A refresh without resource keeps the grant's audiences, so all three tokens are for the same audience(s).
        context.Judge(new ClaimModeStableAcrossDerivations(), new ClaimModeEvidence(string.Join(" ", original.Audiences),
            [("the code-redemption token", original), ("the first refresh", refreshed), ("the second refresh", second)]));
        if (original.Mission is null)
        {
            Dependencies.Block(context, Dependencies.NoMissionId(original), "MBO-AS-REC-007", "MBO-AS-EXP-004");
            return;
        }
        var hashes = new[] { original, refreshed, second }.Where(t => t.Succeeded).Select(t => t.Mission is { } m ? Subset.Text(m, "authority_hash") : null).ToList();
        var history = new AnchorHistory(hashes, recordBefore, recordAfter);
        context.Judge(new AnchorsStableForMissionLife(), history);
        context.Judge(new MissionNeverWidenedInPlace(), history);
    }
}

/// <summary>conformance.md §5 L1 item 14: revoking a token is not revoking the Mission.</summary>
public sealed class TokenRevocationScenario : Scenario
{
    public override string Id => "refresh.token-revocation";
    public override string Title => "RFC 7009 revocation of an access token leaves the Mission active";
    public override IReadOnlyList<ICheck> Checks { get; } = [new TokenRevocationLeavesMission()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        if (context.Client.Metadata.RevocationEndpoint is null)
        {
            context.Skip("MBO-AS-GATE-013", "the AS advertises no revocation_endpoint (RFC 7009)");
            return;
        }
        var obtained = await flow.ObtainAsync();
        var revocation = await context.Client.RevokeTokenAsync(flow.Agent.Credentials, obtained.Token.AccessToken!, context.Cancellation);
        var refresh = await flow.RefreshAsync(obtained.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh_token was issued"));
        var state = obtained.MissionId is { } id ? await flow.StateAsync(id) : null;
        context.Judge(new TokenRevocationLeavesMission(), new TokenRevocationEvidence(revocation.Status, refresh, state));
    }
}

/// <summary>conformance.md §5 L1 item 10: every lifecycle operation, and refresh gated on the state it leads to.</summary>
public sealed class LifecycleGatingScenario : Scenario
{
    public override string Id => "lifecycle.gating";
    public override string Title => "suspend, resume, revoke and complete transition the Mission and gate refresh";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new RefreshGatedWhenSuspended(),
        new RefreshGatedWhenRevoked(),
        new RefreshGatedWhenCompleted(),
        new GatingMissionStateEnumerated(),
        new ResumeRestoresDerivation(),
        new GatingErrorShape(),
        new RevokeByIdWithoutToken(),
        new LifecycleOperationsTransition(),
        new LifecycleIdempotent(),
        new TerminalStatesAbsorbing(),
        new SuspendedCannotComplete(),
        new LifecycleReturnsSignedStatus(),
        new ConflictCarriesStates(),
        new IllegalOperationIsConflict(),
        new LifecycleOperationsExposed(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        if (!context.Client.HasLifecycle)
        {
            foreach (var id in Requirements)
            {
                context.Interrupt(id, Dependencies.NoLifecycle + ", the suite's only way to suspend, resume, revoke and complete a Mission");
            }
            return;
        }

        var transitions = new List<(string, HttpStatusCode, string?, string)>();
        var repeats = new List<RepeatEvidence>();
        var gatingErrors = new List<WireResponse>();
        async Task<(WireResponse Response, string? State)> ApplyAsync(string missionId, string operation, string expected)
        {
            var response = await flow.LifecycleAsync(missionId, operation);
            var state = await flow.StateAsync(missionId);
            transitions.Add((operation, response.Status, state, expected));
            return (response, state);
        }
        bool LifecycleControl(string operation, WireResponse response)
            => context.Control(Controls.LifecycleServed, (int)response.Status is >= 200 and < 300, $"the {operation} answered {response.Outcome()}");
        async Task<TokenExchange> RefreshGatedAsync(string refreshToken)
        {
            var refresh = await flow.RefreshAsync(refreshToken);
            if (!refresh.Succeeded) gatingErrors.Add(refresh.Response);
            return refresh;
        }

        // A: suspend → gated → repeat → resume → derives again → suspend → complete refused.
        var a = await flow.ObtainAsync();
        if (a.MissionId is not { } aId)
        {
            foreach (var id in Requirements) context.Blocked(id, Dependencies.NoMissionId(a));
            return;
        }
        // Each Mission's refresh is served while it is active (the control of GATE-001…003), before the operation that must gate it.
        async Task<string> ControlAsync(ObtainedMission mission)
        {
            var token = mission.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh_token was issued");
            return (await flow.ControlRefreshAsync(token)).RefreshToken ?? token;
        }
        var refreshToken = await ControlAsync(a);
        var (suspend, suspendedState) = await ApplyAsync(aId, "suspend", "suspended");
        // The signed status must tell the truth: the state the inventory shows, else the operation's target state.
        context.Judge(new LifecycleReturnsSignedStatus(), new SignedLifecycleResponse(suspend, "suspend", suspendedState ?? "suspended", await context.Client.GetJwksAsync(context.Cancellation))
        {
            Edition = flow.Edition,
        });
        var gatedSuspended = await RefreshGatedAsync(refreshToken);
        refreshToken = gatedSuspended.RefreshToken ?? refreshToken;  // a refresh that wrongly succeeded rotated the token
        context.Judge(new RefreshGatedWhenSuspended(), new GatingEvidence("suspend", suspend, suspendedState, gatedSuspended, "suspended"));
        repeats.Add(new RepeatEvidence("suspend", suspend, await flow.LifecycleAsync(aId, "suspend")));
        var (resume, resumedState) = await ApplyAsync(aId, "resume", "active");
        LifecycleControl("resume of a suspended Mission", resume);
        var afterResume = await flow.RefreshAsync(refreshToken);
        context.Judge(new ResumeRestoresDerivation(), new ResumeEvidence(suspendedState, resume, resumedState, afterResume));
        await flow.LifecycleAsync(aId, "suspend");
        var stateBeforeComplete = await flow.StateAsync(aId);
        var completeSuspended = await flow.LifecycleAsync(aId, "complete");
        var suspendedComplete = new TerminalEvidence("suspended", stateBeforeComplete, "complete", completeSuspended, await flow.StateAsync(aId), afterResume);

        // B: revoke → gated → repeat → resume refused and still gated.
        var b = await flow.ObtainAsync();
        var bId = b.MissionId!;
        var bRefresh = await ControlAsync(b);
        var (revoke, revokedState) = await ApplyAsync(bId, "revoke", "revoked");
        var gatedRevoked = await RefreshGatedAsync(bRefresh);
        context.Judge(new RefreshGatedWhenRevoked(), new GatingEvidence("revoke", revoke, revokedState, gatedRevoked, "revoked"));
        repeats.Add(new RepeatEvidence("revoke", revoke, await flow.LifecycleAsync(bId, "revoke")));
        var stateBeforeResume = await flow.StateAsync(bId);
        var resumeRevoked = await flow.LifecycleAsync(bId, "resume");
        var terminal = new TerminalEvidence("revoked", stateBeforeResume, "resume", resumeRevoked, await flow.StateAsync(bId),
            await RefreshGatedAsync(gatedRevoked.RefreshToken ?? bRefresh));
        context.Judge(new TerminalStatesAbsorbing(), terminal);
        context.Judge(new ConflictCarriesStates(), terminal);
        context.Judge(new IllegalOperationIsConflict(), terminal);

        // C: complete → gated → repeat.
        var c = await flow.ObtainAsync();
        var cId = c.MissionId!;
        var cRefresh = await ControlAsync(c);
        var (complete, completedState) = await ApplyAsync(cId, "complete", "completed");
        LifecycleControl("complete of an active Mission", complete);
        // Judged after C: a suspended Mission's refused complete is compared with an active one's served complete.
        context.Judge(new SuspendedCannotComplete(), suspendedComplete);
        context.Judge(new RefreshGatedWhenCompleted(), new GatingEvidence("complete", complete, completedState, await RefreshGatedAsync(cRefresh), "completed"));
        repeats.Add(new RepeatEvidence("complete", complete, await flow.LifecycleAsync(cId, "complete")));

        var transitionEvidence = new TransitionEvidence(transitions);
        context.Judge(new RevokeByIdWithoutToken(), transitionEvidence);
        context.Judge(new LifecycleOperationsTransition(), transitionEvidence);
        context.Judge(new LifecycleOperationsExposed(), transitionEvidence);
        context.Judge(new LifecycleIdempotent(), repeats);
        var errors = new GatingErrors(gatingErrors) { Edition = flow.Edition };
        context.Judge(new GatingMissionStateEnumerated(), errors);
        context.Judge(new GatingErrorShape(), errors);
    }
}

/// <summary>conformance.md §5 L1 item 13: lifecycle endpoint authentication and the no-oracle 404.</summary>
public sealed class LifecycleAuthenticationScenario : Scenario
{
    public override string Id => "lifecycle.authentication";
    public override string Title => "the lifecycle endpoint needs its advertised authentication and hides foreign Missions";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ForeignMissionLooksUnknown(), new LifecycleRequiresAdvertisedAuth()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        if (!context.Client.HasLifecycle)
        {
            context.Interrupt("MBO-AS-LC-003", Dependencies.NoLifecycle);
            context.Interrupt("MBO-AS-LC-007", Dependencies.NoLifecycle);
            return;
        }
        var obtained = await flow.ObtainAsync();
        var missionId = obtained.MissionId ?? "msn_" + MissionClient.NewNonce();
        var unauthenticated = await context.Client.LifecycleAsync(new ClientCredentials(flow.Agent.ClientId), missionId, "suspend", null, context.Cancellation, withAssertion: false);
        var basic = await context.Client.LifecycleAsync(new ClientCredentials(flow.Agent.ClientId, flow.Agent.Secret ?? "not-a-secret"), missionId, "suspend", null, context.Cancellation, withAssertion: false);
        // The control: the same suspend, authenticated as the AS advertises, gets past authentication (a Mission the token did not
        // name is answered 404, which shows that too); a suspended Mission is resumed for LC-003 below.
        var served = await flow.LifecycleAsync(missionId, "suspend");
        context.Control(Controls.LifecycleAuthenticated, served.Status != HttpStatusCode.Unauthorized && (int)served.Status < 500,
            $"the authenticated suspend answered {served.Outcome()}");
        if ((int)served.Status is >= 200 and < 300) await flow.LifecycleAsync(missionId, "resume");
        context.Judge(new LifecycleRequiresAdvertisedAuth(), new LifecycleAuthEvidence(unauthenticated, basic)
        {
            DeclaredCredential = context.Client.DeclaredLifecycle?.Authentication?.Header,
            DeclaredCredentialServed = served.Status != HttpStatusCode.Unauthorized && (int)served.Status < 500,
            Edition = flow.Edition,
        });

        if (context.Client.DeclaredLifecycle?.Authentication is not null)
        {
            context.NotVerifiable("MBO-AS-LC-003", "the target file's lifecycle authentication is one service credential, not a client's: no second caller can ask for this Mission, so whether the endpoint hides another caller's Missions cannot be shown");
            return;
        }
        if (flow.Server.Client("foreign") is not { } foreign)
        {
            context.SkipForWant("MBO-AS-LC-003", "a second client (authorizationServers[0].clients[] with role \"foreign\")", "the target file names no second client (clients[].role \"foreign\") to try another client's Mission with");
            return;
        }
        if (obtained.MissionId is null)
        {
            context.Blocked("MBO-AS-LC-003", Dependencies.NoMissionId(obtained));
            return;
        }
        var nonce = MissionClient.NewNonce();
        var foreignResponse = await context.Client.LifecycleAsync(foreign.Credentials, obtained.MissionId, "revoke", nonce, context.Cancellation);
        Task<WireResponse> UnknownAsync() => context.Client.LifecycleAsync(foreign.Credentials, "msn_" + MissionClient.NewNonce() + MissionClient.NewNonce(), "revoke", nonce, context.Cancellation);
        var unknownResponse = await UnknownAsync();
        var unknownAgain = await UnknownAsync();
        context.Judge(new ForeignMissionLooksUnknown(), new ForeignAccessEvidence(foreignResponse, unknownResponse, unknownAgain, await flow.StateAsync(obtained.MissionId)));
    }
}

/// <summary>conformance.md §5 L1 item 11: no token outlives the Mission; after expiry nothing derives.</summary>
public sealed class ExpiryScenario : Scenario
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public override string Id => "lifecycle.expiry";
    public override string Title => "a token never outlives mission_expiry, and refresh after it is gated as expired";
    public override IReadOnlyList<ICheck> Checks { get; } = [new TokenExpiryWithinMission(), new RefreshGatedWhenExpired()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainShortLivedAsync(Lifetime);
        // The Mission's own expiry when the inventory shows it; a later one than submitted is MBO-AS-PAR-014's to judge.
        var recorded = obtained.MissionId is { } missionId && (string?)(await flow.RecordAsync(missionId))?[flow.Edition.ExpiryMember] is { } text
            ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
            : (DateTimeOffset?)null;
        context.Judge(new TokenExpiryWithinMission(), new TokenEvidence(obtained.Token, context.Client.Metadata.Issuer, flow.Agent.ClientId, null,
            recorded ?? obtained.MissionExpiry, [], context.Client.Metadata.Document, null));
        if (recorded > obtained.MissionExpiry + Skew)
        {
            context.Blocked("MBO-AS-GATE-004", $"the AS recorded mission_expiry {recorded:yyyy-MM-ddTHH:mm:ssZ}, later than the submitted {obtained.MissionExpiry:yyyy-MM-ddTHH:mm:ssZ} (MBO-AS-PAR-014)");
            return;
        }

        // The control of GATE-004: the same refresh is served while the Mission is active.
        var first = obtained.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh_token was issued");
        var refreshToken = (await flow.ControlRefreshAsync(first)).RefreshToken ?? first;

        // Lazy expiry (lifecycle.md open point 5): wait past mission_expiry, then allow the target ≤30 s of clock skew.
        var remaining = obtained.MissionExpiry - context.Clock.GetUtcNow();
        await context.WaitAsync(remaining + TimeSpan.FromSeconds(2));
        var refresh = await flow.RefreshAsync(refreshToken);
        for (var waited = TimeSpan.FromSeconds(2); refresh.Succeeded && waited < Skew; waited += TimeSpan.FromSeconds(7))
        {
            await context.WaitAsync(TimeSpan.FromSeconds(7));
            refresh = await flow.RefreshAsync(refresh.RefreshToken ?? refreshToken);
        }
        var state = obtained.MissionId is { } id ? await flow.StateAsync(id) : null;
        context.Judge(new RefreshGatedWhenExpired(), new GatingEvidence("mission_expiry", refresh.Response, state is "active" ? "expired" : state, refresh, "expired"));
    }
}

/// <summary>conformance.md §5 L1 item 12: context.max_derivations, sequentially and under concurrency.</summary>
public sealed class DerivationBudgetScenario : Scenario
{
    public override string Id => "lifecycle.derivation-budget";
    public override string Title => "derivations beyond context.max_derivations are refused, atomically";
    public override IReadOnlyList<ICheck> Checks { get; } = [new DerivationBudgetEnforced(), new DerivationBudgetAtomic()];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync(flow.Intent(maxDerivations: 2));  // derivation 1
        var second = await flow.RefreshAsync(obtained.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh_token was issued"));
        var third = await flow.RefreshAsync(second.RefreshToken ?? obtained.Token.RefreshToken!);
        var sequential = new[] { obtained.Token, second, third };

        var evidence = new BudgetEvidence(2, sequential, await RaceAsync(context, flow));
        context.Judge(new DerivationBudgetEnforced(), evidence);
        context.Judge(new DerivationBudgetAtomic(), evidence);
    }

    private const int Racers = 4;

    /// <summary>
    /// MBO-AS-GATE-009: <see cref="Racers"/> derivations at once while the budget has room for fewer, after one of the same kind
    /// was served on its own (the control). Token Exchange where the AS offers it (each counts once, oauth-profile.md §3); else
    /// refreshes of one token, where the AS does not rotate it; a rotating AS without Token Exchange serialises every
    /// derivation, and no client can race its counter.
    /// </summary>
    private static async Task<BudgetRace> RaceAsync(ScenarioContext context, MissionFlow flow)
    {
        var raced = await flow.ObtainAsync(flow.Intent(maxDerivations: 4));  // the code is derivation 1
        var exchange = Harness.Coordinate.DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[Harness.Coordinate.DomainFeatures.TokenExchange];
        if (exchange.Availability == Harness.Coordinate.FeatureAvailability.Offered
            && raced.Token is { AccessToken: { } access, Entries: [var entry, ..] } && Subset.Text(entry, "resource") is { } resource)
        {
            var single = await flow.ExchangeAsync(access, null, ("resource", resource));  // derivation 2
            context.Control(Controls.DerivationServed, single.Succeeded, $"a single Token Exchange for {resource} answered {single.Response.Outcome()}");
            var exchanges = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => flow.ExchangeAsync(access, null, ("resource", resource))));
            return new BudgetRace("Token Exchanges", 2, exchanges);
        }
        var refreshToken = raced.Token.RefreshToken ?? throw new ScenarioInterruptedException("no refresh_token was issued");
        var first = await flow.RefreshAsync(refreshToken);  // derivation 2
        context.Control(Controls.DerivationServed, first.Succeeded, $"a single refresh answered {first.Response.Outcome()}");
        if (first.RefreshToken is { } next && next != refreshToken)
        {
            return new BudgetRace("refreshes", 2, [], "the AS rotates refresh tokens, which serialises refreshes, and offers no Token Exchange to race");
        }
        var refreshes = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => flow.RefreshAsync(refreshToken)));
        return new BudgetRace("refreshes of one non-rotated refresh token", 2, refreshes);
    }
}
