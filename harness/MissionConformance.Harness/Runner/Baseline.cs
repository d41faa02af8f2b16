using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Harness.Runner;

/// <summary>A baseline file that cannot be used: not JSON, or not valid against baseline.schema.json.</summary>
public sealed class BaselineFileException(string file, IReadOnlyList<string> errors) : Targets.InputFileException(file, "baseline", errors);

/// <summary>One known failure: a requirement's verdict (at one subject, or any) that the run accepts, and why.</summary>
public sealed record BaselineEntry(string Requirement, string? Subject, Verdict Verdict, string Reason)
{
    public bool Matches(string requirement, string subject, Verdict verdict)
        => Requirement == requirement && (Subject is null || Subject == subject) && Verdict == verdict;

    public string Describe() => $"{Requirement}{(Subject is null ? "" : " at " + Subject)} {Verdict.ToString().ToUpperInvariant()}";
}

/// <summary>
/// Known failures a run accepts (<c>run --baseline FILE</c>, fixtures/schemas/baseline.schema.json), as the MCP and OpenID
/// conformance suites keep them: a run whose only unresolved verdicts are listed exits 0 and says so; a listed verdict the run
/// no longer shows is stale and fails the run, so a fix is noticed and the file shrinks, until <c>--update-baseline</c> rewrites it.
/// The coordinate is never changed by a baseline: it is computed from the verdicts as they are.
/// </summary>
public sealed record Baseline(IReadOnlyList<BaselineEntry> Entries, string? TargetName = null)
{
    public const string SchemaVersion = "mission-conformance-baseline/1";

    public static Baseline Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BaselineFileException(path, [$"cannot read the file: {e.Message}"]);
        }
        return Parse(text, path);
    }

    public static Baseline Parse(string json, string fileName)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new BaselineFileException(fileName, [$"not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(" Path:")[0]}"]);
        }
        if (root is null) throw new BaselineFileException(fileName, ["the file is JSON null, not a baseline object"]);
        var errors = ArtifactSchemas.Validate(ArtifactKind.Baseline, root.ToJsonString());
        if (errors.Count > 0) throw new BaselineFileException(fileName, [.. errors.Select(e => e.ToString())]);
        var entries = root["entries"]!.AsArray().Select(e => new BaselineEntry(
            (string)e!["requirement"]!,
            (string?)e["subject"],
            Enum.Parse<Verdict>((string)e["verdict"]!, ignoreCase: true),
            (string)e["reason"]!)).ToList();
        var unknown = entries.Where(e => !RequirementCatalogue.Default.Contains(e.Requirement)).Select(e => $"entries: {e.Requirement} is no requirement of the catalogue").ToList();
        if (unknown.Count > 0) throw new BaselineFileException(fileName, unknown);
        return new Baseline(entries, (string?)root["target"]);
    }

    /// <summary>
    /// The run's unresolved verdicts (every FAILED, and the INTERRUPTED or REVIEW in scope: what makes a run exit 1) against
    /// the entries. An entry is stale when its requirement was judged but not with its verdict (at its subject, when it names
    /// one); a requirement the run did not judge at all (filtered out) leaves its entries unused, neither matched nor stale.
    /// </summary>
    public BaselineComparison Compare(RunOutcome outcome)
    {
        var unresolved = outcome.Verdicts.Where(v => v.Value == Verdict.Failed).Select(v => (v.Key.Requirement, v.Key.Subject, v.Value))
            .Concat(outcome.Unresolved)
            .Distinct()
            .OrderBy(v => v.Requirement, StringComparer.Ordinal).ThenBy(v => v.Subject, StringComparer.Ordinal)
            .ToList();
        var accepted = new List<BaselinedVerdict>();
        var unlisted = new List<BaselinedVerdict>();
        foreach (var (requirement, subject, verdict) in unresolved)
        {
            var entry = Entries.FirstOrDefault(e => e.Matches(requirement, subject, verdict));
            (entry is null ? unlisted : accepted).Add(new BaselinedVerdict(requirement, subject, verdict, entry?.Reason, Message(outcome, requirement, subject, verdict)));
        }
        var stale = new List<StaleEntry>();
        foreach (var entry in Entries)
        {
            if (accepted.Any(a => entry.Matches(a.Requirement, a.Subject, a.Verdict))) continue;
            var judged = outcome.Verdicts.Where(v => v.Key.Requirement == entry.Requirement).ToList();
            if (judged.Count == 0) continue;
            var now = judged.Where(v => entry.Subject is null || v.Key.Subject == entry.Subject).ToList();
            stale.Add(new StaleEntry(entry, now.Count == 0
                ? $"not judged at {entry.Subject} (judged at {string.Join(", ", judged.Select(v => v.Key.Subject).Distinct())})"
                : string.Join(", ", now.Select(v => $"{v.Value.ToString().ToUpperInvariant()} at {v.Key.Subject}").Distinct())));
        }
        return new BaselineComparison(accepted, unlisted, stale);
    }

    /// <summary>
    /// The baseline the run calls for: every entry still matched keeps its reason, stale entries go, and each unlisted
    /// verdict is added with its finding as a reason to be rewritten by a person (<c>--update-baseline</c>). An added entry
    /// names its subject only when the run judged the requirement at more than one: a subject can be an issuer URL whose
    /// port changes from run to run, and an entry bound to it would never match again.
    /// </summary>
    public Baseline Updated(BaselineComparison comparison, RunOutcome outcome, DateTimeOffset now)
    {
        var kept = Entries.Where(e => !comparison.Stale.Any(s => s.Entry == e)).ToList();
        var added = comparison.Unlisted.Select(v => new BaselineEntry(v.Requirement,
            outcome.Verdicts.Keys.Count(k => k.Requirement == v.Requirement) > 1 ? v.Subject : null, v.Verdict,
            $"added by --update-baseline on {now:yyyy-MM-dd}, not yet reviewed: {v.Message}")).Distinct();
        return this with { Entries = [.. kept, .. added] };
    }

    public string ToJson()
    {
        var root = new JsonObject { ["schema_version"] = SchemaVersion };
        if (TargetName is not null) root["target"] = TargetName;
        root["entries"] = new JsonArray([.. Entries.Select(e =>
        {
            var o = new JsonObject { ["requirement"] = e.Requirement };
            if (e.Subject is not null) o["subject"] = e.Subject;
            o["verdict"] = e.Verdict.ToString().ToUpperInvariant();
            o["reason"] = e.Reason;
            return (JsonNode)o;
        })]);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }

    private static string Message(RunOutcome outcome, string requirement, string subject, Verdict verdict)
        => outcome.Findings.FirstOrDefault(f => f.RequirementId == requirement && f.Subject == subject && f.Verdict == verdict)?.Message ?? "";
}

/// <summary>An unresolved verdict of the run, and the baseline's reason for it when it is listed.</summary>
public sealed record BaselinedVerdict(string Requirement, string Subject, Verdict Verdict, string? Reason, string Message);

/// <summary>An entry whose verdict the run no longer shows, and what it shows instead.</summary>
public sealed record StaleEntry(BaselineEntry Entry, string Now);

/// <summary>The baseline file a run was compared with, how it compared, and whether <c>--update-baseline</c> rewrote the file.</summary>
public sealed record BaselineResult(string File, BaselineComparison Comparison, bool Rewritten);

/// <summary>How a run compared with its baseline.</summary>
public sealed record BaselineComparison(IReadOnlyList<BaselinedVerdict> Accepted, IReadOnlyList<BaselinedVerdict> Unlisted, IReadOnlyList<StaleEntry> Stale)
{
    /// <summary>Whether the baseline explains the run: nothing unresolved is unlisted, and no entry is stale.</summary>
    public bool Holds => Unlisted.Count == 0 && Stale.Count == 0;
}
