using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// design.md principle 6 for the Resource AS: against the reference Resource AS started with one fault, the
/// Resource AS scenarios fail exactly the requirement ids the fault declares, and a fault breaking an MBO-RAS MUST leaves
/// the Resource AS no longer demonstrating AD-2 validation (so the level, which rests on every consuming domain, cannot pass L1).
/// </summary>
public sealed class ResourceAsFaultSelfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Faults => new(FaultCatalogue.All.Where(f => f.Site == FaultSite.ResourceAs).Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_FailsExactlyItsDeclaredRequirements_AndValidationFallsWithAnyRasMust(string name)
    {
        var fault = FaultCatalogue.Find(name)!;
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([fault.Fault]), Ct, FaultSelfTests.FormConsent);

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        var ras = Assert.Single(reference.Target.ResourceAses);
        var findings = outcome.Findings.Where(f => f.Subject == ras.Id).ToList();
        Assert.DoesNotContain(findings, f => f.Verdict is Verdict.Interrupted or Verdict.Review);
        var broken = findings.Where(f => f.Verdict is Verdict.Failed or Verdict.Warning).Select(f => f.RequirementId).Order(StringComparer.Ordinal).ToList();
        Assert.True(fault.RequirementIds.Order(StringComparer.Ordinal).SequenceEqual(broken),
            $"{name} declares [{string.Join(", ", fault.RequirementIds)}] but the suite broke [{string.Join(", ", broken)}]:{Environment.NewLine}"
            + string.Join(Environment.NewLine, findings.Where(f => f.Verdict == Verdict.Failed).Select(f => $"  {f.RequirementId} {f.Message}")));
        // Receiving-domain validation rests on the MBO-RAS MUSTs; a projection issuer's SHOULD (MBO-MAS-003) is reported beside it.
        var breaksValidation = fault.RequirementIds.Any(id => RequirementCatalogue.Default[id] is { Feature: DomainFeatures.ResourceAs, IsMandatory: true });
        Assert.Equal(!breaksValidation, Assert.Single(outcome.Coordinate.ResourceAses).Validates);
        if (breaksValidation)
        {
            Assert.Contains(outcome.Coordinate.Reasons, r => r.StartsWith($"AD-2 receiving-domain validation not demonstrated at Resource AS {ras.Id}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task FaultFree_EveryRequirementPasses_AndTheResourceAsValidates()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        var ras = Assert.Single(reference.Target.ResourceAses);
        var findings = outcome.Findings.Where(f => f.Subject == ras.Id).ToList();
        Assert.Equal(ResourceAsSuite.Scenarios().Sum(s => s.Requirements.Count), findings.Count);
        Assert.All(findings, f => Assert.True(f.Verdict == Verdict.Passed, $"{f.RequirementId} {f.Verdict}: {f.Message}"));
        Assert.True(Assert.Single(outcome.Coordinate.ResourceAses).Validates);
    }

    [Fact]
    public async Task AResourceAsNotDeclaredAProjectionIssuer_IsNotJudgedOnFailingClosed_AndStillValidates()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var target = reference.Target with { ResourceAses = [reference.Target.ResourceAses[0] with { ProjectionIssuer = false }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        var masOutage = Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-MAS-003");
        Assert.Equal(Verdict.Skipped, masOutage.Verdict);
        Assert.Contains("projectionIssuer is not set", masOutage.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Wire.Exchanges, x => x.Scenario == "resource-as.mas-outage");
        Assert.True(Assert.Single(outcome.Coordinate.ResourceAses).Validates);
    }

    [Fact]
    public async Task AnUnreachableResourceAs_IsInterrupted_WithItsUrl_AndDoesNotValidate()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var target = reference.Target with { ResourceAses = [reference.Target.ResourceAses[0] with { Id = "gone", Issuer = new Uri("http://127.0.0.1:9/") }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        Assert.Equal(ResourceAsSuite.Scenarios().Sum(s => s.Requirements.Count), outcome.Findings.Count(f => f.Subject == "gone"));
        Assert.All(outcome.Findings.Where(f => f.Subject == "gone"), f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(outcome.Findings.Where(f => f.Subject == "gone"), f => Assert.Contains("unreachable at http://127.0.0.1:9/", f.Message, StringComparison.Ordinal));
        Assert.False(Assert.Single(outcome.Coordinate.ResourceAses).Validates);
    }

    [Fact]
    public async Task AResourceAsThatRefusesTheValidGrant_IsInterrupted_NamingWhatToCheck_NeverPassedOnItsRefusals()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        var target = reference.Target with { ResourceAses = [reference.Target.ResourceAses[0] with { Secret = "not-its-secret" }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        var findings = outcome.Findings.Where(f => f.Subject == "workflow-ras").ToList();
        Assert.Equal(ResourceAsSuite.Scenarios().Sum(s => s.Requirements.Count), findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("refused a valid ID-JAG from the harness's origin (HTTP 401 invalid_client", f.Message, StringComparison.Ordinal));
        // The wire log holds neither the client's credentials nor the ID-JAGs and proofs it presented.
        var redemptions = outcome.Wire.Exchanges.Where(x => x.Url.EndsWith("/token", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(redemptions);
        Assert.All(redemptions, x => Assert.Contains(x.RequestHeaders, h => h.Key == "Authorization" && h.Value == "Basic " + Harness.Wire.Redactor.Mark));
        Assert.All(redemptions, x => Assert.DoesNotContain("eyJ", x.RequestBody ?? "", StringComparison.Ordinal));
        Assert.All(redemptions, x => Assert.DoesNotContain(x.RequestHeaders, h => h.Key == "DPoP" && h.Value != Harness.Wire.Redactor.Mark));
    }

    [Fact]
    public async Task TheReport_NamesEachResourceAs_AndWhetherItValidates_WithoutItsCredentialsOrTokens()
    {
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([Fault.ResourceAsAcceptsReplayedJag]), Ct, FaultSelfTests.FormConsent);
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);
        var root = Path.Combine(Path.GetTempPath(), "mission-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = ReportWriter.Write(outcome, root);

            var json = File.ReadAllText(Path.Combine(folder, "report.json"));
            Assert.Empty(Harness.Schemas.ArtifactSchemas.Validate(Harness.Schemas.ArtifactKind.Report, json));
            var listed = System.Text.Json.Nodes.JsonNode.Parse(json)!["coordinate"]!["resource_authorization_servers"]!.AsArray().Single()!;
            Assert.Equal(("workflow-ras", false), ((string?)listed["id"], (bool?)listed["validates"]));
            Assert.Contains("<table id=\"resource-authorization-servers\">", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
            var ras = reference.Target.ResourceAses[0];
            foreach (var file in Directory.GetFiles(folder))
            {
                var text = File.ReadAllText(file);
                Assert.DoesNotContain(ras.Secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(ras.Introspection!.Secret, text, StringComparison.Ordinal);
                // No ID-JAG, proof or local token. The one JWS a report may show is a Mission Status answer the projection issuer was
                // given by the harness's MAS: a signed statement of state, which grants nothing.
                Assert.DoesNotContain("eyJ", System.Text.RegularExpressions.Regex.Replace(text, @"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
                    m => Harness.Crypto.DecodedJwt.Decode(m.Value).Header.GetProperty("typ").GetString() == SimulatedAuthorizationServer.StatusResponseType ? "" : m.Value), StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AResourceAsWhoseMetadataBreaksTheSchema_IsInterrupted_WithTheSchemaErrors()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent);
        using var garbage = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        var issuer = $"http://127.0.0.1:{garbage.Ports[0]}/";
        garbage.Given(WireMock.RequestBuilders.Request.Create().WithPath("/.well-known/oauth-authorization-server").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"issuer":"{{issuer}}","token_endpoint":"{{issuer}}token","jwks_uri":7}"""));
        var target = reference.Target with { ResourceAses = [reference.Target.ResourceAses[0] with { Id = "garbage", Issuer = new Uri(issuer) }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, ResourceAsSuite.Scenarios(), Ct, reference.Peers);

        var findings = outcome.Findings.Where(f => f.Subject == "garbage").ToList();
        Assert.Equal(ResourceAsSuite.Scenarios().Sum(s => s.Requirements.Count), findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("breaks as-metadata.schema.json: /jwks_uri", f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(garbage.LogEntries, l => l.RequestMessage?.Path == "/token");  // nothing is presented to a server that cannot be read
    }
}
