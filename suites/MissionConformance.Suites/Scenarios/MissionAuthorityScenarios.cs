using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// mas.md contract 4 (MBO-MAS-004), when the target file declares projection issuers: the AS under test is then a Mission
/// Authority Server, and its mission-authority document must say so and lead to Mission Status for a Mission it holds.
/// </summary>
public sealed class MissionAuthorityScenario : Scenario
{
    public const string NoProjectionIssuers = "the target file declares no projectionIssuers: the AS is its own state authority, the default topology (mas.md)";

    public override string Id => "mas.authority";
    public override string Title => "a Mission Authority Server names the mas profile in its mission-authority document and answers Mission Status for the Missions it holds";
    public override IReadOnlyList<ICheck> Checks { get; } = [new MasServesMissionStatus()];

    public override async Task RunAsync(ScenarioContext context)
    {
        if (context.Server.ProjectionIssuers.Count == 0)
        {
            context.Skip("MBO-MAS-004", NoProjectionIssuers);
            return;
        }
        var flow = new MissionFlow(context);
        var ct = context.Cancellation;
        var obtained = await flow.ObtainAsync();
        if (obtained.MissionId is not { } missionId)
        {
            context.Blocked("MBO-MAS-004", Dependencies.NoMissionId(obtained));
            return;
        }
        var issuer = context.Client.Metadata.Issuer;
        var documentUrl = new Uri(issuer.TrimEnd('/') + "/.well-known/mission-authority");
        var document = await context.Client.GetDocumentAsync(documentUrl, ct, ArtifactKind.MissionAuthority);
        var documentJson = document.Status == HttpStatusCode.OK ? document.ObjectBody() : null;
        var statusEndpoint = documentJson is { } d && Subset.Text(d, "mission_status_endpoint") is { } named && Uri.TryCreate(named, UriKind.Absolute, out var parsed) ? parsed : null;
        var objects = obtained.Resources;
        var caller = flow.Server.StatusClients.FirstOrDefault(c => objects.Contains(c.Audience!));

        WireResponse? status = null;
        bool? verifies = null;
        string? notAsked = null;
        if (statusEndpoint is null) notAsked = "the mission-authority document names no mission_status_endpoint";
        else if (caller is null) notAsked = "the target file names no status client whose audience is one of the Intent's objects";
        else
        {
            using var asker = StatusCaller.For(context, caller, statusEndpoint, documentJson);
            // Rate limiting is the MAS's right (MBO-MS-016): a 429 is waited out, never taken for a refusal.
            (status, _) = await asker.AskPatientlyAsync(missionId, caller.Audience!);
            if (status.Status == HttpStatusCode.OK)
            {
                var jwksUri = documentJson is { } j && Subset.Text(j, "jwks_uri") is { } jwks ? new Uri(jwks) : context.Client.Metadata.JwksUri;
                verifies = await DecodedJwt.VerifySignatureAsync(status.Body.Trim(), (await context.Client.GetDocumentAsync(jwksUri, ct)).Body);
            }
        }
        context.Judge(new MasServesMissionStatus(), new MasAuthorityEvidence(documentUrl, document, issuer, missionId, status, verifies, notAsked));
    }
}

/// <summary>
/// mas.md contracts 2 and 7 (MBO-MAS-001, 002), at each projection issuer the target file declares. The harness asks the
/// MAS for an ID-JAG audienced to the issuer (the suite's convention for how a projection issuer learns a Mission, since
/// the seed era defines no API, open point 3), redeems it there by the RFC 7523 JWT bearer grant with a DPoP proof,
/// refreshes while the Mission is active, then revokes the Mission at the MAS, once for all issuers, and refreshes at
/// each again.
/// </summary>
public sealed class ProjectionScenario : Scenario
{
    public override string Id => "mas.projection";
    public override string Title => "each projection issuer's credentials reference the MAS's Mission, and a revocation at the MAS stops derivation at every one of them";
    public override IReadOnlyList<ICheck> Checks { get; } = [new ProjectedCredentialsNameTheMas(), new MasRevocationStopsProjectedDerivation()];

    public override IReadOnlyList<string> Subjects(Target target)
        => target.AuthorizationServers.Count > 0 ? [.. target.AuthorizationServer.ProjectionIssuers.Select(p => p.Id)] : [];

    public override async Task RunAsync(ScenarioContext context)
    {
        var flow = new MissionFlow(context);
        var issuers = context.Server.ProjectionIssuers;
        var obtained = await flow.ObtainAsync();
        if (obtained.MissionId is not { } missionId || obtained.Token.RefreshToken is not { } missionRefreshToken)
        {
            foreach (var issuer in issuers) InterruptAll(context, issuer, "not judged: the MAS issued no Mission-bound refresh token to project from (see MBO-AS-TOK-009)");
            return;
        }
        using var http = context.CreateHttpClient();
        using var key = new DpopKey();

        var sessions = new List<(ProjectionIssuerTarget Issuer, MissionClient Client, WireResponse Redemption, WireResponse? RefreshBefore, string? RefreshToken)>();
        foreach (var issuer in issuers)
        {
            try
            {
                var client = await MissionClient.DiscoverAsync(http, issuer.Issuer, context.Cancellation, context.Clock);
                if (client.Metadata.SchemaErrors is { Count: > 0 } metadataErrors)
                {
                    InterruptAll(context, issuer, $"the RFC 8414 metadata of projection issuer {issuer.Id} breaks as-metadata.schema.json: {string.Join("; ", metadataErrors.Take(3))}");
                    continue;
                }
                var credentials = new ClientCredentials(issuer.ClientId, issuer.Secret);
                var grant = await flow.IdJagAsync(missionRefreshToken, TokenTypes.RefreshToken, issuer.Issuer.AbsoluteUri, key);
                if (!grant.Succeeded || grant.AccessToken is not { } idJag)
                {
                    InterruptAll(context, issuer, $"the MAS refused an ID-JAG audienced to {issuer.Issuer} ({MasProjectionEvidence.Describe(grant.Response)} {grant.Response.Member("error_description")}): "
                        + "check that it authorises this projection issuer for an entry of the Intent");
                    continue;
                }
                var redemption = await client.JwtBearerAsync(credentials, idJag, key, null, context.Cancellation);
                if (redemption.Status != HttpStatusCode.OK || redemption.Member("access_token") is null)
                {
                    InterruptAll(context, issuer, $"{issuer.Id} refused the MAS's ID-JAG ({MasProjectionEvidence.Describe(redemption)} {redemption.Member("error_description")}), so it issued nothing to judge: "
                        + $"check that it trusts {context.Client.Metadata.Issuer} and that projectionIssuers[].clientId and secret are the agent's client there");
                    continue;
                }
                var refreshToken = redemption.Member("refresh_token");
                var before = refreshToken is null ? null : await client.RefreshAsync(credentials, refreshToken, null, context.Cancellation, key);
                sessions.Add((issuer, client, redemption, before, before?.Member("refresh_token") ?? refreshToken));
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or ScenarioInterruptedException
                or TaskCanceledException && !context.Cancellation.IsCancellationRequested)
            {
                InterruptAll(context, issuer, e is TaskCanceledException
                    ? $"projection issuer {issuer.Id} gave no answer within {context.Target.Timeouts.Request.TotalSeconds:0} s (timeouts.requestSeconds)"
                    : $"projection issuer {issuer.Id} at {issuer.Issuer} cannot be used: {e.Message}");
            }
        }
        if (sessions.Count == 0) return;

        // One revocation at the MAS; every projection issuer must stop deriving.
        var revoke = await flow.LifecycleAsync(missionId, "revoke");
        foreach (var (issuer, client, redemption, before, refreshToken) in sessions)
        {
            var after = refreshToken is null || (int)revoke.Status is < 200 or >= 300
                ? null
                : await client.RefreshAsync(new ClientCredentials(issuer.ClientId, issuer.Secret), refreshToken, null, context.Cancellation, key);
            var evidence = new MasProjectionEvidence(issuer.Id, context.Client.Metadata.Issuer, missionId, redemption, before, revoke, after);
            var refs = context.Wire.RecentIds(Id, 4);
            context.JudgeAt(issuer.Id, new ProjectedCredentialsNameTheMas(), evidence, [.. refs]);
            context.JudgeAt(issuer.Id, new MasRevocationStopsProjectedDerivation(), evidence, [.. refs]);
        }
    }

    private void InterruptAll(ScenarioContext context, ProjectionIssuerTarget issuer, string reason)
    {
        foreach (var id in Requirements) context.InterruptAt(issuer.Id, id, reason, [.. context.Wire.RecentIds(Id, 3)]);
    }
}
