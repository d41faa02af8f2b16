using MissionConformance.Embedded;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Reports;
using MissionConformance.Harness.Runner;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The MAS topology's bad inputs (mas.md): a projection issuer that cannot be reached or refuses the MAS's grant is
/// INTERRUPTED with the reason and never shown to project; the report names each projection issuer and the MAS tier
/// without a credential or token; and a target without projection issuers is judged in the default topology.
/// </summary>
public sealed class MissionAuthoritySelfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<Scenario> MasScenarios => [.. LevelOneSuite.Scenarios().Where(s => s.Id.StartsWith("mas.", StringComparison.Ordinal))];

    private static Task<EmbeddedReference> StartAsync(params Fault[] faults)
        => EmbeddedReference.StartAsync(new FaultSet(faults), Ct, FaultSelfTests.FormConsent, withResourceServers: false, withProjectionIssuers: true);

    [Fact]
    public void TheEmbeddedTarget_GivesTheHarnessNoProjectionIssuersCredentials_AndOneStatusClientPerAudience()
    {
        var server = EmbeddedReference.TargetFor(new Uri("http://127.0.0.1:1/"), "embedded", FaultSelfTests.FormConsent).AuthorizationServer;

        Assert.DoesNotContain(server.Clients, c => Reference.Configuration.TestPrincipals.IsProjectionIssuer(c.ClientId));
        Assert.Equal(server.StatusClients.Count, server.StatusClients.Select(c => c.Audience).Distinct().Count());
    }

    [Fact]
    public async Task AMasThatRateLimitsTheStatusClient_IsAskedAgainAfterRetryAfter_NotFailed()
    {
        await using var reference = await StartAsync();
        var server = reference.Target.AuthorizationServer;
        using var http = new HttpClient();
        var client = await Harness.OAuth.MissionClient.DiscoverAsync(http, server.Issuer, Ct, reference.Clock);
        var admin = server.Client("admin")!;
        // Another scenario's burst (MBO-MS-016) keeps the window of the status client the scenario asks with (the first whose
        // audience the Intent names) spent until 3 s after the scenario's Mission is active, so its question is refused whenever
        // its consent ends (on a loaded machine it outlasts a window), and its retry after Retry-After, the burst over, is served.
        var resources = reference.Target.Edition.Resources(server.Intent);
        var caller = server.StatusClients.First(c => resources.Contains(c.Audience!));
        async Task<bool> SpendWindowAsync(CancellationToken ct)
        {
            for (var i = 0; i <= Reference.Endpoints.StatusRateLimiter.Limit; i++)
            {
                var answer = await client.MissionStatusAsync(client.Metadata.MissionStatusEndpoint!, caller.Credentials, "msn_not_held", caller.Audience!,
                    Harness.OAuth.MissionClient.NewNonce(), ct);
                if (answer.Status == System.Net.HttpStatusCode.TooManyRequests) return true;
            }
            return false;
        }
        // Spent before the run starts, so a fast run meets a full window too, and kept spent while it runs.
        Assert.True(await SpendWindowAsync(Ct));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var burst = Task.Run(async () =>
        {
            DateTimeOffset? activeSince = null;
            for (var pass = 0; activeSince is null || DateTimeOffset.UtcNow - activeSince < TimeSpan.FromSeconds(3); pass++)
            {
                await SpendWindowAsync(stop.Token);
                if (activeSince is null && pass % 5 == 0
                    && (await client.InventoryAsync(admin.Credentials, null, null, stop.Token)).Body.Contains("\"state\":\"active\"", StringComparison.Ordinal))
                {
                    activeSince = DateTimeOffset.UtcNow;
                }
            }
        }, stop.Token);

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, [MasScenarios[0]], Ct);
        await stop.CancelAsync();  // the run is over: a burst still waiting for an activation that never came stops too
        try
        {
            await burst;
        }
        catch (OperationCanceledException)
        {
            // stopped mid-pass
        }

        var finding = Assert.Single(outcome.Findings, f => f.RequirementId == "MBO-MAS-004");
        Assert.True(finding.Verdict == Verdict.Passed, finding.Message);
        Assert.Contains(outcome.Wire.Exchanges, x => x.Status == 429);
    }

    [Fact]
    public async Task AnUnreachableProjectionIssuer_IsInterrupted_WithItsUrl_AndDoesNotProject()
    {
        await using var reference = await StartAsync();
        var server = reference.Target.AuthorizationServer;
        var target = reference.Target with { AuthorizationServers = [server with { ProjectionIssuers = [server.ProjectionIssuers[0] with { Id = "gone", Issuer = new Uri("http://127.0.0.1:9/") }] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, MasScenarios, Ct);

        var findings = outcome.Findings.Where(f => f.Subject == "gone").ToList();
        Assert.Equal(["MBO-MAS-001", "MBO-MAS-002"], findings.Select(f => f.RequirementId).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("projection issuer gone at http://127.0.0.1:9/ cannot be used", f.Message, StringComparison.Ordinal));
        Assert.Equal([new ProjectionIssuerStanding("gone", false)], outcome.Coordinate.ProjectionIssuers);
        // Folded into the MAS: what no consuming domain demonstrates, the MAS does not either.
        Assert.Equal(Verdict.Interrupted, new CoordinateCalculator(RequirementCatalogue.Default).FoldProjectionIssuers(outcome.Verdicts, outcome.Issuer, ["gone"])[("MBO-MAS-002", outcome.Issuer)]);
    }

    [Fact]
    public async Task AProjectionIssuerWhoseMetadataBreaksTheSchema_IsInterrupted_WithTheSchemaErrors_AndNothingIsPresented()
    {
        await using var reference = await StartAsync();
        using var garbage = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        var issuer = $"http://127.0.0.1:{garbage.Ports[0]}/";
        garbage.Given(WireMock.RequestBuilders.Request.Create().WithPath("/.well-known/oauth-authorization-server").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"issuer":"{{issuer}}","token_endpoint":"{{issuer}}token","jwks_uri":7}"""));
        var server = reference.Target.AuthorizationServer;
        var target = reference.Target with { AuthorizationServers = [server with { ProjectionIssuers = [server.ProjectionIssuers[0] with { Id = "garbage", Issuer = new Uri(issuer) }] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, MasScenarios, Ct);

        var findings = outcome.Findings.Where(f => f.Subject == "garbage").ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("breaks as-metadata.schema.json: /jwks_uri", f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(garbage.LogEntries, l => l.RequestMessage?.Path == "/token");
    }

    [Fact]
    public async Task AProjectionIssuerThatRefusesTheMasGrant_IsInterrupted_NamingWhatToCheck_AndTheWireLogHoldsNoCredential()
    {
        await using var reference = await StartAsync();
        var server = reference.Target.AuthorizationServer;
        var target = reference.Target with { AuthorizationServers = [server with { ProjectionIssuers = [server.ProjectionIssuers[0] with { Secret = "not-its-secret" }] }] };

        var outcome = await ConformanceRun.RunAsync(target, reference.Clock, reference.Wait, MasScenarios, Ct);

        var findings = outcome.Findings.Where(f => f.Subject == "workflow-pi").ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Verdict.Interrupted, f.Verdict));
        Assert.All(findings, f => Assert.Contains("workflow-pi refused the MAS's ID-JAG (HTTP 401 invalid_client", f.Message, StringComparison.Ordinal));
        var redemptions = outcome.Wire.Exchanges.Where(x => x.Url.StartsWith(server.ProjectionIssuers[0].Issuer.AbsoluteUri, StringComparison.Ordinal) && x.Url.EndsWith("/token", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(redemptions);
        Assert.All(redemptions, x => Assert.Contains(x.RequestHeaders, h => h.Key == "Authorization" && h.Value == "Basic " + Harness.Wire.Redactor.Mark));
        Assert.All(redemptions, x => Assert.DoesNotContain("eyJ", x.RequestBody ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheReport_NamesTheMasTier_AndEachProjectionIssuer_WithoutItsCredentialsOrTokens()
    {
        await using var reference = await StartAsync(Fault.MasRevocationNotPropagated);
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, MasScenarios, Ct);
        var root = Path.Combine(Path.GetTempPath(), "mission-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = ReportWriter.Write(outcome, root);

            var json = File.ReadAllText(Path.Combine(folder, "report.json"));
            Assert.Empty(Harness.Schemas.ArtifactSchemas.Validate(Harness.Schemas.ArtifactKind.Report, json));
            var coordinate = System.Text.Json.Nodes.JsonNode.Parse(json)!["coordinate"]!;
            Assert.Equal([("workflow-pi", false), ("docs-pi", false)],
                coordinate["projection_issuers"]!.AsArray().Select(p => ((string?)p!["id"], (bool?)p["projects"])));
            Assert.NotNull((string?)coordinate["mas_tier"]);
            // One spelling of a tier in report.json (issue 23): the AD tier as the label and mas_tier write it.
            Assert.Equal((string?)coordinate["mas_tier"], (string?)coordinate["ad_tier"]);
            Assert.Matches("^(none|AD-[123])$", (string?)coordinate["ad_tier"]);
            Assert.Contains("<table id=\"projection-issuers\">", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
            foreach (var file in Directory.GetFiles(folder))
            {
                var text = File.ReadAllText(file);
                Assert.All(reference.Target.AuthorizationServer.ProjectionIssuers, p => Assert.DoesNotContain(p.Secret, text, StringComparison.Ordinal));
                // Signed statements (Mission Status, lifecycle answers) are evidence; no credential is: no access token, ID-JAG or proof.
                Assert.Empty(Credentials(text));
                Assert.DoesNotContain("prt_", text, StringComparison.Ordinal);  // the projection issuers' refresh tokens
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The compact JWS in <paramref name="text"/> (or its URL-encoded form) that are credentials, by their typ.</summary>
    private static List<string> Credentials(string text)
        => [.. System.Text.RegularExpressions.Regex.Matches(Uri.UnescapeDataString(text), @"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+")
            .Select(m => System.Text.Json.JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(m.Value.Split('.')[0])).RootElement)
            .Select(header => header.TryGetProperty("typ", out var typ) ? typ.GetString() ?? "" : "(no typ)")
            .Where(typ => typ is "at+jwt" or "oauth-id-jag+jwt" or "dpop+jwt" or "JWT" or "(no typ)")];

    [Fact]
    public async Task WithoutProjectionIssuers_TheMasRequirementsDoNotApply()
    {
        await using var reference = await EmbeddedReference.StartAsync(FaultSet.None, Ct, FaultSelfTests.FormConsent, withResourceServers: false);

        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, MasScenarios, Ct);

        Assert.Empty(reference.Target.AuthorizationServer.ProjectionIssuers);
        var finding = Assert.Single(outcome.Findings, f => f.RequirementId.StartsWith("MBO-MAS-", StringComparison.Ordinal));
        Assert.Equal(("MBO-MAS-004", Verdict.Skipped), (finding.RequirementId, finding.Verdict));
        Assert.Contains("declares no projectionIssuers", finding.Message, StringComparison.Ordinal);
        Assert.False(outcome.Coordinate.IsMissionAuthority);
    }
}

/// <summary>MBO-MAS-006's check on SETs that must not count: each is named, and a transition without a valid SET is not demonstrated.</summary>
public sealed class LifecycleEventCheckTests
{
    private const string Issuer = "https://as.example/";
    private const string Audience = "https://finance.example/mcp";

    [Fact]
    public void UnsignedMistypedOrMisaddressedSets_DoNotCount_AndAreNamed()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var signing = new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key) { KeyId = "k1" };
        var jwks = Harness.Crypto.PublicJwks.Of(key, "k1").ToJsonString();
        string Set(string state, string typ = "secevent+jwt", string aud = Audience, Microsoft.IdentityModel.Tokens.SecurityKey? by = null)
            => new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
                new System.Text.Json.Nodes.JsonObject
                {
                    ["iss"] = Issuer, ["aud"] = aud, ["iat"] = 1780003600, ["jti"] = $"set-{state}-{typ}",
                    ["events"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["urn:example:lifecycle"] = new System.Text.Json.Nodes.JsonObject
                        {
                            ["mission"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "msn_1", ["origin"] = Issuer }, ["state"] = state,
                        },
                    },
                }.ToJsonString(),
                new Microsoft.IdentityModel.Tokens.SigningCredentials(by ?? signing, "ES256"), new Dictionary<string, object> { ["typ"] = typ });
        using var stray = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var received = new List<Harness.Peers.ReceivedEvent>
        {
            new("application/secevent+jwt", Set("revoked"), now),
            new("application/jwt", Set("suspended"), now),
            new("application/secevent+jwt", Set("completed", typ: "JWT"), now),
            new("application/secevent+jwt", Set("expired", aud: "https://other.example/"), now),
            new("application/secevent+jwt", Set("expired", by: new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(stray) { KeyId = "k1" }), now),
        };
        ExpectedEvent[] expected = [new("revoke", "msn_1", "revoked"), new("suspend", "msn_1", "suspended"), new("complete", "msn_1", "completed"), new("expiry", "msn_1", "expired")];

        var judgement = new LifecycleEventsEmitted().Judge(new LifecycleEventEvidence(Issuer, Audience, jwks, expected, received));

        Assert.False(judgement.Holds);
        Assert.DoesNotContain("revoke of msn_1", judgement.Message, StringComparison.Ordinal);
        Assert.Contains("suspend of msn_1", judgement.Message, StringComparison.Ordinal);
        Assert.Contains("not application/secevent+jwt", judgement.Message, StringComparison.Ordinal);
        Assert.Contains("typ JWT, not secevent+jwt", judgement.Message, StringComparison.Ordinal);
        Assert.Contains("not the receiver's audience", judgement.Message, StringComparison.Ordinal);
        Assert.Contains("does not verify", judgement.Message, StringComparison.Ordinal);
        Assert.True(new LifecycleEventsEmitted().Judge(new LifecycleEventEvidence(Issuer, Audience, jwks, [expected[0]], received)).Holds);
    }
}

/// <summary>MBO-MAS-001 checks each token response a projection issuer gave against token-response.schema.json: the refresh's as well as the first.</summary>
public sealed class ProjectedTokenResponseSchemaTests
{
    private const string Mas = "https://mas.example/";

    /// <summary>A token response as the client captures it: validated against token-response.schema.json.</summary>
    private static Harness.OAuth.WireResponse Ok(string body) => new(System.Net.HttpStatusCode.OK, "application/json", "no-store", body)
    {
        Artifact = Harness.Schemas.CapturedArtifact.Validate(Harness.Schemas.ArtifactKind.TokenResponse, body),
    };

    private static string Response(bool withDetails)
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
            """{"iss":"https://pi.example/","mission":{"id":"msn_ABCDEFGHIJKLMNOPQRSTUVWX","origin":"https://mas.example/"}}""");
        var details = withDetails
            ? ""","authorization_details":[{"type":"mission_resource_access","resource":"https://rs.example/mcp","actions":["create_doc"]}]"""
            : "";
        return $$"""{"access_token":"{{token}}","token_type":"DPoP","expires_in":300{{details}}}""";
    }

    [Fact]
    public void ARefreshResponseThatBreaksTheSchema_FailsMas001_NamingTheRefresh()
    {
        var check = new Checks.ProjectedCredentialsNameTheMas();

        var valid = check.Judge(new Checks.MasProjectionEvidence("workflow-pi", Mas, "msn_1", Ok(Response(true)), Ok(Response(true)), null, null));
        var brokenRefresh = check.Judge(new Checks.MasProjectionEvidence("workflow-pi", Mas, "msn_1", Ok(Response(true)), Ok(Response(false)), null, null));

        Assert.True(valid.Holds, valid.Message);
        Assert.False(brokenRefresh.Holds);
        Assert.StartsWith("workflow-pi's refresh response breaks token-response.schema.json", brokenRefresh.Message, StringComparison.Ordinal);
    }
}
