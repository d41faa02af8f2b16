using MissionConformance.Harness.Schemas;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Suites.Runner;

namespace MissionConformance.Suites.Tests;

public sealed class ReportTests
{
    [Fact]
    public async Task Report_ForAFaultyTarget_HasFiveFilesAValidJsonAndNoCredential()
    {
        await using var reference = await EmbeddedReference.StartAsync(new FaultSet([Fault.RefreshAfterRevoke]), TestContext.Current.CancellationToken);
        var outcome = await ConformanceRun.RunAsync(reference.Target, reference.Clock, reference.Wait, LevelOneSuite.Scenarios(), TestContext.Current.CancellationToken);
        var root = Path.Combine(Path.GetTempPath(), "mission-reports-" + Guid.NewGuid().ToString("N"));

        try
        {
            var folder = ReportWriter.Write(outcome, root);

            Assert.Equal(["badge.svg", "junit.xml", "report.html", "report.json", "wire.har"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
            var json = File.ReadAllText(Path.Combine(folder, "report.json"));
            Assert.Empty(ArtifactSchemas.Validate(ArtifactKind.Report, json));
            Assert.Contains("\"MBO-AS-GATE-002\"", json, StringComparison.Ordinal);
            Assert.Contains("L0", File.ReadAllText(Path.Combine(folder, "badge.svg")), StringComparison.Ordinal);
            Assert.Contains("href=\"#MBO-AS-GATE-002\"", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
            Assert.Contains("<failure", File.ReadAllText(Path.Combine(folder, "junit.xml")), StringComparison.Ordinal);
            var secrets = TestPrincipals.Clients.Select(c => c.ClientSecret).OfType<string>().Concat(TestPrincipals.Accounts.Select(a => a.Password)).ToList();
            foreach (var file in Directory.GetFiles(folder))
            {
                var text = File.ReadAllText(file);
                Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
                Assert.DoesNotContain("\"access_token\":\"ey", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
                Assert.DoesNotContain("refresh_token=" + "ey", text, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
