namespace MissionConformance.Harness.Engine;

/// <summary>
/// A scenario orchestrates steps against the target and hands the evidence to checks. It declares
/// the checks it judges with, and so the requirements it judges; one it ends without judging is
/// reported INTERRUPTED as a harness error.
/// </summary>
public abstract class Scenario
{
    private IReadOnlyList<string>? _requirements;

    public abstract string Id { get; }

    public abstract string Title { get; }

    /// <summary>The checks this scenario hands its evidence to.</summary>
    public abstract IReadOnlyList<ICheck> Checks { get; }

    /// <summary>The requirements this scenario judges: its checks', in their order, so a requirement id is written in its check alone.</summary>
    public IReadOnlyList<string> Requirements => _requirements ??= [.. Checks.Select(c => c.RequirementId).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Scenarios that count the target's Mission records before and after a step, or that wait long enough
    /// for one Mission to expire while others are being issued, run first, one at a time, so no other
    /// scenario's Missions disturb the count and no other scenario's tokens see the clock move under them
    /// (the embedded reference's clock, which a wait advances, is shared by every scenario).
    /// </summary>
    public virtual bool RunsAlone => false;

    /// <summary>
    /// What the scenario's verdicts are about: the Authorization Server by default; a Resource Server
    /// scenario judges each server of the target file. Each requirement gets a verdict per subject; a
    /// scenario with no subject in the target (no Authorization Server, no Resource Servers) is not run.
    /// </summary>
    public virtual IReadOnlyList<string> Subjects(Targets.Target target) => target.DomainSubject is { } issuer ? [issuer] : [];

    public abstract Task RunAsync(ScenarioContext context);
}

/// <summary>Why a scenario step could not go on; every requirement it had not judged yet becomes INTERRUPTED.</summary>
public sealed class ScenarioInterruptedException(string reason, Exception? inner = null) : Exception(reason, inner);
