using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Scenarios;

/// <summary>
/// A scenario at every Resource AS of the target file, with the harness as the origin AS (its simulated AS, which the
/// Resource AS trusts, mints the ID-JAGs): discovery, and an interruption that names the cause when the Resource AS cannot
/// be used, are common to all.
/// </summary>
public abstract class ResourceAsScenario : Scenario
{
    public override IReadOnlyList<string> Subjects(Target target) => [.. target.ResourceAses.Select(r => r.Id)];

    public override Task RunAsync(ScenarioContext context) => Task.WhenAll(context.Target.ResourceAses.Select(ras => RunAtAsync(context, ras)));

    /// <summary>Asks and judges at one Resource AS, through <paramref name="session"/>.</summary>
    private protected abstract Task RunAtAsync(ScenarioContext context, ResourceAsTarget ras, ResourceAsSession session, PeerSet peers);

    /// <summary>Why the scenario's requirements do not apply to <paramref name="ras"/> (SKIPPED, before anything is asked of it); null when they do.</summary>
    private protected virtual string? NotApplicable(ResourceAsTarget ras) => null;

    private async Task RunAtAsync(ScenarioContext context, ResourceAsTarget ras)
    {
        if (NotApplicable(ras) is { } why)
        {
            foreach (var id in Requirements) context.SkipAt(ras.Id, id, why);
            return;
        }
        if (context.Peers is not { } peers)
        {
            foreach (var id in Requirements) context.InterruptAt(ras.Id, id, "harness error: no simulated origin AS was started for the Resource ASes of the target file");
            return;
        }
        using var http = context.CreateHttpClient();
        try
        {
            var client = await MissionClient.DiscoverAsync(http, ras.Issuer, context.Cancellation, context.Clock);
            await RunAtAsync(context, ras, new ResourceAsSession(context, peers.AuthorizationServer, ras, client), peers);
        }
        catch (Exception e) when (e is HttpRequestException or ScenarioInterruptedException or JsonException or InvalidOperationException
            or TaskCanceledException && !context.Cancellation.IsCancellationRequested)
        {
            var reason = e switch
            {
                HttpRequestException => $"Resource AS {ras.Id} unreachable at {ras.Issuer}: {e.Message}",
                TaskCanceledException => $"Resource AS {ras.Id} gave no answer within {context.Target.Timeouts.Request.TotalSeconds:0} s (timeouts.requestSeconds)",
                JsonException or InvalidOperationException => $"Resource AS {ras.Id}: its metadata at {ras.Issuer.AbsoluteUri.TrimEnd('/')}/.well-known/oauth-authorization-server cannot be used: {e.Message}",
                _ => e.Message,
            };
            foreach (var id in Requirements.Where(id => !context.HasJudged(id, ras.Id))) context.InterruptAt(ras.Id, id, reason, [.. context.Wire.RecentIds(Id, 3)]);
        }
    }
}

/// <summary>
/// conformance.md §5 L2 item 4 (MBO-RAS-001…006), at every Resource AS of the target file, with the harness
/// as the origin AS: its simulated AS (which the Resource AS trusts) mints ID-JAGs, a second simulated AS it
/// does not trust mints one more. A valid grant must be redeemed first: a Resource AS that refuses it cannot be
/// judged on what it refuses.
/// </summary>
public sealed class ResourceAsValidationScenario : ResourceAsScenario
{
    public const string IdJagType = "oauth-id-jag+jwt";

    /// <summary>What the harness's ID-JAGs live: well under the 300 s oauth-profile.md §14 allows.</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromSeconds(120);

    public static readonly TimeSpan ShortGrantLifetime = TimeSpan.FromSeconds(20);

    /// <summary>An action the harness never grants, asked for beside the granted ones (MBO-RAS-006).</summary>
    public const string BeyondAction = "conformance_probe_not_granted";

    public override string Id => "resource-as.validation";

    public override string Title => "a valid ID-JAG is redeemed for a bound local token that keeps the Mission and expires by the grant; an untrusted origin, "
        + "another audience, a bad signature, an expired or bearer grant, a proof by another key, a replay and authority beyond the grant are refused";

    public override IReadOnlyList<ICheck> Checks { get; } =
    [
        new ResourceAsTrustsConfiguredOriginOnly(),
        new ResourceAsValidatesGrant(),
        new ResourceAsRequiresProofOfPossession(),
        new ResourceAsRejectsReplay(),
        new LocalTokenKeepsMissionBoundAndCapped(),
        new LocalAuthorityBoundedByGrant(),
        new ResourceAsReportsNoMission(),
        new ResourceAsOmitsMissionState(),
    ];

    private protected override async Task RunAtAsync(ScenarioContext context, ResourceAsTarget ras, ResourceAsSession session, PeerSet peers)
    {
        var evidence = await session.CollectAsync(peers);
        context.ControlAt(ras.Id, Controls.IdJagRedeemed, evidence.Valid.Issued, $"the valid ID-JAG was answered {evidence.Valid.Describe()}");
        foreach (var check in new Check<ResourceAsEvidence>[]
        {
            new ResourceAsTrustsConfiguredOriginOnly(), new ResourceAsValidatesGrant(), new ResourceAsRequiresProofOfPossession(),
            new ResourceAsRejectsReplay(), new LocalTokenKeepsMissionBoundAndCapped(), new LocalAuthorityBoundedByGrant(),
            new ResourceAsReportsNoMission(), new ResourceAsOmitsMissionState(),
        })
        {
            context.JudgeAt(ras.Id, check, evidence, [.. context.Wire.RecentIds(Id, 3)]);
        }
    }
}

/// <summary>
/// mas.md contract 3 (MBO-MAS-003), at every Resource AS the target file declares a projection issuer of the harness's
/// simulated AS, which plays its Mission Authority Server: a grant for a Mission the MAS reports active must be redeemed,
/// and the MAS asked about it; then, for two more Missions, the MAS's Mission Status gives no usable answer (503, then a
/// body of random bytes), and neither grant may be redeemed.
/// </summary>
public sealed class ProjectionIssuerFailsClosedScenario : ResourceAsScenario
{
    public override string Id => "resource-as.mas-outage";

    public override string Title => "a projection issuer asks its Mission Authority before it issues, and issues nothing when it gets no usable answer";

    public override IReadOnlyList<ICheck> Checks { get; } = [new ProjectionIssuerFailsClosed()];

    private protected override string? NotApplicable(ResourceAsTarget ras)
        => ras.ProjectionIssuer ? null : "not judged: resourceAuthorizationServers[].projectionIssuer is not set, and a plain Resource AS asks no Mission Authority";

    private protected override async Task RunAtAsync(ScenarioContext context, ResourceAsTarget ras, ResourceAsSession session, PeerSet peers)
    {
        var evidence = await session.CollectOutagesAsync();
        context.ControlAt(ras.Id, Controls.IdJagRedeemed, evidence.Reachable.Issued, $"the grant of a Mission its MAS reports active was answered {evidence.Reachable.Describe()}");
        context.JudgeAt(ras.Id, new ProjectionIssuerFailsClosed(), evidence, [.. context.Wire.RecentIds(Id, 3)]);
    }
}

/// <summary>The harness as origin AS and as client of one Resource AS: mints ID-JAGs for one Mission and presents them.</summary>
internal sealed class ResourceAsSession(ScenarioContext context, SimulatedAuthorizationServer origin, ResourceAsTarget ras, MissionClient client)
{
    private readonly ClientCredentials _credentials = new(ras.ClientId, ras.Secret);

    private string Audience => client.Metadata.Issuer;

    public async Task<ResourceAsEvidence> CollectAsync(PeerSet peers)
    {
        var mission = NewMission();
        using var key = new DpopKey();
        using var other = new DpopKey();

        var valid = await RedeemValidAsync(mission, key);
        var shortLived = await RedeemAsync("a valid ID-JAG living 20 s", Grant(mission, key, s => s with { Lifetime = ResourceAsValidationScenario.ShortGrantLifetime }), key);
        var replayed = await RedeemAsync("the valid ID-JAG again", valid.Grant, key);

        var defective = new List<Redemption>
        {
            await RedeemAsync("an ID-JAG audienced to another AS", Grant(mission, key, s => s with { Audience = "https://as.another-domain.example/" }), key),
            await RedeemAsync("an ID-JAG signed by a key the origin does not publish", Grant(mission, key, s => s with { ForeignKey = true }), key),
            await RedeemAsync("an ID-JAG that expired eight minutes ago", Grant(mission, key, s => s with { IssuedAgo = TimeSpan.FromMinutes(10) }), key),
        };
        var unbound = new List<Redemption>
        {
            await RedeemAsync("a bearer ID-JAG (no cnf), with a proof", Grant(mission, key: null), key),
            await RedeemAsync("an ID-JAG bound to one key, with a proof by another", Grant(mission, key), other),
        };
        var withoutProof = await RedeemAsync("an ID-JAG bound to a key, with no DPoP proof", Grant(mission, key), prover: null);

        Redemption untrusted;
        using (var stranger = SimulatedAuthorizationServer.Start(0, peers.Log))
        {
            // Validly signed by its own published key, and naming the trusted origin's own active Mission: a projection issuer,
            // which asks that origin's Mission Status, would hear "active" and must still refuse it for its signer.
            untrusted = await RedeemAsync($"an ID-JAG from {stranger.Issuer}, an origin it was not configured to trust",
                Grant(mission, key, by: stranger), key);
        }

        var wider = (JsonObject)ras.Entry.DeepClone();
        wider["actions"]!.AsArray().Add(ResourceAsValidationScenario.BeyondAction);
        var beyond = await RedeemAsync($"a valid ID-JAG, asking for {ResourceAsValidationScenario.BeyondAction} too", Grant(mission, key), key,
            [new("authorization_details", new JsonArray(wider).ToJsonString())]);

        return new ResourceAsEvidence(Audience, origin.Issuer.AbsoluteUri, key.Thumbprint, JsonDocument.Parse(ras.Entry.ToJsonString()).RootElement.Clone(),
            valid, shortLived, replayed, untrusted, defective, unbound, withoutProof, beyond, ResourceAsValidationScenario.BeyondAction)
        {
            MissionSurfaces = await AskMissionSurfacesAsync(mission),
            Introspection = await IntrospectAsync(valid),
        };
    }

    /// <summary>
    /// MBO-MAS-003: a grant for an active Mission, redeemed (and its Mission Status asked, as the MAS counts); then one grant
    /// for each <see cref="StatusOutage"/>, each for a Mission whose Mission Status the MAS no longer answers usably.
    /// </summary>
    public async Task<MasOutageEvidence> CollectOutagesAsync()
    {
        using var key = new DpopKey();
        var reachable = NewMission();
        var valid = await RedeemValidAsync(reachable, key);
        var outages = new List<(StatusOutage, Redemption)>();
        foreach (var outage in Enum.GetValues<StatusOutage>())
        {
            var mission = NewMission();
            origin.FailStatus(mission, outage);
            outages.Add((outage, await RedeemAsync($"a valid ID-JAG whose Mission's status the MAS answers {MasOutageEvidence.Describe(outage)}", Grant(mission, key), key)));
        }
        return new MasOutageEvidence(origin.Issuer.AbsoluteUri, valid, origin.StatusRequestsFor(reachable.Id), outages);
    }

    /// <summary>A Mission at the harness's origin with this Resource AS's entry, once its metadata is found fit to present grants to.</summary>
    private SimulatedMission NewMission()
    {
        if (client.Metadata.SchemaErrors is { Count: > 0 } metadataErrors)
        {
            throw new ScenarioInterruptedException($"the RFC 8414 metadata of Resource AS {ras.Id} breaks as-metadata.schema.json: {string.Join("; ", metadataErrors.Take(3))}");
        }
        if (Audience != ras.Issuer.AbsoluteUri)
        {
            throw new ScenarioInterruptedException($"the metadata of Resource AS {ras.Id} names issuer {Audience}, not {ras.Issuer} (RFC 8414 §3.3): check resourceAuthorizationServers[].issuer");
        }
        return origin.CreateMission("user-conformance", "agent-conformance", new JsonArray(ras.Entry.DeepClone()), TimeSpan.FromHours(1), context.Wire);
    }

    /// <summary>A valid grant, which must be redeemed: a Resource AS that refuses it cannot be judged on anything it refuses.</summary>
    private async Task<Redemption> RedeemValidAsync(SimulatedMission mission, DpopKey key)
    {
        var valid = await RedeemAsync("a valid ID-JAG (120 s)", Grant(mission, key), key);
        if (!valid.Issued)
        {
            throw new ScenarioInterruptedException($"Resource AS {ras.Id} refused a valid ID-JAG from the harness's origin ({valid.Describe()} {valid.Response.Member("error_description")}), "
                + $"so its refusals of defective ones would show nothing. Check that it trusts {origin.Issuer} as an origin (run --print-peer-config), "
                + "that resourceAuthorizationServers[].clientId and secret are its client, and that entry.resource is a resource it is authoritative for.");
        }
        return valid;
    }

    /// <summary>MBO-RAS-007: every Mission surface the Resource AS advertises, asked about the Mission of the grants it just redeemed.</summary>
    private async Task<IReadOnlyList<MissionSurfaceAnswer>> AskMissionSurfacesAsync(SimulatedMission mission)
    {
        var answers = new List<MissionSurfaceAnswer>();
        var resource = (string)ras.Entry["resource"]!;
        if (client.Metadata.MissionStatusEndpoint is { } status)
        {
            answers.Add(new("mission_status_endpoint", await client.MissionStatusAsync(status, _credentials, mission.Id, resource, MissionClient.NewNonce(), context.Cancellation, withAssertion: false)));
        }
        if (client.Metadata.LifecycleEndpoint is not null)
        {
            answers.Add(new("mission_lifecycle_endpoint (suspend)", await client.LifecycleAsync(_credentials, mission.Id, "suspend", null, context.Cancellation, withAssertion: false)));
        }
        return answers;
    }

    /// <summary>MBO-AS-INT-005: the valid local token introspected as this domain's Resource Server, when the Resource AS offers introspection and the file gives its credentials.</summary>
    private async Task<LocalIntrospection> IntrospectAsync(Redemption valid)
    {
        if (client.Metadata.IntrospectionEndpoint is not { } endpoint) return new(null, "not judged: the Resource AS advertises no introspection_endpoint");
        if (ras.Introspection is not { } credentials)
        {
            return new(null, $"not judged: {ras.Id} advertises introspection, but the target file gives no resourceAuthorizationServers[].introspection credentials to call it with");
        }
        return new(await client.IntrospectAsync(endpoint, new ClientCredentials(credentials.ClientId, credentials.Secret), valid.AccessToken!, context.Cancellation), null);
    }

    private string Grant(SimulatedMission mission, DpopKey? key, Func<AccessTokenSpec, AccessTokenSpec>? edit = null, SimulatedAuthorizationServer? by = null)
    {
        var spec = new AccessTokenSpec(Audience, mission)
        {
            Type = ResourceAsValidationScenario.IdJagType,
            DpopThumbprint = key?.Thumbprint,
            Lifetime = ResourceAsValidationScenario.GrantLifetime,
        };
        return (by ?? origin).Mint(edit is null ? spec : edit(spec));
    }

    private async Task<Redemption> RedeemAsync(string description, string grant, DpopKey? prover, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var response = await client.JwtBearerAsync(_credentials, grant, prover, extra, context.Cancellation);
        return new Redemption(description, grant, response);
    }
}
