using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Mcp;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>Resource Server checks on evidence no reference server produces: a manifest missing or served outside TLS, metadata that is not RFC 9728.</summary>
public sealed class RuntimeCheckTests
{
    private static readonly ToolProbe Tested = new("create_doc", new JsonObject { ["folder"] = "board-packets", ["title"] = "Q3 board packet" });

    private const string Manifest = """{"manifest_id":"m","issuer":"https://rs.example/","issued_at":"2026-11-23T10:00:00Z","action_classes_covered":["consequential_write"],"pep_locations":[{"pep_id":"p","kind":"reverse_proxy","covers":["create_doc"]}],"freshness_mode":"fresh","max_stale_seconds":0}""";

    [Fact]
    public void Manifest_MissingAtAServerClaimingRsD_FailsMf001_AndIsSkippedWithoutTheClaim()
    {
        var claimed = new ManifestPublished().Judge(new ManifestEvidence(null, null, ClaimsRsD: true, Tested, "https://rs.example/mcp"));
        var unclaimed = new ManifestPublished().Judge(new ManifestEvidence(null, null, ClaimsRsD: false, Tested, "https://rs.example/mcp"));

        Assert.False(claimed.Holds);
        Assert.Contains("resourceServers[].manifest", claimed.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Skipped, unclaimed.Explicit);
        Assert.Equal(Verdict.Skipped, new ManifestCoversTestedActions().Judge(new ManifestEvidence(null, null, true, Tested, "https://rs.example/mcp")).Explicit);
    }

    [Theory]
    [InlineData("http://rs.example/.well-known/mission-enforcement-scope", "application/json", false)]
    [InlineData("http://127.0.0.1:5102/.well-known/mission-enforcement-scope", "application/json", true)]
    [InlineData("https://rs.example/.well-known/mission-enforcement-scope", "text/plain", false)]
    [InlineData("https://rs.example/.well-known/mission-enforcement-scope", "application/json", true)]
    public void Manifest_NeedsTlsOffLoopback_AndApplicationJson(string url, string contentType, bool holds)
    {
        var evidence = new ManifestEvidence(url, new WireResponse(HttpStatusCode.OK, contentType, null, Manifest)
        {
            Artifact = CapturedArtifact.Validate(ArtifactKind.EnforcementManifest, Manifest),
        }, true, Tested, "https://rs.example/mcp");

        Assert.Equal(holds, new ManifestPublished().Judge(evidence).Holds);
    }

    [Fact]
    public void ResourceMetadata_ThatIsNotRfc9728_FailsMcp004_NamingThePointer()
    {
        var challenge = new McpResponse(new WireResponse(HttpStatusCode.Unauthorized, "application/json", null, "{}"),
            "Bearer resource_metadata=\"https://rs.example/.well-known/oauth-protected-resource/mcp\"");
        static WireResponse Metadata(string servers) => Captured(ArtifactKind.ProtectedResourceMetadata,
            $$"""{"resource":"https://rs.example/mcp","authorization_servers":{{servers}}}""");

        var valid = new ResourceMetadataAdvertised().Judge(new ProtectedResourceEvidence(challenge, Metadata("[\"https://as.example/\"]"), "https://rs.example/mcp", "https://as.example/"));
        var invalid = new ResourceMetadataAdvertised().Judge(new ProtectedResourceEvidence(challenge, Metadata("\"https://as.example/\""), "https://rs.example/mcp", "https://as.example/"));
        var unvalidated = new ResourceMetadataAdvertised().Judge(new ProtectedResourceEvidence(challenge,
            new WireResponse(HttpStatusCode.OK, "application/json", null, """{"resource":"https://rs.example/mcp","authorization_servers":"https://as.example/"}"""), "https://rs.example/mcp", "https://as.example/"));

        Assert.True(valid.Holds, valid.Message);
        Assert.False(invalid.Holds);
        Assert.Contains("/authorization_servers", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Interrupted, unvalidated.Explicit);  // metadata that escaped validation at capture is a harness error, never a pass
    }

    /// <summary>A 200 JSON answer as the capture layer hands it on: validated as <paramref name="kind"/>.</summary>
    private static WireResponse Captured(ArtifactKind kind, string body)
        => new(HttpStatusCode.OK, "application/json", null, body) { Artifact = CapturedArtifact.Validate(kind, body) };

    [Fact]
    public void Manifest_CoversTheTestedTool_ByNameOrToolId_NotAnotherTool()
    {
        var resource = "https://rs.example/mcp";
        WireResponse Served(string covers) => Captured(ArtifactKind.EnforcementManifest, Manifest.Replace("[\"create_doc\"]", covers, StringComparison.Ordinal));

        Assert.True(new ManifestCoversTestedActions().Judge(new ManifestEvidence(resource, Served("[\"create_doc\"]"), true, Tested, resource)).Holds);
        Assert.True(new ManifestCoversTestedActions().Judge(new ManifestEvidence(resource, Served($"[\"{resource}#create_doc\"]"), true, Tested, resource)).Holds);
        Assert.False(new ManifestCoversTestedActions().Judge(new ManifestEvidence(resource, Served("[\"delete_doc\"]"), true, Tested, resource)).Holds);
    }

    [Theory]
    [InlineData(null, 2.0, "passed")]      // the first request after the change was already refused, within 3 s + 1 s slack
    [InlineData(1.0, 2.5, "passed")]       // served at 1 s, refused at 2.5 s
    [InlineData(4.5, 4.75, "failed")]      // a request sent 4.5 s after the change was still served
    [InlineData(1.0, 4.5, "interrupted")]  // nothing sent between 1 s and 4.5 s: when refusing began is not known
    public void MaxStale_FailsOnlyARequestServedPastTheBound_AndCannotJudgeAnUnprobedWindow(double? lastServed, double firstRefused, string verdict)
    {
        var refused = new McpResponse(new WireResponse(HttpStatusCode.Unauthorized, "application/json", null, "{}"), "Bearer error=\"invalid_token\"");
        var change = new StateChange("revoked", true, TimeSpan.FromSeconds(firstRefused), refused) { LastServed = lastServed is { } s ? TimeSpan.FromSeconds(s) : null };

        var judgement = new RsHonoursMaxStale().Judge(new StateChangeEvidence([change], MaxStaleSeconds: 3));

        var actual = judgement.Explicit switch { Verdict.Interrupted => "interrupted", _ => judgement.Holds == true ? "passed" : "failed" };
        Assert.True(verdict == actual, $"{verdict} expected, {actual}: {judgement.Message}");
    }
}
