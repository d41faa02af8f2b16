using System.Text.Json.Nodes;
using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 6 for Resource Servers: against the reference servers started with one fault, the
/// Resource Server suite fails exactly the requirement ids the fault declares, at every server, and the
/// servers' computed tier drops below the tier of the lowest broken MUST.
/// </summary>
public abstract class ResourceServerFaultSelfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Half of the Resource Server faults: two test classes, so xunit runs the halves side by side (each run mostly waits).</summary>
    public static TheoryData<string> Faults(int half)
        => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.ResourceServer).Where((_, i) => i % 2 == half).Select(f => f.Name));

    protected static async Task AssertFailsExactlyItsRequirementsAsync(string name)
    {
        var fault = FaultCatalogue.Find(name)!;
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([fault.Fault]), Ct, FaultSelfTests.FormConsent);

        var outcome = await ReachingRun.RunAsync(fault, reference, ResourceServerSuite.Scenarios(), "resource-server",
            ct => EmbeddedReference.StartAsync(FaultSet.None, ct, FaultSelfTests.FormConsent), Ct);

        var interrupted = SelfTestVerdicts.UnexplainedInterruptions(outcome.Findings).Select(f => $"{f.RequirementId} at {f.Subject}: {f.Message}").ToList();
        Assert.True(interrupted.Count == 0, $"{name} interrupted: {string.Join("; ", interrupted)}");
        var declared = fault.RequirementIds.Order(StringComparer.Ordinal).ToList();
        foreach (var server in reference.Target.ResourceServers)
        {
            // A requirement a server is not judged on (SKIPPED: e.g. MBO-MAS-005 at a server without an event receiver) cannot break there,
            // and a fault of one kind of server changes nothing at the others.
            var affected = !OnlyAt.TryGetValue(fault.Fault, out var only) || only.Contains(server.Id);
            var expected = declared.Where(id => affected && !outcome.Findings.Any(f => f.Subject == server.Id && f.RequirementId == id && f.Verdict == Verdict.Skipped)).ToList();
            var broken = outcome.Findings.Where(f => f.Subject == server.Id && f.Verdict is Verdict.Failed or Verdict.Warning)
                .Select(f => f.RequirementId).Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.SequenceEqual(broken), $"{name} declares [{string.Join(", ", declared)}] but at {server.Id} the suite broke [{string.Join(", ", broken)}]:{Environment.NewLine}"
                + string.Join(Environment.NewLine, outcome.Findings.Where(f => f.Subject == server.Id && f.Verdict is Verdict.Failed or Verdict.Warning).Select(f => $"  {f.RequirementId} [{f.Scenario}] {f.Message}")));
        }
        Assert.All(declared, id => Assert.Contains(outcome.Findings, f => f.RequirementId == id && f.Verdict is Verdict.Failed or Verdict.Warning));
        var lowestBroken = declared.Select(id => RequirementCatalogue.Default[id]).Where(r => r.IsMandatory).Select(r => TierOf(r.Tier!)).DefaultIfEmpty(RsTier.None).Min();
        foreach (var tier in outcome.Coordinate.ResourceServers)
        {
            // A server where every declared requirement was SKIPPED (e.g. parameter binding at finance, whose reads bind none) keeps RS-D.
            var brokenHere = outcome.Findings.Any(f => f.Subject == tier.Id && declared.Contains(f.RequirementId) && f.Verdict == Verdict.Failed);
            Assert.True(lowestBroken == RsTier.None || !brokenHere ? tier.Tier == RsTier.D : tier.Tier < lowestBroken,
                $"{tier.Id} is computed {tier.Tier.Name()} though {name} {(brokenHere ? "breaks" : "is not judged by")} a {lowestBroken.Name()} MUST there");
        }
    }

    /// <summary>The servers a fault changes: the introspecting one (docs) for an introspection fault, the others for a Mission Status one.</summary>
    private static readonly Dictionary<Fault, string[]> OnlyAt = new()
    {
        [Fault.RsTrustsIntrospectionForDpop] = ["docs"],
        [Fault.RsShortStatusNonce] = ["finance", "workflow"],
    };

    private static RsTier TierOf(string tier) => tier switch { "RS-A" => RsTier.A, "RS-B" => RsTier.B, "RS-C" => RsTier.C, _ => RsTier.D };
}

public sealed class ResourceServerFaultSelfTestsFirstHalf : ResourceServerFaultSelfTests
{
    public static TheoryData<string> Cases => Faults(0);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements_AtEveryServer(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

public sealed class ResourceServerFaultSelfTestsSecondHalf : ResourceServerFaultSelfTests
{
    public static TheoryData<string> Cases => Faults(1);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Fault_FailsExactlyItsDeclaredRequirements_AtEveryServer(string fault) => AssertFailsExactlyItsRequirementsAsync(fault);
}

/// <summary>The Resource Server suite's tiers and its explained interruptions.</summary>
public sealed class ResourceServerSelfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneServerStartedAtRsB_IsComputedRsB_AndTheCoordinateShowsIt()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent,
            new Dictionary<string, RsTierSetting> { ["docs"] = RsTierSetting.B });

        // The whole suite, so the domain reaches AD-3 and the level is decided by the Resource Servers alone.
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, ConformanceSuite.Scenarios(), Ct, reference.Peers);

        Assert.Equal(["docs:B", "finance:D", "workflow:D"], outcome.Coordinate.ResourceServers.Select(r => $"{r.Id}:{r.Tier}").Order());
        Assert.Contains(outcome.Findings, f => f.Subject == "docs" && f.RequirementId == "MBO-RS-C-001" && f.Verdict == Verdict.Failed);
        Assert.DoesNotContain(outcome.Findings, f => f.Subject == "docs" && f.Verdict == Verdict.Failed && RequirementCatalogue.Default[f.RequirementId].Tier is "RS-A" or "RS-B");
        // L3 needs RS-C at every consequential in-scope server (conformance.md §3 rule 1), whatever the domain tier: AD-3, yet L2.
        Assert.Equal("L2 · RS-B · AD-3", outcome.Coordinate.Label);
        Assert.Contains(outcome.Coordinate.Reasons, r => r.StartsWith("L3 not reached", StringComparison.Ordinal) && r.Contains("docs is RS-B", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANonConsequentialServerWithoutAPdp_IsNotFailedOnRsD_AndStopsAtRsC()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent,
            new Dictionary<string, RsTierSetting> { ["finance"] = RsTierSetting.C });
        var finance = reference.Target.ResourceServers.Single(r => r.Id == "finance") with { Consequential = false };
        var target = reference.Target with { ResourceServers = [finance] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceServerSuite.Scenarios(), Ct, reference.Peers);

        Assert.DoesNotContain(outcome.Findings, f => f.Verdict is Verdict.Failed or Verdict.Interrupted);
        Assert.All(outcome.Findings.Where(f => f.Scenario == "rs.pdp"), f => Assert.Equal(Verdict.Skipped, f.Verdict));
        Assert.Equal(RsTier.C, outcome.Coordinate.ResourceServers.Single().Tier);
        Assert.Null(outcome.Coordinate.LowestInScopeRs);  // not consequential: the level rests on no tier of it
    }

    [Fact]
    public async Task AServerThatRefusesTheAllowedProbe_IsInterrupted_NamingTheRefusal_NotFailed()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var finance = reference.Target.ResourceServers.Single(r => r.Id == "finance");
        var broken = finance with { Allowed = finance.Allowed with { Arguments = new JsonObject { ["fiscal_period"] = "1999-Q1", ["max_rows"] = 1 } } };
        var target = reference.Target with { ResourceServers = [broken] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceServerSuite.Scenarios(), Ct, reference.Peers);

        var authority = outcome.Findings.Where(f => f.Scenario == "rs.authority").ToList();
        Assert.NotEmpty(authority);
        Assert.All(authority, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(authority, f => Assert.Contains("refused the allowed probe", f.Message, StringComparison.Ordinal));
        Assert.Contains(outcome.Findings, f => f.RequirementId == "MBO-RS-B-001" && f.Verdict == Verdict.Failed);
    }

    [Fact]
    public async Task EvidenceRequirements_AreSkippedWithoutAnExport_AndInterruptedWhenTheExportRefusesTheToken()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var finance = reference.Target.ResourceServers.Single(r => r.Id == "finance") with { Evidence = null };
        var docs = reference.Target.ResourceServers.Single(r => r.Id == "docs");
        docs = docs with { Evidence = docs.Evidence! with { Token = "not-the-export-credential" } };
        var target = reference.Target with { ResourceServers = [finance, docs] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, [new Scenarios.ExecutionEvidenceScenario()], Ct, reference.Peers);

        Assert.All(outcome.Findings.Where(f => f.Subject == "finance"), f => Assert.Contains("resourceServers[].evidence", f.Message, StringComparison.Ordinal));
        Assert.All(outcome.Findings.Where(f => f.Subject == "finance"), f => Assert.Equal(Verdict.Skipped, f.Verdict));
        Assert.All(outcome.Findings.Where(f => f.Subject == "docs"), f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(outcome.Findings.Where(f => f.Subject == "docs"), f => Assert.Contains("answered HTTP 401: check resourceServers[].evidence.token", f.Message, StringComparison.Ordinal));
        Assert.Equal(8, outcome.Findings.Count(f => f.Subject is "finance" or "docs"));
    }

    /// <summary>
    /// Issue 22: RS-D is demonstrated by what a server does, not by what it answers. A server that carries a call out and asks the PDP
    /// afterwards (seen through its effects observer), and a server that serves nothing at all (every call refused, as if by authority),
    /// are neither of them RS-D; the second's refusals are INTERRUPTED, never passed.
    /// </summary>
    [Fact]
    public async Task AServerThatActsBeforeItAsks_AndOneThatServesNothing_AreNotRsD()
    {
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([Fault.RsActsThenAsks]), Ct, FaultSelfTests.FormConsent);
        using var refuser = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        refuser.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(403)
            .WithHeader("Content-Type", "application/json").WithHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"").WithBody("{\"error\":\"insufficient_scope\"}"));
        var actsFirst = reference.Target.ResourceServers.Single(r => r.Id == "finance");
        var nothing = actsFirst with { Id = "serves-nothing", Resource = $"http://127.0.0.1:{refuser.Ports[0]}/mcp", Evidence = null, Effects = null, Manifest = null, ManifestChange = null };
        var target = reference.Target with { ResourceServers = [actsFirst, nothing] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceServerSuite.Scenarios(), Ct, reference.Peers);

        Assert.Contains(outcome.Findings, f => f.Subject == "finance" && f.RequirementId == "MBO-RT-PEP-001" && f.Verdict == Verdict.Failed);
        Assert.All(outcome.Coordinate.ResourceServers, r => Assert.True(r.Tier < RsTier.D, $"{r.Id} is computed {r.Tier.Name()}"));
        var refusals = ResourceServerSuite.Scenarios().SelectMany(s => s.Checks).Where(c => c.Control is not null).Select(c => c.RequirementId).ToHashSet();
        Assert.DoesNotContain(outcome.Findings, f => f.Subject == "serves-nothing" && f.Verdict == Verdict.Passed && refusals.Contains(f.RequirementId));
        Assert.Equal(RsTier.None, outcome.Coordinate.ResourceServers.Single(r => r.Id == "serves-nothing").Tier);
    }

    [Fact]
    public async Task AnUnreachableServer_IsInterrupted_WithItsUrl()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var gone = reference.Target.ResourceServers[0] with { Id = "gone", Resource = "http://127.0.0.1:9/mcp" };
        var target = reference.Target with { ResourceServers = [gone] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceServerSuite.Scenarios(), Ct, reference.Peers);

        var findings = outcome.Findings.Where(f => f.Subject == "gone").ToList();
        Assert.Equal(ResourceServerSuite.Scenarios().Sum(s => s.Requirements.Count), findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("http://127.0.0.1:9/mcp", f.Message, StringComparison.Ordinal));
        Assert.Equal(RsTier.None, outcome.Coordinate.ResourceServers.Single(r => r.Id == "gone").Tier);
    }

    [Fact]
    public async Task AServerAnsweringTwoHundredWithoutJsonRpc_IsInterrupted_NeverCountedAsRefusing()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        using var garbage = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        garbage.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>all good</html>"));
        var target = reference.Target with { ResourceServers = [reference.Target.ResourceServers[0] with { Id = "garbage", Resource = $"http://127.0.0.1:{garbage.Ports[0]}/mcp" }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceServerSuite.Scenarios(), Ct, reference.Peers);

        var findings = outcome.Findings.Where(f => f.Subject == "garbage").ToList();
        Assert.Equal(ResourceServerSuite.Scenarios().Sum(s => s.Requirements.Count), findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("not a JSON-RPC 2.0 response", f.Message, StringComparison.Ordinal));
        Assert.Equal(RsTier.None, outcome.Coordinate.ResourceServers.Single().Tier);
    }

    /// <summary>
    /// The target-file path a user takes: fixtures/targets/reference.json (ports rewritten to free ones),
    /// the reference servers started beforehand trusting the peers' configured ports, the peers started by
    /// the session where the file says.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TargetFile_WithPreconfiguredResourceServersResourceAsAndPdp_TheSessionStartsThePeersTheyTrust_AndTheyReachRsD(bool withAuthorizationServer)
    {
        var (asPort, pdpPort) = (LoopbackPort.Free(), LoopbackPort.Free());
        await using var authorizationServer = await MissionConformance.Reference.ReferenceStack.StartAsync(new MissionConformance.Reference.ReferenceStackOptions(), Ct);
        var servers = new List<ReferenceResourceServer>();
        await using var resourceAs = await MissionConformance.Reference.ResourceAs.ReferenceResourceAs.StartAsync(new MissionConformance.Reference.ResourceAs.ResourceAsOptions
        {
            TrustedOrigin = new Uri($"http://127.0.0.1:{asPort}/"), Resources = [MissionConformance.Reference.Configuration.ResourceCatalogue.WorkflowResource],
            // As serve-ras --projection starts it, which the file's "projectionIssuer": true declares.
            Projection = MissionConformance.Reference.ResourceAs.ProjectionSettings.For(MissionConformance.Reference.Configuration.TestPrincipals.WorkflowProjectionIssuer,
                MissionConformance.Reference.Configuration.ResourceCatalogue.WorkflowResource),
        }, Ct);
        // As serve-pdp --trust starts it.
        await using var pdp = await MissionConformance.Reference.Pdp.ReferencePdp.StartAsync(new MissionConformance.Reference.Pdp.PdpOptions { TrustedIssuer = new Uri($"http://127.0.0.1:{asPort}/") }, Ct);
        var file = Path.Combine(Path.GetTempPath(), $"rs-target-{Guid.NewGuid():N}.json");
        try
        {
            var text = ExampleTarget.Text()
                .Replace("http://127.0.0.1:5099/", authorizationServer.Issuer.AbsoluteUri, StringComparison.Ordinal)
                .Replace("\"authorizationServerPort\": 5201", $"\"authorizationServerPort\": {asPort}", StringComparison.Ordinal)
                .Replace("\"pdpPort\": 5202", $"\"pdpPort\": {pdpPort}", StringComparison.Ordinal)
                .Replace("\"receiverPort\": 5204", $"\"receiverPort\": {LoopbackPort.Free()}", StringComparison.Ordinal)
                .Replace("http://127.0.0.1:5203/", resourceAs.Issuer.AbsoluteUri, StringComparison.Ordinal)
                .Replace("http://127.0.0.1:5205/", pdp.BaseUrl.AbsoluteUri, StringComparison.Ordinal);
            foreach (var (profile, port) in ResourceServerProfile.All.Zip(ExamplePorts))
            {
                var server = await ReferenceResourceServer.StartAsync(new ResourceServerOptions
                {
                    Profile = profile, TrustedIssuer = new Uri($"http://127.0.0.1:{asPort}/"), Pdp = new Uri($"http://127.0.0.1:{pdpPort}/"), MaxStaleSeconds = 3,
                }, Ct);
                servers.Add(server);
                text = text.Replace($"http://127.0.0.1:{port}/", server.BaseUrl.AbsoluteUri, StringComparison.Ordinal);  // its MCP endpoint and evidence export
            }
            if (!withAuthorizationServer)
            {
                // A Resource Server tested alone (issue 5): no AS in the file, the harness plays every peer.
                var alone = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
                alone.Remove("authorizationServers");
                text = alone.ToJsonString();
            }
            File.WriteAllText(file, text);
            await using var session = await TargetSession.OpenAsync(file, null);

            var outcome = await session.RunAsync([.. ResourceServerSuite.Scenarios(), .. ResourceAsSuite.Scenarios(), .. PdpSuite.Scenarios()], Ct);

            Assert.Equal($"http://127.0.0.1:{asPort}/", session.Peers!.AuthorizationServer.Issuer.AbsoluteUri);
            var broken = outcome.Findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Interrupted).Select(f => $"{f.RequirementId} at {f.Subject}: {f.Message}").ToList();
            Assert.True(broken.Count == 0, string.Join(Environment.NewLine, broken));
            Assert.Equal(["docs:D", "finance:D", "workflow:D"], outcome.Coordinate.ResourceServers.Select(r => $"{r.Id}:{r.Tier}").Order());
            Assert.True(Assert.Single(outcome.Coordinate.ResourceAses).Validates);
            Assert.Equal(ResourceAsSuite.Scenarios().Sum(s => s.Requirements.Count), outcome.Findings.Count(f => f.Subject == "workflow-ras" && f.Verdict == Verdict.Passed));
            Assert.True(Assert.Single(outcome.Coordinate.Pdps).Decides);
            Assert.Equal(PdpSuite.Scenarios().Sum(s => s.Requirements.Count), outcome.Findings.Count(f => f.Subject == "reference-pdp" && f.Verdict == Verdict.Passed));
            // Only the Resource Server, Resource AS and PDP scenarios ran, so no domain tier was demonstrated either way.
            Assert.Equal("L0 · RS-D · none", outcome.Coordinate.Label);
            Assert.Equal(withAuthorizationServer ? authorizationServer.Issuer.AbsoluteUri : "(no authorization server)", outcome.Issuer);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
            File.Delete(file);
        }
    }

    /// <summary>The ports fixtures/targets/reference.json gives the finance, docs and workflow servers.</summary>
    private static readonly int[] ExamplePorts = [5101, 5102, 5103];
}
