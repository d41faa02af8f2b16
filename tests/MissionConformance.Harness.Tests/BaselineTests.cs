using System.Text.Json;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Runner;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Tests;

/// <summary>run --baseline (issue 21 item 4): known failures accepted with their reasons, unlisted ones and stale entries counted.</summary>
public sealed class BaselineTests
{
    private const string As = "https://as.example/";

    private static RunOutcome Run(params (string Requirement, string Subject, Verdict Verdict)[] verdicts)
    {
        var findings = verdicts.Select(v => new Finding(v.Requirement, v.Verdict, $"{v.Requirement} {v.Verdict} at {v.Subject}", v.Subject, "scenario", [])).ToList();
        var target = new Target("t", Editions.Edition.Seed, [], Timeouts.Default, null);
        return new RunOutcome("r", target, As, "form", DateTimeOffset.UnixEpoch, TimeSpan.Zero, [], findings, SuiteRunner.Verdicts(findings),
            new CapabilityCoordinate(1, AdTier.Ad1, [], [], true), new Advertisement([], [], []), [], new WireLog(), null, JsonDocument.Parse("{}").RootElement);
    }

    private static Baseline File(string entries) => Baseline.Parse($$"""{"schema_version":"mission-conformance-baseline/1","entries":[{{entries}}]}""", "b.json");

    [Fact]
    public void AListedFailure_IsAccepted_WithItsReason_AndAnUnlistedOneIsNot()
    {
        var baseline = File("""{"requirement":"MBO-AS-TOK-007","verdict":"FAILED","reason":"exp beyond expires_at, upstream issue 12"}""");

        var comparison = baseline.Compare(Run(("MBO-AS-TOK-007", As, Verdict.Failed), ("MBO-AS-GATE-001", As, Verdict.Failed), ("MBO-AS-MD-007", As, Verdict.Passed)));

        var accepted = Assert.Single(comparison.Accepted);
        Assert.Equal("exp beyond expires_at, upstream issue 12", accepted.Reason);
        Assert.Equal("MBO-AS-GATE-001", Assert.Single(comparison.Unlisted).Requirement);
        Assert.False(comparison.Holds);
    }

    [Fact]
    public void AnEntryWhoseVerdictTheRunNoLongerShows_IsStale_ButOneTheRunDidNotJudge_IsNot()
    {
        var baseline = File("""
            {"requirement":"MBO-AS-TOK-007","verdict":"FAILED","reason":"a"},
            {"requirement":"MBO-AS-GATE-001","verdict":"INTERRUPTED","reason":"b"},
            {"requirement":"MBO-RS-C-001","subject":"finance","verdict":"FAILED","reason":"c"},
            {"requirement":"MBO-AS-MD-007","verdict":"FAILED","reason":"filtered out"}
            """);

        var comparison = baseline.Compare(Run(("MBO-AS-TOK-007", As, Verdict.Passed), ("MBO-AS-GATE-001", As, Verdict.Failed), ("MBO-RS-C-001", "docs", Verdict.Passed)));

        Assert.Equal(["MBO-AS-GATE-001", "MBO-AS-TOK-007", "MBO-RS-C-001"], comparison.Stale.Select(s => s.Entry.Requirement).Order(StringComparer.Ordinal));
        Assert.Contains("PASSED", comparison.Stale.Single(s => s.Entry.Requirement == "MBO-AS-TOK-007").Now, StringComparison.Ordinal);
        Assert.Contains("not judged at finance", comparison.Stale.Single(s => s.Entry.Requirement == "MBO-RS-C-001").Now, StringComparison.Ordinal);
        Assert.Equal("MBO-AS-GATE-001", Assert.Single(comparison.Unlisted).Requirement);  // FAILED is not the INTERRUPTED listed
    }

    [Fact]
    public void Updating_DropsStaleEntries_KeepsReasons_AndAddsUnlistedFailures_NamingASubjectOnlyWhenThereAreSeveral()
    {
        var baseline = File("""
            {"requirement":"MBO-AS-TOK-007","verdict":"FAILED","reason":"kept reason"},
            {"requirement":"MBO-AS-MD-007","verdict":"FAILED","reason":"fixed since"}
            """);
        var run = Run(("MBO-AS-TOK-007", As, Verdict.Failed), ("MBO-AS-MD-007", As, Verdict.Passed), ("MBO-AS-GATE-001", As, Verdict.Failed),
            ("MBO-RS-C-001", "finance", Verdict.Failed), ("MBO-RS-C-001", "docs", Verdict.Passed));

        var updated = baseline.Updated(baseline.Compare(run), run, DateTimeOffset.UnixEpoch);
        var reread = Baseline.Parse(updated.ToJson(), "b.json");

        Assert.Equal(["MBO-AS-GATE-001", "MBO-AS-TOK-007", "MBO-RS-C-001"], reread.Entries.Select(e => e.Requirement).Order(StringComparer.Ordinal));
        Assert.Equal("kept reason", reread.Entries.Single(e => e.Requirement == "MBO-AS-TOK-007").Reason);
        Assert.Null(reread.Entries.Single(e => e.Requirement == "MBO-AS-GATE-001").Subject);  // the issuer's port may change from run to run
        Assert.Equal("finance", reread.Entries.Single(e => e.Requirement == "MBO-RS-C-001").Subject);
        Assert.StartsWith("added by --update-baseline", reread.Entries.Single(e => e.Requirement == "MBO-AS-GATE-001").Reason, StringComparison.Ordinal);
        Assert.True(reread.Compare(run).Holds);
    }

    [Theory]
    [InlineData("""{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-AS-TOK-007","verdict":"FAILED"}]}""", "/entries/0")]
    [InlineData("""{"schema_version":"mission-conformance-baseline/1","entries":[{"requirement":"MBO-XX-001","verdict":"FAILED","reason":"r"}]}""", "MBO-XX-001")]
    [InlineData("""{"entries":[""", "not valid JSON")]
    public void AMalformedBaseline_IsRefused_NamingTheField(string json, string named)
    {
        var refused = Assert.Throws<BaselineFileException>(() => Baseline.Parse(json, "b.json"));

        Assert.Contains(refused.Errors, e => e.Contains(named, StringComparison.Ordinal));
    }
}
