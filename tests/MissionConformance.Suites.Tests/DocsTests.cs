using System.Text.RegularExpressions;
using MissionConformance.Cli;

namespace MissionConformance.Suites.Tests;

/// <summary>The docs people read (issue 20): a short README, generated numbers that match the code, links that lead somewhere.</summary>
public sealed partial class DocsTests
{
    private static readonly string Root = DocsCommand.FindRoot(AppContext.BaseDirectory)!;

    private static readonly string[] TopLevelPages = ["README.md", "CONTRIBUTING.md"];

    [Fact]
    public void GeneratedBlocks_MatchTheCode()
    {
        Assert.True(DocsCommand.Stale(Root) is { Count: 0 }, "out of date, run `mission-conformance docs`: " + string.Join(", ", DocsCommand.Stale(Root)));
    }

    [Fact]
    public void Readme_IsAtMost150Lines()
    {
        Assert.InRange(File.ReadAllLines(Path.Combine(Root, "README.md")).Length, 1, 150);
    }

    [Fact]
    public void RelativeLinks_LeadToFiles()
    {
        var pages = TopLevelPages.Select(f => Path.Combine(Root, f))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));
        var broken = pages
            .SelectMany(page => RelativeLink().Matches(File.ReadAllText(page)).Select(m => (Page: page, Target: m.Groups[1].Value)))
            .Where(l => !File.Exists(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(l.Page)!, l.Target.Split('#')[0]))))
            .Select(l => $"{Path.GetRelativePath(Root, l.Page)} -> {l.Target}")
            .ToList();

        Assert.Empty(broken);
    }

    /// <summary>A Markdown link to a file of the repository: not a URL, not a bare anchor.</summary>
    [GeneratedRegex(@"\]\((?!https?:|#|mailto:)([^)\s]+)\)")]
    private static partial Regex RelativeLink();
}
