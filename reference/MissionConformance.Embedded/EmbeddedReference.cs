using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Pdp;
using MissionConformance.Reference.ResourceAs;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Security;

namespace MissionConformance.Embedded;

/// <summary>
/// The reference AS started on 127.0.0.1 as a target, with the target file it would need. It shares
/// an <see cref="OffsetClock"/> with the harness, so expiry scenarios advance time instead of waiting.
/// </summary>
public sealed class EmbeddedReference : IEmbeddedTarget
{
    private readonly ReferenceStack _stack;
    private readonly MissionAuthorityTopology? _topology;
    private readonly IReadOnlyList<ReferenceResourceServer> _resourceServers;
    private readonly ReferenceResourceAs? _resourceAs;
    private readonly ReferencePdp? _pdp;

    private EmbeddedReference(ReferenceStack stack, MissionAuthorityTopology? topology, OffsetClock clock, ConsentSettings consent, PeerSet peers,
        IReadOnlyList<ReferenceResourceServer> resourceServers, ReferenceResourceAs? resourceAs, ReferencePdp? pdp)
    {
        _stack = stack;
        _topology = topology;
        _resourceServers = resourceServers;
        _resourceAs = resourceAs;
        _pdp = pdp;
        Clock = clock;
        Peers = peers;
        var name = $"embedded reference AS{(topology is null ? "" : " as MAS with its projection issuers")}, resource servers, Resource AS and PDP"
            + (stack.Faults.Active.Count == 0 ? "" : " with faults " + string.Join(",", stack.Faults.Active))
            + (stack.Variants.Active.Count == 0 ? "" : " in variant " + string.Join(",", stack.Variants.Active));
        var target = TargetFor(stack.Issuer, name, consent);
        Target = target with
        {
            AuthorizationServers =
            [
                target.AuthorizationServer with
                {
                    ProjectionIssuers = [.. (topology?.Issuers ?? []).Select(ProjectionIssuerTargetFor)],
                    LifecycleEvents = peers.EventReceiver is { } receiver ? new LifecycleEventsTarget(receiver.Endpoint.Port, EventAudience) : null,
                    // Its Mission Status mtls alias presents a self-signed certificate, as a target file would name in tlsTrustFile.
                    TlsTrust = [stack.TlsCertificate],
                    // What a target file says for this variant (VariantCatalogue): lifecycle asked by the admin client.
                    LifecycleRole = stack.Variants.Has(Variant.AdminOnlyLifecycle) ? "admin" : null,
                },
            ],
            ResourceServers = [.. resourceServers.Select(ResourceServerTargetFor)],
            ResourceAses = resourceAs is null ? [] : [ResourceAsTargetFor(resourceAs)],
            Pdps = pdp is null ? [] : [PdpTargetFor(pdp)],
        };
    }

    public Target Target { get; }

    public OffsetClock Clock { get; }

    TimeProvider IEmbeddedTarget.Clock => Clock;

    /// <summary>The simulated AS and PDP the reference Resource Servers trust.</summary>
    public PeerSet Peers { get; }

    public IReadOnlyList<ReferenceResourceServer> ResourceServers => _resourceServers;

    public Func<TimeSpan, CancellationToken, Task> Wait => (duration, _) =>
    {
        Clock.Advance(duration);
        return Task.CompletedTask;
    };

    /// <summary>The audience the harness receives the reference AS's lifecycle SETs as: a resource every board-packet Mission has an entry for.</summary>
    public const string EventAudience = ResourceCatalogue.FinanceResource;

    /// <summary>How long a reference Resource Server may go on using a Mission state it read (its mission_max_stale_seconds).</summary>
    public const int ResourceServerMaxStaleSeconds = 3;

    /// <summary>A session over the embedded reference started with <paramref name="faults"/> and <paramref name="variants"/>.</summary>
    public static async Task<TargetSession> OpenSessionAsync(FaultSet faults, CancellationToken ct, ConsentSettings? consent = null, VariantSet? variants = null)
        => TargetSession.Over(await StartAsync(faults, ct, consent, variants: variants));

    /// <param name="consent">How consent is driven; by default in the browser with the reference script, as a user's target file would.</param>
    /// <param name="tiers">The tier each reference Resource Server (finance, docs, workflow) is started at; RS-D when not named.</param>
    /// <param name="withResourceServers">False starts the AS alone (the AS fault self-tests need nothing else); true also the Resource Servers and the Resource AS.</param>
    /// <param name="withProjectionIssuers">Whether the AS runs as Mission Authority Server of the two board-packet projection issuers (mas.md); by default when the Resource Servers run.</param>
    /// <param name="pairwiseSector">The AS's pairwise sector (oauth-profile.md §15): resource_as by default, or resource_server.</param>
    /// <param name="tune">Deployment settings beyond these (<c>bench</c> lifts the Mission Status rate limit), applied to the AS's options last.</param>
    public static async Task<EmbeddedReference> StartAsync(FaultSet faults, CancellationToken ct, ConsentSettings? consent = null,
        IReadOnlyDictionary<string, RsTierSetting>? tiers = null, bool withResourceServers = true, bool? withProjectionIssuers = null,
        string pairwiseSector = ReferenceSettings.ResourceAsSector, VariantSet? variants = null, Func<ReferenceStackOptions, ReferenceStackOptions>? tune = null)
    {
        var clock = new OffsetClock();
        // The peers first: the AS pushes its lifecycle SETs to the harness's receiver (event_driven, MBO-MAS-006).
        var peers = PeerSet.Start(PeerSettings.Any with { EventReceiverPort = 0 });
        var options = new ReferenceStackOptions
        {
            Faults = faults,
            Clock = clock,
            EventSubscriptions = [new EventSubscription(peers.EventReceiver!.Endpoint, EventAudience)],
            PairwiseSector = pairwiseSector,
            Variants = variants ?? VariantSet.None,
        };
        options = tune?.Invoke(options) ?? options;
        MissionAuthorityTopology? topology;
        ReferenceStack stack;
        try
        {
            topology = withProjectionIssuers ?? withResourceServers
                ? await MissionAuthorityTopology.StartAsync(options, ProjectionIssuerSpec.BoardPacket, faults, ct: ct)
                : null;
            stack = topology?.Authority ?? await ReferenceStack.StartAsync(options, ct);
        }
        catch
        {
            peers.Dispose();
            throw;
        }
        var servers = new List<ReferenceResourceServer>();
        ReferenceResourceAs? resourceAs = null;
        ReferencePdp? pdp = null;
        try
        {
            foreach (var profile in withResourceServers ? ResourceServerProfile.All : [])
            {
                servers.Add(await ReferenceResourceServer.StartAsync(new ResourceServerOptions
                {
                    Profile = profile,
                    Tier = tiers?.GetValueOrDefault(profile.Name, RsTierSetting.D) ?? RsTierSetting.D,
                    TrustedIssuer = peers.AuthorizationServer.Issuer,
                    Pdp = peers.Pdp.Url,
                    MaxStaleSeconds = ResourceServerMaxStaleSeconds,
                    Faults = faults,
                    // Each server learns Mission state its own way, so all three paths are tested: finance asks Mission
                    // Status, docs introspects its tokens, workflow receives lifecycle events.
                    EventDriven = profile == ResourceServerProfile.Workflow,
                    Introspection = profile == ResourceServerProfile.Docs,
                    Clock = clock,
                }, ct));
            }
            if (withResourceServers)
            {
                // The workflow provider's Resource AS, a second trust domain, trusting the harness's simulated AS as the origin of
                // ID-JAGs, and as its Mission Authority: a projection issuer, which asks that AS's Mission Status before it issues.
                resourceAs = await ReferenceResourceAs.StartAsync(new ResourceAsOptions
                {
                    TrustedOrigin = peers.AuthorizationServer.Issuer,
                    Resources = [ResourceCatalogue.WorkflowResource],
                    Faults = faults,
                    Projection = ProjectionSettings.For(TestPrincipals.WorkflowProjectionIssuer, ResourceCatalogue.WorkflowResource),
                }, ct);
                // The reference PDP, deciding on the simulated AS's Missions as a PDP under test does (target file pdps[]).
                pdp = await ReferencePdp.StartAsync(new PdpOptions { TrustedIssuer = peers.AuthorizationServer.Issuer, Faults = faults }, ct);
            }
        }
        catch
        {
            if (pdp is not null) await pdp.DisposeAsync();
            if (resourceAs is not null) await resourceAs.DisposeAsync();
            foreach (var server in servers) await server.DisposeAsync();
            peers.Dispose();
            if (topology is not null) await topology.DisposeAsync();
            await stack.DisposeAsync();
            throw;
        }
        return new EmbeddedReference(stack, topology, clock, consent ?? ConsentSettings.Reference, peers, servers, resourceAs, pdp);
    }

    /// <summary>A reference projection issuer as a target file's authorizationServers[].projectionIssuers[] entry names it.</summary>
    public static ProjectionIssuerTarget ProjectionIssuerTargetFor((ProjectionIssuerSpec Spec, ReferenceResourceAs Server) issuer)
        => new(issuer.Spec.Id, issuer.Server.Issuer, issuer.Server.Options.ClientId, issuer.Server.Options.ClientSecret);

    /// <summary>A reference Resource Server as a target file's resourceServers[] entry names it.</summary>
    public static ResourceServerTarget ResourceServerTargetFor(ReferenceResourceServer server)
    {
        var profile = server.Options.Profile;
        var entry = profile.CatalogueEntry;
        ToolProbe Probe(ToolCall call) => new(call.Tool, (JsonObject)call.Arguments.DeepClone());
        return new ResourceServerTarget(profile.Name, server.Resource, "RS-" + server.Options.Tier, Consequential: true, entry.Actions,
            (JsonObject)entry.Constraints.DeepClone(), Probe(profile.Probes.Allowed), Probe(profile.Probes.ForbiddenAction), Probe(profile.Probes.ConstraintViolation),
            server.Options.MaxStaleSeconds)
        {
            EventReceiver = server.EventReceiver is { } receiver ? new Uri(receiver) : null,
            Dpop = true,
            Manifest = server.ManifestUrl is { } manifest ? new Uri(manifest) : null,
            ManifestChange = server.ManifestChangeUrl is { } change ? new DeclaredManifestChange(new Uri(change), server.Options.EvidenceToken) : null,
            ParameterBinding = profile.Tools.Where(t => t.NeedsParameterBinding && entry.Actions.Contains(t.Name)).Select(t => t.Name).ToList() is { Count: > 0 } bound
                ? new ParameterBinding(server.Options.ParameterSchemaVersion, server.Options.AuthorizationDomain, bound)
                : null,
            Evidence = server.EvidenceExport is { } export ? new EvidenceExport(new Uri(export), server.Options.EvidenceToken) : null,
            Effects = server.EffectsObserver is { } observer ? new EffectsObserver(new Uri(observer), server.Options.EvidenceToken) : null,
            DropOutcome = server.DropOutcomeUrl is { } drop ? new DeclaredOutcomeDrop(new Uri(drop), server.Options.EvidenceToken) : null,
        };
    }

    /// <summary>The reference Resource AS as a target file's resourceAuthorizationServers[] entry names it: the workflow entry of the board-packet policy.</summary>
    public static ResourceAsTarget ResourceAsTargetFor(ReferenceResourceAs resourceAs)
    {
        var workflow = ResourceCatalogue.BoardPacket.Find(ResourceCatalogue.WorkflowResource)!;
        var entry = new JsonObject
        {
            ["type"] = "mission_resource_access",
            ["resource"] = workflow.Resource,
            ["actions"] = new JsonArray([.. workflow.Actions.Select(a => (JsonNode)a)]),
            ["constraints"] = workflow.Constraints.DeepClone(),
        };
        return new ResourceAsTarget("workflow-ras", resourceAs.Issuer, resourceAs.Options.ClientId, resourceAs.Options.ClientSecret, entry)
        {
            Introspection = new ResourceAsIntrospection(resourceAs.Options.IntrospectionClientId, resourceAs.Options.IntrospectionClientSecret),
            ProjectionIssuer = resourceAs.Options.Projection is not null,
        };
    }

    /// <summary>
    /// The reference PDP as a target file's pdps[] entry names it: the docs server's entry, whose create_doc binds its parameters (the
    /// folder constraint judged on them), with the evidence export and JWKS it publishes.
    /// </summary>
    public static PdpTarget PdpTargetFor(ReferencePdp pdp)
    {
        var docs = ResourceCatalogue.BoardPacket.Find(ResourceCatalogue.DocsResource)!;
        var entry = new JsonObject
        {
            ["type"] = "mission_resource_access",
            ["resource"] = docs.Resource,
            ["actions"] = new JsonArray([.. docs.Actions.Select(a => (JsonNode)a)]),
            ["constraints"] = docs.Constraints.DeepClone(),
        };
        var probes = ResourceServerProfile.Docs.Probes;
        return new PdpTarget("reference-pdp", pdp.BaseUrl, docs.Resource, entry, probes.Allowed.Tool)
        {
            AllowedParameters = (JsonObject)probes.Allowed.Arguments.DeepClone(),
            OutOfSetAction = probes.ForbiddenAction.Tool,
            ConstraintViolation = (JsonObject)probes.ConstraintViolation.Arguments.DeepClone(),
            ParameterBinding = new ParameterBinding(pdp.Options.ParameterSchemaVersion, pdp.Options.AuthorizationDomain, [probes.Allowed.Tool]),
            Evidence = new DecisionEvidenceExport(new Uri(pdp.EvidenceExport), pdp.Options.EvidenceToken, new Uri(pdp.JwksUri)),
        };
    }

    /// <summary>The target file for a reference instance at <paramref name="issuer"/> (fixtures/targets/reference.json says the same).</summary>
    public static Target TargetFor(Uri issuer, string name, ConsentSettings consent)
    {
        TargetClient Client(string role, string clientId)
        {
            var registered = TestPrincipals.FindClient(clientId)!;
            var key = TestClientKeys.PrivateJwk(clientId) is { } jwk ? new JsonWebKey(jwk) : null;
            return registered.IsStatusClient
                ? new TargetClient(role, clientId, "private_key_jwt", null, key, registered.StatusAudience)
                : new TargetClient(role, clientId, registered.IsPublic ? "none" : "client_secret_basic", registered.ClientSecret, key);
        }
        var alice = TestPrincipals.Accounts[0];
        var bob = TestPrincipals.Accounts[1];
        var carol = TestPrincipals.Accounts.Single(a => a.Represents.Contains(alice.Subject));
        var catalogue = ResourceCatalogue.BoardPacket;
        var intent = new JsonObject
        {
            ["goal"] = "Prepare the Q3 2026 board packet and ask the CFO to review it",
            ["objects"] = new JsonArray(catalogue.Resources.Select(r => (JsonNode)r.Resource).ToArray()),
            ["constraints"] = new JsonArray("Q3 2026 figures only", "read-only on financial systems"),
            ["success_criteria"] = new JsonArray("board packet draft created", "CFO review requested"),
            ["purpose"] = TestPrincipals.BoardPurpose,
            ["context"] = new JsonObject { ["max_derivations"] = "50" },
        };
        var server = new AuthorizationServerTarget("reference-as", issuer, TestPrincipals.RedirectUri,
            [
                Client("agent", "agent-confidential"), Client("public", "agent-public"), Client("foreign", "agent-other"), Client("admin", "mission-admin"),
                Client("delegate", TestPrincipals.DelegateClient),
                // The projection issuers' status clients are theirs (the reference plays them), never the harness's.
                .. TestPrincipals.Clients.Where(c => c.IsStatusClient && !TestPrincipals.IsProjectionIssuer(c.ClientId)).Select(c => Client("status", c.ClientId)),
            ],
            [
                new TargetAccount("approver", alice.Username, alice.Password, alice.Subject, alice.SecondFactor, alice.DisplayName),
                new TargetAccount("other", bob.Username, bob.Password, bob.Subject, bob.SecondFactor),
                new TargetAccount("delegate", carol.Username, carol.Password, carol.Subject, carol.SecondFactor, OnBehalfOf: alice.Username),
            ],
            intent, new NarrowingProbe(60, "https://unknown.example/api", ["mission_expiry", "objects"]),
            TestPrincipals.BoardPurpose, "urn:example:purpose:unregistered", UsesInventory: true, consent)
        {
            ResourceAuthorizationServers = [.. (catalogue.PartnerDomains ?? []).Select(d => new ResourceAuthorizationServer(d.Issuer, d.Resources))],
            // The reference takes the suite's Mission Expansion convention (PAR with mission_supersedes).
            Expansion = true,
        };
        return new Target(name, Harness.Editions.Edition.Seed, [server], Timeouts.Default,
            new ScopeStatement(["oauth"], [], null, ["seed-2026-06"], []));
    }

    public async ValueTask DisposeAsync()
    {
        if (_pdp is not null) await _pdp.DisposeAsync();
        if (_resourceAs is not null) await _resourceAs.DisposeAsync();
        foreach (var server in _resourceServers) await server.DisposeAsync();
        Peers.Dispose();
        if (_topology is not null) await _topology.DisposeAsync();
        await _stack.DisposeAsync();
    }
}
