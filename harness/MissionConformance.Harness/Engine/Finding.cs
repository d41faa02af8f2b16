namespace MissionConformance.Harness.Engine;

/// <summary>
/// One verdict on one requirement for one subject (an AS issuer, an RS), with the message an
/// implementer acts on and references to the evidence (wire exchange ids, artifact names).
/// </summary>
public sealed record Finding(
    string RequirementId,
    Verdict Verdict,
    string Message,
    string Subject,
    string Scenario,
    IReadOnlyList<string> Evidence)
{
    /// <summary>
    /// For a SKIPPED finding, the target-file field whose absence left the requirement unjudged (issue 19 item 2): a tier that
    /// needs the requirement is then claimed, not demonstrated, until the field is added.
    /// </summary>
    public string? Wants { get; init; }

    /// <summary>
    /// For a SKIPPED finding, that nothing the spec puts on the wire can show the requirement (design.md principle 10): not a
    /// neutral skip, and not the target file's to remedy. The report says "not verifiable black-box".
    /// </summary>
    public bool NotVerifiable { get; init; }
}

/// <summary>A check's judgement before the requirement's keyword maps a failure to FAILED or WARNING.</summary>
public readonly record struct Judgement(bool? Holds, string Message, Verdict? Explicit = null, bool NotVerifiable = false, string? Wants = null)
{
    public static Judgement Pass(string message) => new(true, message);

    public static Judgement Fail(string message) => new(false, message);

    public static Judgement Skip(string reason) => new(null, reason, Verdict.Skipped);

    public static Judgement Review(string reason) => new(null, reason, Verdict.Review);

    /// <summary>INTERRUPTED: the harness did not capture what the check needs (an artifact not validated where it was captured).</summary>
    public static Judgement HarnessError(string reason) => new(null, "harness error: " + reason, Verdict.Interrupted);

    /// <summary><see cref="HarnessError"/> for an artifact that reached a check without the schema errors its capture should have found.</summary>
    public static Judgement NotValidatedAtCapture(string artifact) => HarnessError($"{artifact} was not validated where it was captured");

    /// <summary>SKIPPED because the target file does not give the means; <paramref name="field"/> would (<see cref="Finding.Wants"/>).</summary>
    public static Judgement SkipForWant(string field, string reason) => new(null, reason, Verdict.Skipped, Wants: field);

    /// <summary>Nothing on the wire can show the requirement here: SKIPPED, marked <see cref="Finding.NotVerifiable"/>.</summary>
    public static Judgement Unverifiable(string reason) => new(null, NotVerifiablePrefix + reason, Verdict.Skipped, NotVerifiable: true);

    private const string NotVerifiablePrefix = "not verifiable black-box: ";

    public static Judgement That(bool holds, string passMessage, string failMessage) => holds ? Pass(passMessage) : Fail(failMessage);
}

/// <summary>What every check says about itself, whatever evidence it judges.</summary>
public interface ICheck
{
    /// <summary>The one requirement the check judges: where the tie between a requirement and its check is written.</summary>
    string RequirementId { get; }

    PositiveControl? Control { get; }
}

/// <summary>
/// A check judges one requirement from typed evidence (design.md principle 2). It never decides
/// the verdict's severity: a failed MUST is FAILED, a failed SHOULD a WARNING, by the catalogue.
/// </summary>
public abstract class Check<TEvidence> : ICheck
{
    public abstract string RequirementId { get; }

    /// <summary>
    /// The valid request a refusal is compared with (design.md principle 9), for a check that judges a
    /// refusal; the engine judges it only when the scenario saw this control served for the same subject.
    /// </summary>
    public virtual PositiveControl? Control => null;

    public abstract Judgement Judge(TEvidence evidence);
}
