namespace MissionConformance.Harness.Engine;

/// <summary>
/// design.md principle 9: the valid request a refusal must be compared with. A server that refuses
/// everything refuses the malformed request too, so a refusal proves something only when the same
/// server, in the same scenario and for the same subject, served this control. A check judging a
/// refusal names its control (<see cref="Check{TEvidence}.Control"/>); the scenario records the
/// control's outcome (<see cref="ScenarioContext.Control"/>), and the engine turns the check's
/// verdict into INTERRUPTED, naming the control, when it failed or was never tried.
/// </summary>
/// <param name="Id">A stable name, for reports and tests.</param>
/// <param name="Description">The valid request, as a sentence an implementer reads in the verdict.</param>
public sealed record PositiveControl(string Id, string Description)
{
    /// <summary>How the message of a verdict INTERRUPTED by a failed control begins, for reports and self-tests to tell it apart.</summary>
    public const string FailedPrefix = "positive control failed: ";
}
