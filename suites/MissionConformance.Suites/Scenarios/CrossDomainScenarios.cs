using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// conformance.md §5 L2 item 3, ID-JAG issuance, when the target file declares a Resource AS of another
/// trust domain (open point 4; oauth-profile.md §14): the Mission's refresh token exchanged for an
/// ID-JAG audienced to that Resource AS, with a fresh DPoP key, and redeemed at that Resource AS, which the
/// harness plays (<see cref="SimulatedResourceAs"/>), followed by a second; the access token tried as subject
/// instead; an audience no policy knows; and, last, the same issuance after the Mission is revoked.
/// </summary>
public sealed class IdJagIssuanceScenario : Scenario
{
    /// <summary>A Resource AS no deployment's policy names: the target of MBO-AS-XD-004's invalid_target probe.</summary>
    public const string UnrelatedResourceAs = "https://unrelated-resource-as.mission-conformance.example/";

    /// <summary>The agent's client_id at the Resource AS the harness plays, which authenticates it by the grant's proof of possession alone.</summary>
    public const string ResourceAsClientId = "agent-at-simulated-resource-as";

    public override string Id => "projection.id-jag";
    public override string Title => "an ID-JAG projects the Mission into another domain from the refresh token only: short-lived, bound, unchanged Mission, that domain's entries only";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new IdJagFromRefreshTokenOnly(),
        new IdJagAudiencedShortLivedBound(),
        new IdJagScopedToItsDomain(),
        new IdJagIssuanceRefusals(),
        new IdJagResponseLabelled(),
    ];

    public override async Task RunAsync(ScenarioContext context)
    {
        var features = DomainFeatures.Survey(context.Client.Metadata.Document, context.Server);
        var crossDomain = features[DomainFeatures.CrossDomain];
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
        context.Control(Controls.IdJagServed, issued.Succeeded, $"the ID-JAG for {audience} answered {issued.Response.Outcome()}");

        // The grant at its Resource AS, which the harness plays (the target file names it; the target brings none): redeemed
        // with a proof of the key it is bound to, then a second grant from the same refresh token, which a reused jti would spoil.
        IdJagRedemption? redeemed = null, again = null;
        string? whyNotAgain = null;
        if (issued is { Succeeded: true, AccessToken: not null })
        {
            using var resourceAs = SimulatedResourceAs.Start(target.Issuer, target.Resources, context.Client.Metadata.Issuer,
                await context.Client.GetJwksAsync(context.Cancellation), context.Clock);
            using var http = context.CreateHttpClient();
            var atResourceAs = new MissionClient(http, resourceAs.Metadata, context.Clock);
            async Task<IdJagRedemption> RedeemAsync(TokenExchange idJag) => new(idJag, await atResourceAs.JwtBearerAsync(new ClientCredentials(ResourceAsClientId), idJag.AccessToken!,
                key, null, context.Cancellation));
            redeemed = await RedeemAsync(issued);
            var second = redeemed.Redeemed ? await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, audience, key) : null;
            if (second is null) whyNotAgain = "the first was refused";
            else if (!second.Succeeded) whyNotAgain = $"the AS refused to issue it: {IdJagEvidence.Refusal(second)}";
            else again = await RedeemAsync(second);
        }
        var fromAccessToken = await flow.IdJagAsync(accessToken, TokenTypes.AccessToken, audience, key);
        var unrelated = await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, UnrelatedResourceAs, key);

        // Last: the Mission revoked, its refresh token still unexpired.
        ExchangeGating? revoked = null;
        string? whyNotRevoked = null;
        if (obtained.MissionId is not { } missionId) whyNotRevoked = Dependencies.NoMissionId(obtained);
        else if (!context.Client.HasLifecycle) whyNotRevoked = Dependencies.NoLifecycle + " to revoke the Mission with (see MBO-AS-LC-001)";
        else
        {
            var lifecycle = await flow.LifecycleAsync(missionId, "revoke");
            revoked = (int)lifecycle.Status is >= 200 and < 300
                ? new ExchangeGating("revoke", await flow.StateAsync(missionId), await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, audience, key), "revoked")
                : new ExchangeGating("revoke", $"unchanged (revoke answered HTTP {(int)lifecycle.Status})", TokenExchange.From(lifecycle), "revoked");
        }

        var evidence = new IdJagEvidence(subject, target, context.Client.Metadata.Issuer, issued, redeemed, again, whyNotAgain,
            fromAccessToken, UnrelatedResourceAs, unrelated, revoked, whyNotRevoked,
            features[DomainFeatures.Pairwise].Availability == FeatureAvailability.Offered);
        context.Judge(new IdJagFromRefreshTokenOnly(), evidence);
        context.Judge(new IdJagAudiencedShortLivedBound(), evidence);
        context.Judge(new IdJagScopedToItsDomain(), evidence);
        context.Judge(new IdJagIssuanceRefusals(), evidence);
        context.Judge(new IdJagResponseLabelled(), evidence);
    }
}

/// <summary>
/// conformance.md §5 L2 item 6, pairwise references "if advertised" (oauth-profile.md §15), in one of the two sectors whose
/// audiences the suite can name. In the resource_as sector (the Resource ASes of the target file): two ID-JAGs for the first
/// Resource AS and one for the second; last, the first's ID-JAG presented back as subject_token for the second (MBO-AS-PW-003).
/// In the resource_server sector (the Intent's first two objects): the code redeemed for the first Resource Server (RFC 8707
/// resource), refreshed for it again and for the second; last, the first's token exchanged for the second (MBO-AS-PW-003).
/// Between the two, Mission Status asked with the first audience's ref by the status client whose audience it is.
/// </summary>
public sealed class PairwiseReferenceScenario : Scenario
{
    public override string Id => "projection.pairwise";
    public override string Title => "a pairwise sector sees a stable ref of its own, never the canonical id, and Mission Status resolves it";
    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new PairwiseRefPerSector(),
        new CanonicalIdWithheldFromSector(),
        new PairwiseRefNotCopiedAcrossSectors(),
        new PairwiseRefResolvesForItsSector(),
    ];

    /// <summary>The subject_token_types an ID-JAG is presented back as (MBO-AS-PW-003): its own, and a generic JWT, which an AS taking any JWT it signed accepts.</summary>
    public static readonly IReadOnlyList<string> ReprojectedAs = [TokenTypes.IdJag, "urn:ietf:params:oauth:token-type:jwt"];

    /// <summary>Each Resource AS of another domain is a sector, named by the target file.</summary>
    public const string ResourceAsSector = "resource_as";

    /// <summary>Each Resource Server is a sector: the Intent's objects.</summary>
    public const string ResourceServerSector = "resource_server";

    /// <summary>
    /// Why the pairwise requirements are not judged against an AS advertising <paramref name="sector"/>, and with which verdict:
    /// SKIPPED where they do not apply (no sector, which MBO-AS-MD-004 fails; the resource_as sector with no other domain's
    /// Resource AS in the target file to be its audience; the resource_server sector with an Intent of one object), REVIEW where
    /// the AS offers a sector this suite version does not drive, so that the tier rests on a reviewer, not on silence (a SKIPPED
    /// requirement would be neutral). Null: they are judged.
    /// </summary>
    public static (Verdict Verdict, string Reason)? NotJudged(string? sector, int resourceAses, int objects = 2) => sector switch
    {
        null => (Verdict.Skipped, "not judged: the AS advertises pairwise references without mission_pairwise_sector (see MBO-AS-MD-004)"),
        ResourceAsSector when resourceAses == 0 => (Verdict.Skipped, "not judged: the sector is resource_as, but the target file declares no resourceAuthorizationServers to ask ID-JAGs for"),
        ResourceAsSector => null,
        ResourceServerSector when objects < 2 => (Verdict.Skipped, "not judged: the sector is resource_server, but the target file's Intent names one object, so there is no second sector to compare"),
        ResourceServerSector => null,
        _ => (Verdict.Review, $"the AS offers pairwise references in sector {sector}, which this suite version does not drive (it drives {ResourceAsSector}, "
            + $"through ID-JAGs for the Resource ASes a target file names, and {ResourceServerSector}, through tokens for the Intent's objects); review by hand"),
    };

    public override async Task RunAsync(ScenarioContext context)
    {
        var metadata = context.Client.Metadata.Document;
        var pairwise = DomainFeatures.Survey(metadata, context.Server)[DomainFeatures.Pairwise];
        if (pairwise.Availability != FeatureAvailability.Offered)
        {
            foreach (var id in Requirements) context.Skip(id, $"pairwise references are not offered: {pairwise.Reason}");
            return;
        }
        var flow = new MissionFlow(context);
        var sector = Subset.Text(metadata, "mission_pairwise_sector");
        var objects = flow.Resources(flow.Server.Intent);
        if (NotJudged(sector, context.Server.ResourceAuthorizationServers.Count, objects.Count) is var (verdict, why))
        {
            foreach (var id in Requirements)
            {
                if (verdict == Verdict.Review) context.Review(id, $"{why}: {RequirementCatalogue.Default[id].Summary}");
                else context.Skip(id, why);
            }
            return;
        }
        if (sector == ResourceServerSector) await ResourceServersAsync(context, flow, objects[0], objects[1]);
        else await ResourceAsesAsync(context, flow);
    }

    private async Task ResourceAsesAsync(ScenarioContext context, MissionFlow flow)
    {
        var obtained = await flow.ObtainAsync();
        if (obtained.Token.RefreshToken is not { } refreshToken)
        {
            foreach (var id in Requirements) context.Blocked(id, "the code redemption returned no refresh_token, the subject of ID-JAG issuance (see MBO-AS-TOK-009)");
            return;
        }
        using var key = new DpopKey();
        var first = context.Server.ResourceAuthorizationServers[0].Issuer.AbsoluteUri;
        var second = context.Server.ResourceAuthorizationServers.Skip(1).FirstOrDefault()?.Issuer.AbsoluteUri;
        var grants = new List<(string Sector, TokenExchange Grant)>
        {
            (first, await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, first, key)),
            (first, await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, first, key)),
        };
        if (second is not null) grants.Add((second, await flow.IdJagAsync(refreshToken, TokenTypes.RefreshToken, second, key)));
        var evidence = await JudgeAsync(context, new PairwiseEvidence(ResourceAsSector, obtained.MissionId, grants, null, null), "the Resource AS");

        // Judged last, after the requests the others rest on: an AS that hangs on an ID-JAG as subject_token interrupts only MBO-AS-PW-003.
        var reprojections = new List<(string, TokenExchange)>();
        string? whyNoReprojection = null;
        if (second is null) whyNoReprojection = "the target file declares one Resource AS: a ref can only be copied into a second sector";
        else if (grants[0].Grant is not { Succeeded: true, AccessToken: { } firstGrant } || PairwiseEvidence.Ref(grants[0].Grant) is null)
        {
            whyNoReprojection = $"the ID-JAG for {first} was refused or carries no mission.ref (see MBO-AS-PW-001, MBO-AS-XD-001)";
        }
        else
        {
            foreach (var type in ReprojectedAs) reprojections.Add((type, await flow.IdJagAsync(firstGrant, type, second, key)));
        }
        context.Judge(new PairwiseRefNotCopiedAcrossSectors(), evidence with { Reprojections = reprojections, ReprojectedTo = second, WhyNoReprojection = whyNoReprojection });
    }

    /// <summary>
    /// The resource_server sector: every token for a Resource Server names the Mission by its ref, so each is asked for one
    /// server (RFC 8707 resource): the code redeemed for the first, refreshed for it and for the second. The canonical id is not
    /// shown to the client in this sector, so PW-002 looks for mission.id alone.
    /// </summary>
    private async Task ResourceServersAsync(ScenarioContext context, MissionFlow flow, string first, string second)
    {
        var obtained = await flow.ObtainAsync(tokenExtra: [("resource", first)]);
        if (obtained.Token.RefreshToken is not { } refreshToken)
        {
            foreach (var id in Requirements) context.Blocked(id, "the code redemption returned no refresh_token, from which tokens for the other Resource Servers are asked (see MBO-AS-TOK-009)");
            return;
        }
        var again = await flow.RefreshAsync(refreshToken, null, ("resource", first));
        var other = await flow.RefreshAsync(again.RefreshToken ?? refreshToken, null, ("resource", second));
        var grants = new List<(string Sector, TokenExchange Grant)> { (first, obtained.Token), (first, again), (second, other) };
        var evidence = await JudgeAsync(context, new PairwiseEvidence(ResourceServerSector, null, grants, null, null) { Noun = "access token", IssuanceRequirement = "MC-AS-PRJ-101" }, "the Resource Server");

        // Last: the first server's token (its ref) exchanged for the second server; the AS may refuse (it carries no
        // authority there), or issue a token naming the Mission by the second server's ref.
        string? whyNoReprojection = null;
        var reprojections = new List<(string, TokenExchange)>();
        if (grants[0].Grant is not { Succeeded: true, AccessToken: { } firstToken } || PairwiseEvidence.Ref(grants[0].Grant) is null)
        {
            whyNoReprojection = $"the access token for {first} carries no mission.ref (see MBO-AS-PW-001)";
        }
        else
        {
            reprojections.Add((TokenTypes.AccessToken, await flow.ExchangeAsync(firstToken, null, null, ("resource", second), ("audience", second))));
        }
        context.Judge(new PairwiseRefNotCopiedAcrossSectors(), evidence with { Reprojections = reprojections, ReprojectedTo = second, WhyNoReprojection = whyNoReprojection });
    }

    /// <summary>MBO-AS-PW-001, 002 and 004 on <paramref name="evidence"/>'s grants, Mission Status asked by the first audience's status client.</summary>
    private static async Task<PairwiseEvidence> JudgeAsync(ScenarioContext context, PairwiseEvidence evidence, string audienceKind)
    {
        var (first, grant) = evidence.Grants[0];
        StatusAnswer? resolved = null;
        string? whyNotResolved = null;
        var statusClient = context.Server.StatusClients.FirstOrDefault(c => c.Audience == first);
        if (context.Client.Metadata.MissionStatusEndpoint is not { } statusEndpoint) whyNotResolved = "the AS advertises no mission_status_endpoint (see MBO-CM-006)";
        else if (statusClient is null) whyNotResolved = $"the target file names no status client for audience {first} (role \"status\", audience {audienceKind})";
        else if (PairwiseEvidence.Ref(grant) is not { } reference) whyNotResolved = $"the {evidence.Noun} for {first} carries no mission.ref to resolve (see MBO-AS-PW-001)";
        else
        {
            using var status = StatusCaller.For(context, statusClient, statusEndpoint);
            // Another scenario's burst may have spent this client's window (MBO-MS-016): a 429 is waited out, not judged.
            var (response, nonce) = await status.AskPatientlyAsync(reference, first);
            resolved = new StatusAnswer(response, nonce, first, statusClient.ClientId, reference, context.Clock.GetUtcNow());
        }
        evidence = evidence with { Resolved = resolved, WhyNotResolved = whyNotResolved };
        context.Judge(new PairwiseRefPerSector(), evidence);
        context.Judge(new CanonicalIdWithheldFromSector(), evidence);
        context.Judge(new PairwiseRefResolvesForItsSector(), evidence);
        return evidence;
    }
}
