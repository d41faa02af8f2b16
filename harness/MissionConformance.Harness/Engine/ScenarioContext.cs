using System.Collections.Concurrent;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Harness.Engine;

/// <summary>Collects findings from every scenario of a run; safe for scenarios running in parallel.</summary>
public sealed class FindingRecorder(RequirementCatalogue catalogue)
{
    private readonly ConcurrentQueue<Finding> _findings = new();

    public RequirementCatalogue Catalogue => catalogue;

    public IReadOnlyList<Finding> Findings => [.. _findings];

    public void Add(Finding finding)
    {
        if (!catalogue.Contains(finding.RequirementId))
        {
            throw new InvalidOperationException($"harness error: finding for {finding.RequirementId}, which is not in fixtures/requirements.json");
        }
        _findings.Enqueue(finding);
    }
}

/// <summary>What a scenario works with: the target, the harness's client, consent driver and clock, and where verdicts go.</summary>
public sealed class ScenarioContext(
    Target target,
    MissionClient? client,
    IConsentDriver consent,
    WireLog wire,
    TimeProvider clock,
    Func<TimeSpan, CancellationToken, Task> wait,
    FindingRecorder recorder,
    Scenario scenario,
    CancellationToken cancellation)
{
    private readonly HashSet<(string Requirement, string Subject)> _judged = [];

    /// <summary>Each positive control tried in this scenario, per subject: null once served, else why it was not (a failure sticks).</summary>
    private readonly Dictionary<(string Control, string Subject), string?> _controls = [];

    public Target Target => target;

    public AuthorizationServerTarget Server => target.AuthorizationServer;

    /// <summary>The client of the Authorization Server under test (scenarios about an AS only: a target of Resource Servers alone has none).</summary>
    public MissionClient Client => client ?? throw new InvalidOperationException("harness error: an Authorization Server scenario ran against a target without one");

    /// <summary>The DPoP keys this scenario's clients prove, and the tokens bound to them.</summary>
    public DpopHolders Holders { get; } = new();

    /// <summary>
    /// Whether tokens are asked for with DPoP proofs (RFC 9449): the target file says so (authorizationServers[].dpop) or the AS
    /// advertises DPoP. Then code redemption, refresh and exchange carry a proof by the client's key, with the nonce retry of §8.
    /// </summary>
    public bool SendsDpop => Server.Dpop || Client.AdvertisesDpop;

    public IConsentDriver Consent => consent;

    public WireLog Wire => wire;

    /// <summary>
    /// An HTTP client for a party other than the AS under test (a Resource Server, a Resource AS, a peer the harness plays):
    /// captured on the run's wire log, bounded by timeouts.requestSeconds, following no redirect. The caller disposes it.
    /// </summary>
    public HttpClient CreateHttpClient()
        => new(new CapturingHandler(wire, new HttpClientHandler { AllowAutoRedirect = false })) { Timeout = target.Timeouts.Request };

    public TimeProvider Clock => clock;

    public CancellationToken Cancellation => cancellation;

    public string Subject => Server.Issuer.AbsoluteUri;

    /// <summary>Requirements this scenario has given a verdict so far, about the Authorization Server.</summary>
    public IReadOnlyCollection<string> Judged
    {
        get
        {
            lock (_judged) return [.. _judged.Where(j => j.Subject == Subject).Select(j => j.Requirement)];
        }
    }

    /// <summary>Whether this scenario has given <paramref name="requirementId"/> a verdict about <paramref name="subject"/>.</summary>
    public bool HasJudged(string requirementId, string subject)
    {
        lock (_judged) return _judged.Contains((requirementId, subject));
    }

    /// <summary>The simulated peers (AS, PDP) of the run, when the target has Resource Servers.</summary>
    public Peers.PeerSet? Peers { get; init; }

    /// <summary>Lets time pass for the target (real waiting, or advancing the embedded reference's clock).</summary>
    public Task WaitAsync(TimeSpan duration) => wait(duration, cancellation);

    /// <summary>Runs one check on its evidence; a failure is FAILED for a MUST and WARNING otherwise.</summary>
    public Verdict Judge<TEvidence>(Check<TEvidence> check, TEvidence evidence, params string[] evidenceRefs)
        => JudgeAt(Subject, check, evidence, evidenceRefs);

    /// <summary><see cref="Judge{TEvidence}"/> about another subject of the scenario (a Resource Server's id).</summary>
    public Verdict JudgeAt<TEvidence>(string subject, Check<TEvidence> check, TEvidence evidence, params string[] evidenceRefs)
    {
        var judgement = check.Judge(evidence);
        if (check.Control is { } control && ControlProblem(subject, control, judged: judgement.Explicit is null) is { } problem)
        {
            Record(check.RequirementId, Verdict.Interrupted, problem, evidenceRefs, subject);
            return Verdict.Interrupted;
        }
        var requirement = recorder.Catalogue[check.RequirementId];
        var verdict = judgement.Explicit ?? (judgement.Holds == true
            ? Verdict.Passed
            : requirement.IsMandatory ? Verdict.Failed : Verdict.Warning);
        Record(check.RequirementId, verdict, judgement.Message, evidenceRefs, subject, judgement.Wants, judgement.NotVerifiable);
        return verdict;
    }

    /// <summary>
    /// Judges a check of what a consent page shows, with the page's screenshots as evidence. When the
    /// consent driver cannot see rendered pages (no browser) it is SKIPPED with the install instruction,
    /// or INTERRUPTED where a browser is required (CI).
    /// </summary>
    public Verdict JudgeRendering<TEvidence>(Check<TEvidence> check, TEvidence evidence, IReadOnlyList<string> screenshots)
    {
        if (consent.Gap is { } gap)
        {
            var verdict = gap.IsFailure ? Verdict.Interrupted : Verdict.Skipped;
            Record(check.RequirementId, verdict, gap.Reason, []);
            return verdict;
        }
        return Judge(check, evidence, [.. screenshots, .. wire.RecentIds(scenario.Id, 3)]);
    }

    /// <summary>
    /// Records whether the valid request <paramref name="control"/> describes was served, before the refusals compared
    /// with it are judged; returns <paramref name="served"/>. One failed attempt fails the control for the whole scenario.
    /// </summary>
    public bool Control(PositiveControl control, bool served, string detail) => ControlAt(Subject, control, served, detail);

    /// <summary><see cref="Control"/> about another subject of the scenario (a Resource Server's id).</summary>
    public bool ControlAt(string subject, PositiveControl control, bool served, string detail)
    {
        lock (_controls)
        {
            var key = (control.Id, subject);
            if (!served || !_controls.ContainsKey(key)) _controls[key] = served ? null : detail;
        }
        return served;
    }

    /// <summary>
    /// Why a refusal cannot be judged: its control failed (whatever the check concluded, a skip included, since the
    /// failed control is the real cause), or it was never tried though the check judged (a harness error).
    /// </summary>
    private string? ControlProblem(string subject, PositiveControl control, bool judged)
    {
        lock (_controls)
        {
            if (!_controls.TryGetValue((control.Id, subject), out var failure))
            {
                return judged ? $"harness error: scenario {scenario.Id} judged a refusal without trying its positive control ({control.Description})" : null;
            }
            return failure is null ? null
                : $"{PositiveControl.FailedPrefix}{control.Description}, but {failure}; a refusal proves nothing when the valid request is refused too";
        }
    }

    public void Skip(string requirementId, string reason) => Record(requirementId, Verdict.Skipped, reason, []);

    /// <summary>
    /// SKIPPED because the target file does not give the means, naming the <paramref name="field"/> that would: a tier that needs
    /// the requirement is then claimed, not demonstrated (<see cref="Finding.Wants"/>).
    /// </summary>
    public void SkipForWant(string requirementId, string field, string reason, string? subject = null)
        => Record(requirementId, Verdict.Skipped, reason, [], subject, field);

    /// <summary>SKIPPED because nothing the spec puts on the wire can show the requirement here (<see cref="Finding.NotVerifiable"/>).</summary>
    public void NotVerifiable(string requirementId, string reason)
        => Record(requirementId, Verdict.Skipped, Judgement.Unverifiable(reason).Message, [], notVerifiable: true);

    /// <summary>What the suite cannot judge on a surface the target offers: left to a reviewer, which keeps the tier from resting on silence.</summary>
    public void Review(string requirementId, string reason) => Record(requirementId, Verdict.Review, reason, []);

    public void SkipAt(string subject, string requirementId, string reason, params string[] evidence) => Record(requirementId, Verdict.Skipped, reason, evidence, subject);

    public void InterruptAt(string subject, string requirementId, string reason, params string[] evidence) => Record(requirementId, Verdict.Interrupted, reason, evidence, subject);

    /// <summary>A check that cannot run because what it needs failed earlier is SKIPPED, naming the cause.</summary>
    public void Blocked(string requirementId, string cause) => Record(requirementId, Verdict.Skipped, "not judged: " + cause, []);

    public void Interrupt(string requirementId, string reason, params string[] evidence) => Record(requirementId, Verdict.Interrupted, reason, evidence);

    /// <summary>Whether the requirement is one of the target's edition, so that probing for it is worth a request.</summary>
    public bool Applies(string requirementId) => recorder.Catalogue[requirementId].AppliesIn(target.Edition.Name);

    /// <summary>A requirement of another edition than the target's, not probed: SKIPPED, saying which edition has it and why.</summary>
    public void NotInEdition(string requirementId) => Record(requirementId, Verdict.Skipped, "", []);

    private void Record(string requirementId, Verdict verdict, string message, string[] evidence, string? subject = null, string? wants = null, bool notVerifiable = false)
    {
        if (!scenario.Requirements.Contains(requirementId))
        {
            throw new InvalidOperationException($"harness error: scenario {scenario.Id} judged {requirementId}, which it does not declare");
        }
        subject ??= Subject;
        var requirement = recorder.Catalogue[requirementId];
        var found = message.Length > 0 ? $" [the check found: {message}]" : "";
        if (requirement.OnlyIn is { } only && only != target.Edition.Name)
        {
            (verdict, wants, notVerifiable) = (Verdict.Skipped, null, false);
            var origin = requirement.In(only) is { } cited ? $" ({cited.Doc}, {cited.Section})" : "";
            message = $"not a requirement of edition {target.Edition.Name}: new in {only}{origin}{found}";
        }
        else if (requirement.In(target.Edition.Name) is { } note)
        {
            if (!note.Applies)
            {
                (verdict, wants, notVerifiable) = (Verdict.Skipped, null, false);
                message = $"not a requirement of edition {target.Edition.Name} ({note.Doc}, {note.Section}): {note.Differs ?? note.Quote}{found}";
            }
            else if (verdict == Verdict.Failed && note.Keyword is "SHOULD" or "SHOULD NOT" or "MAY")
            {
                verdict = Verdict.Warning;
                message = $"{message} [a {note.Keyword} in edition {target.Edition.Name} ({note.Doc}, {note.Section}): {note.Differs ?? note.Quote}]";
            }
        }
        lock (_judged) _judged.Add((requirementId, subject));
        recorder.Add(new Finding(requirementId, verdict, message, subject, scenario.Id, evidence.Length > 0 ? evidence : wire.RecentIds(scenario.Id, 3))
        {
            Wants = wants, NotVerifiable = notVerifiable,
        });
    }
}
