using System.Xml.Linq;
using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The projects depend one way: the harness on nothing of ours, the suite implementers run on the harness alone, and
/// only the embedded stack, the CLI and the tests reach the reference servers (issue 20).
/// </summary>
public sealed class LayeringTests
{
    private static readonly DirectoryInfo Root = new(RepositoryRoot.Path);

    [Theory]
    [InlineData("harness/MissionConformance.Harness/MissionConformance.Harness.csproj", new string[0])]
    [InlineData("suites/MissionConformance.Suites/MissionConformance.Suites.csproj", new[] { "MissionConformance.Harness" })]
    [InlineData("reference/MissionConformance.Reference/MissionConformance.Reference.csproj", new string[0])]
    [InlineData("reference/MissionConformance.Embedded/MissionConformance.Embedded.csproj", new[] { "MissionConformance.Harness", "MissionConformance.Reference" })]
    public void ProjectReferencesOnlyItsLayer(string project, string[] expected)
    {
        var references = XDocument.Load(Path.Combine(Root.FullName, project)).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), references);
    }

    [Fact]
    public void SuiteAndHarnessAssembliesLoadNothingOfTheReference()
    {
        foreach (var assembly in new[] { typeof(LevelOneSuite).Assembly, typeof(Scenario).Assembly })
        {
            var ours = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("MissionConformance.", StringComparison.Ordinal));
            Assert.DoesNotContain(ours, n => n.StartsWith("MissionConformance.Reference", StringComparison.Ordinal) || n.StartsWith("MissionConformance.Embedded", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Validation at capture (issue 20): the suite never calls the validator. Every artifact a check judges arrives validated by the
    /// harness call, decoder or peer that captured it (<c>CapturedArtifact</c>), so a new check cannot read an artifact that escaped it.
    /// </summary>
    [Fact]
    public void TheSuiteNeverValidates_ItReadsWhatTheCaptureLayerFound()
    {
        var suite = new DirectoryInfo(Path.Combine(Root.FullName, "suites", "MissionConformance.Suites"));
        var callers = suite.EnumerateFiles("*.cs", SearchOption.AllDirectories)
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f.FullName).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("ArtifactSchemas.", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(Root.FullName, l.File.FullName)}:{l.Line}")
            .ToList();

        Assert.True(suite.Exists);
        Assert.True(callers.Count == 0, "validates instead of reading the capture's result: " + string.Join(", ", callers));
    }
}
