using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// conformance.md §5 L2 item 3, ID-JAG issuance, when the target file declares a Resource AS of another
/// trust domain (open point 4; oauth-profile.md §14): the Mission's refresh token exchanged for an
/// ID-JAG audienced to that Resource AS, with a fresh DPoP key; the access token tried as subject
/// instead; an audience no policy knows; and, last, the same issuance after the Mission is revoked.
/// </summary>
public sealed class IdJagIssuanceScenario : Scenario
{
    /// <summary>A Resource AS no deployment's policy names: the target of MBO-AS-XD-004's invalid_target probe.</summary>
    public const string UnrelatedResourceAs = "https://unrelated-resource-as.mission-conformance.example/";

    public override string Id => "projection.id-jag";
    public override string Title => "an ID-JAG projects the Mission into another domain from the refresh token only: short-lived, bound, unchanged Mission, that domain's entries only";
    public override IReadOnlyList<string> Requirements { get; } = ["MBO-AS-XD-001", "MBO-AS-XD-002", "MBO-AS-XD-003", "MBO-AS-XD-004", "MBO-AS-XD-005"];

    public override async Task RunAsync(ScenarioContext context)
    {
        var crossDomain = DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[DomainFeatures.CrossDomain];
        if (crossDomain.Availability != FeatureAvailability.Offered || context.Server.ResourceAuthorizationServers is not [var target, ..])
        {
            foreach (var id in Requirements) context.Skip(id, $"ID-JAG issuance is not examined: {crossDomain.Reason}");
            return;
        }
        var flow = new MissionFlow(context);
        var obtained = await flow.ObtainAsync();
        var subject = obtained.Token;
        if (subject.RefreshToken is not { } refreshToken || subject.AccessToken is not { } accessToken)
        {
            foreach (var id in Requirements) context.Blocked(id, "the code redemption returned no refresh_token and access_token, the subjects of ID-JAG issuance (see MBO-AS-TOK-009)");
            return;
        }
        using var key = new DpopKey();
        var audience = target.Issuer.AbsoluteUri;
        var issued = await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, audience, key);
        var fromAccessToken = await flow.IdJagAsync(accessToken, TokenTypes.AccessToken, audience, key);
        var unrelated = await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, UnrelatedResourceAs, key);

        // Last: the Mission revoked, its refresh token still unexpired.
        ExchangeGating? revoked = null;
        string? whyNotRevoked = null;
        if (obtained.MissionId is not { } missionId) whyNotRevoked = Dependencies.NoMissionId;
        else if (context.Client.Metadata.LifecycleEndpoint is null) whyNotRevoked = "the AS advertises no mission_lifecycle_endpoint to revoke the Mission with (see MBO-AS-LC-001)";
        else
        {
            var lifecycle = await flow.LifecycleAsync(missionId, "revoke");
            revoked = (int)lifecycle.Status is >= 200 and < 300
                ? new ExchangeGating("revoke", await flow.StateAsync(missionId), await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, audience, key), "revoked")
                : new ExchangeGating("revoke", $"unchanged (revoke answered HTTP {(int)lifecycle.Status})", TokenExchange.From(lifecycle), "revoked");
        }

        var verifies = issued is { Succeeded: true, AccessToken: { } grant } && await DecodedJwt.VerifySignatureAsync(grant, await context.Client.GetJwksAsync(context.Cancellation));
        var evidence = new IdJagEvidence(subject, target, key.Thumbprint, context.Client.Metadata.Issuer, verifies,
            issued, fromAccessToken, UnrelatedResourceAs, unrelated, revoked, whyNotRevoked,
            DomainFeatures.Survey(context.Client.Metadata.Document, context.Server)[DomainFeatures.Pairwise].Availability == FeatureAvailability.Offered);
        context.Judge(new IdJagFromRefreshTokenOnly(), evidence);
        context.Judge(new IdJagAudiencedShortLivedBound(), evidence);
        context.Judge(new IdJagScopedToItsDomain(), evidence);
        context.Judge(new IdJagIssuanceRefusals(), evidence);
        context.Judge(new IdJagResponseLabelled(), evidence);
    }
}
