using System.Text.RegularExpressions;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Engine;

namespace MissionConformance.Harness.Tests;

/// <summary>
/// Every requirement the catalogue notes for a later edition quotes that edition's normative sentence; the quote must still
/// appear, word for word (whitespace aside), in the pinned draft (../shared/spec/editions/&lt;edition&gt;/), so a draft update
/// shows which requirements moved. The author's own conformance manifest guards against drift the same way.
/// </summary>
public sealed partial class EditionQuoteTests
{
    public static TheoryData<string, string> Notes()
    {
        var data = new TheoryData<string, string>();
        foreach (var requirement in RequirementCatalogue.Default.All)
        {
            foreach (var edition in requirement.Editions.Keys) data.Add(requirement.Id, edition);
        }
        return data;
    }

    [Fact]
    public void TheCatalogue_NotesTheIetfEdition_ForTheRequirementsWhoseVerdictItChanges()
    {
        Assert.Contains(RequirementCatalogue.Default.All, r => r.In(Edition.IetfName) is { Applies: false });
        Assert.All(RequirementCatalogue.Default.All.SelectMany(r => r.Editions.Keys), name => Assert.NotNull(Edition.Named(name)));
    }

    [Fact]
    public void ANoteThatChangesTheVerdict_SaysWhatDiffers()
    {
        var silent = RequirementCatalogue.Default.All
            .SelectMany(r => r.Editions.Select(e => (r.Id, Edition: e.Key, Note: e.Value)))
            .Where(x => (!x.Note.Applies || x.Note.Keyword is not null) && string.IsNullOrWhiteSpace(x.Note.Differs))
            .Select(x => $"{x.Id} in {x.Edition}")
            .ToList();

        Assert.Empty(silent);
    }

    [Theory]
    [MemberData(nameof(Notes))]
    public void TheQuote_StillAppearsInThePinnedDraft(string requirementId, string edition)
    {
        var note = RequirementCatalogue.Default[requirementId].In(edition)!;
        var drafts = Path.GetFullPath(Path.Combine(TargetLoaderTests.FindRoot(), "..", "shared", "spec", "editions", edition));
        if (!Directory.Exists(drafts))
        {
            // Under CI the drafts are beside the clone; elsewhere a checkout without them cannot tell.
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"the pinned drafts of {edition} are not at {drafts}");
            Assert.Skip($"the pinned drafts of {edition} are not at {drafts}");
        }
        var path = Path.Combine(drafts, note.Doc);
        Assert.True(File.Exists(path), $"{requirementId} cites {note.Doc}, which is not among the pinned drafts of {edition}");

        Assert.Contains(Flat(note.Quote), Flat(File.ReadAllText(path)), StringComparison.Ordinal);
    }

    private static string Flat(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
