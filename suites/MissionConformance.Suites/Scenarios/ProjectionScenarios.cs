using System.Text.Json;
using MissionConformance.Harness.Coordinate;
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
    public override IReadOnlyList<string> Requirements { get; } = ["MBO-AS-GATE-005", "MC-AS-XCH-101", "MC-AS-XCH-102", "MBO-AS-RT-004", "MBO-AS-TOK-015"];

    public override async Task RunAsync(ScenarioContext context)
    {
        var exchange = DomainFeatures.Survey(context.Client.Metadata.Document)[DomainFeatures.TokenExchange];
        if (exchange.Availability != FeatureAvailability.Offered)
        {
            foreach (var id in Requirements) context.Skip(id, $"Token Exchange is not offered: {exchange.Reason}");
            return;
        }
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var subject = obtained.Token;
        var token = subject.AccessToken ?? throw new ScenarioInterruptedException("the code redemption returned no access_token to exchange");
        var resources = subject.TokenDetails is { ValueKind: JsonValueKind.Array } details
            ? details.EnumerateArray().Select(e => Subset.Text(e, "resource")).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [];
        if (resources.Count == 0) throw new ScenarioInterruptedException("the Mission's first token carries no authorization_details entry to exchange for (see MBO-AS-TOK-004)");

        var resource = resources[0];
        var exchanged = await flow.ExchangeAsync(token, null, ("resource", resource));
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
            context.Blocked("MBO-AS-GATE-005", Dependencies.NoMissionId);
            return;
        }
        if (context.Client.Metadata.LifecycleEndpoint is null)
        {
            context.Blocked("MBO-AS-GATE-005", "the AS advertises no mission_lifecycle_endpoint to suspend and revoke the Mission with (see MBO-AS-LC-001)");
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
        context.Judge(new ExchangeGatedOnMissionState(), new ExchangeGatingEvidence(exchanged, attempts));
    }
}
