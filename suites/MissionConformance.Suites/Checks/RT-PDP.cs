using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.AuthZen;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// A PDP denial (runtime.md §4–5): every case is answered decision false with one of the reasons the requirement names; a permit, an
/// answer without a decision (an HTTP error is no decision a PEP can enforce) or another reason fails. Judged only after the same PDP
/// permitted the allowed action (<see cref="Controls.PdpPermitsAllowed"/>).
/// </summary>
public abstract class PdpDenialCheck : Check<PdpDenialEvidence>
{
    public override PositiveControl Control => Controls.PdpPermitsAllowed;

    /// <summary>The denial reasons the requirement names (runtime.md §5); null accepts any denial.</summary>
    protected abstract IReadOnlyList<string>? Reasons { get; }

    protected virtual bool Accepts(PdpDecision decision) => Reasons is null || decision.Reason is { } reason && Reasons.Contains(reason);

    protected virtual string Expected => Reasons is null ? "a denial" : $"a denial with reason {string.Join(" or ", Reasons)}";

    public override Judgement Judge(PdpDenialEvidence e)
    {
        var problems = e.Cases.Where(c => !c.Decision.Denied || !Accepts(c.Decision)).Select(c => $"{c.What} was {c.Decision.Describe()}").ToList();
        return Judgement.That(problems.Count == 0,
            string.Join("; ", e.Cases.Select(c => $"{c.What} was {c.Decision.Describe()}")),
            $"expected {Expected}: " + string.Join("; ", problems));
    }
}

/// <summary>MBO-RT-PDP-001: an evaluation for a Mission that is not active is denied mission_inactive.</summary>
public sealed class PdpDeniesInactiveMission : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-001";

    protected override IReadOnlyList<string> Reasons => ["mission_inactive"];
}

/// <summary>MBO-RT-PDP-002: a parameter_digest that is not the digest of the parameters sent is denied parameter_violation.</summary>
public sealed class PdpDeniesDigestMismatch : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-002";

    protected override IReadOnlyList<string> Reasons => ["parameter_violation"];
}

/// <summary>MBO-RT-PDP-003: freshness older than any staleness bound, or an authority_hash other than the state authority's, is denied stale_state.</summary>
public sealed class PdpDeniesStaleState : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-003";

    protected override IReadOnlyList<string> Reasons => ["stale_state"];
}

/// <summary>
/// MBO-RT-PDP-004: an action the Mission's entry for the resource does not list is denied out_of_authority, or as a requestable denial
/// (context.access_request; the seed's AuthZEN example gives such a denial the reason approval_required).
/// </summary>
public sealed class PdpDeniesOutOfSetAction : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-004";

    protected override IReadOnlyList<string> Reasons => ["out_of_authority"];

    protected override bool Accepts(PdpDecision decision) => decision.Reason == "out_of_authority" || decision.AccessRequest is not null;

    protected override string Expected => "a denial with reason out_of_authority, or a requestable denial (context.access_request)";
}

/// <summary>
/// MBO-RT-PDP-005: no permit reaches beyond the Authority Set: the allowed action at a resource the Mission has no entry for, and (when the
/// target file gives them) arguments that break the entry's constraints, are denied, whatever the reason.
/// </summary>
public sealed class PdpNeverPermitsBeyondTheSet : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-005";

    protected override IReadOnlyList<string>? Reasons => null;
}

/// <summary>MBO-RT-PDP-010: once max_invocations permits were given, the next evaluation is denied quota_exceeded.</summary>
public sealed class PdpDeniesExhaustedQuota : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-010";

    protected override IReadOnlyList<string> Reasons => ["quota_exceeded"];
}

/// <summary>MBO-RT-PDP-011: a tool_id no approved capability names is denied capability_drift.</summary>
public sealed class PdpDeniesCapabilityDrift : PdpDenialCheck
{
    public override string RequirementId => "MBO-RT-PDP-011";

    protected override IReadOnlyList<string> Reasons => ["capability_drift"];
}

/// <summary>
/// MBO-RT-PDP-006 (SHOULD): a denial of an action outside the entry, at a resource the Mission holds, is requestable: decision false with
/// context.evaluation_id and an access_request whose endpoint, expires_at and binding_token are valid (authzen-decision.schema.json).
/// </summary>
public sealed class PdpOffersRequestableDenial : Check<PdpCase>
{
    public override string RequirementId => "MBO-RT-PDP-006";

    public override PositiveControl Control => Controls.PdpPermitsAllowed;

    public override Judgement Judge(PdpCase e)
    {
        if (!e.Decision.Denied) return Judgement.Fail($"{e.What} was {e.Decision.Describe()}, not a requestable denial");
        if (e.Decision.AccessRequest is null) return Judgement.Fail($"{e.What} was {e.Decision.Describe()}: a plain deny leaves the caller no way to ask for the authority (no context.access_request)");
        var errors = e.Decision.SchemaErrors.Where(s => s.Pointer.StartsWith("/context", StringComparison.Ordinal)).Select(s => s.ToString()).ToList();
        if (DateTimeOffset.TryParse((string?)e.Decision.AccessRequest["expires_at"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var expires)
            && expires <= DateTimeOffset.UtcNow)
        {
            errors.Add($"access_request.expires_at {expires:O} has already passed");
        }
        return Judgement.That(errors.Count == 0, $"{e.What} was a requestable denial: evaluation_id {e.Decision.EvaluationId}, access_request at {(string?)e.Decision.AccessRequest["endpoint"]}",
            "the requestable denial is not usable (authzen-decision.schema.json): " + string.Join("; ", errors));
    }
}

/// <summary>
/// MBO-RT-PDP-007: every decision the harness asked for has a Decision Evidence record (by decision_id where the answers name one, else
/// by count), each valid against decision-evidence.schema.json. Whether denials explain themselves (denial_reason, expansion) is
/// MBO-RT-PDP-009's; whether envelopes verify, MBO-RT-PDP-008's.
/// </summary>
public sealed class PdpRecordsEveryDecision : Check<PdpEvidenceExportEvidence>
{
    public override string RequirementId => "MBO-RT-PDP-007";

    private static readonly string[] OthersPointers = ["/denial_reason", "/expansion", "/evidence_envelope"];

    public override Judgement Judge(PdpEvidenceExportEvidence e)
    {
        var problems = e.Read.Http.SchemaErrors.Select(s => $"the export: {s}").ToList();
        if (e.Linkable)
        {
            problems.AddRange(e.Decisions.Where(d => e.RecordOf(d.Decision) is null).Select(d => $"{d.What} (decision_id {d.Decision.DecisionId}) has no record"));
        }
        else if (e.Read.Records.Count < e.Decisions.Count)
        {
            problems.Add($"{e.Decisions.Count} decisions were asked for under the Mission, the export holds {e.Read.Records.Count} record(s)");
        }
        for (var i = 0; i < e.Read.Records.Count; i++)
        {
            problems.AddRange(e.Read.Records[i].Artifact.Errors.Where(s => !OthersPointers.Any(p => s.Pointer.StartsWith(p, StringComparison.Ordinal)))
                .Select(s => $"/decision_evidence/{i}{s.Pointer}: {s.Message}"));
        }
        return Judgement.That(problems.Count == 0,
            $"{e.Decisions.Count} decision(s) asked for, {e.Read.Records.Count} record(s) exported, each valid against decision-evidence.schema.json"
                + (e.Linkable ? ", linked by decision_id" : " (the answers name no decision_id: counted)"),
            "the PDP's Decision Evidence does not cover its decisions: " + string.Join("; ", problems));
    }
}

/// <summary>
/// MBO-RT-PDP-008: each record's evidence_envelope is jws-compact, its payload the JCS of the record without the envelope, its signature
/// verifying with the JWKS the target file names (runtime.md open point 3).
/// </summary>
public sealed class PdpEvidenceEnvelopesVerify : Check<PdpEvidenceExportEvidence>
{
    public override string RequirementId => "MBO-RT-PDP-008";

    public override Judgement Judge(PdpEvidenceExportEvidence e)
    {
        if (e.Read.Records.Count == 0) return Judgement.Skip($"{e.Read.Export} holds no Decision Evidence to verify");
        if (e.Read.JwksProblem is { } problem) return Judgement.Fail(problem);
        var problems = new List<string>();
        for (var i = 0; i < e.Read.Records.Count; i++)
        {
            if (EnvelopeProblem(e.Read.Records[i]) is { } wrong) problems.Add($"/decision_evidence/{i}/evidence_envelope: {wrong}");
        }
        return Judgement.That(problems.Count == 0, $"{e.Read.Records.Count} envelope(s) are JWS over the record's JCS and verify with the PDP's JWKS",
            "Decision Evidence envelopes do not verify: " + string.Join("; ", problems));
    }

    private static string? EnvelopeProblem(DecisionEvidenceRecord record)
    {
        if (record.Record["evidence_envelope"] is not JsonObject) return "absent";
        return EvidenceEnvelopes.FormProblem(record.Record)
            ?? (record.SignatureVerifies == true ? null : "the signature does not verify with any key of the PDP's JWKS");
    }
}

/// <summary>
/// MBO-RT-PDP-009: a deny or expandable_deny record carries denial_reason, an expandable_deny its expansion; and where records link to the
/// answers, a denied answer is not recorded as a permit, nor a permit as a denial.
/// </summary>
public sealed class PdpEvidenceExplainsDenials : Check<PdpEvidenceExportEvidence>
{
    public override string RequirementId => "MBO-RT-PDP-009";

    public override Judgement Judge(PdpEvidenceExportEvidence e)
    {
        var problems = new List<string>();
        var denials = 0;
        for (var i = 0; i < e.Read.Records.Count; i++)
        {
            var record = e.Read.Records[i].Record;
            var decision = (string?)(record["decision"] as JsonValue);
            if (decision is not ("deny" or "expandable_deny")) continue;
            denials++;
            if (record["denial_reason"] is not JsonValue reason || reason.GetValueKind() != JsonValueKind.String) problems.Add($"/decision_evidence/{i}: a {decision} without denial_reason");
            if (decision == "expandable_deny" && record["expansion"] is not JsonObject) problems.Add($"/decision_evidence/{i}: an expandable_deny without expansion");
        }
        foreach (var asked in e.Decisions)
        {
            if (e.RecordOf(asked.Decision)?.Record["decision"] is not JsonValue recorded) continue;
            var permit = (string?)recorded == "permit";
            if (permit != asked.Decision.Permitted) problems.Add($"{asked.What} was {asked.Decision.Describe()}, recorded as {(string?)recorded}");
        }
        if (denials == 0 && problems.Count == 0) return Judgement.Skip($"{e.Read.Export} holds no denial to judge");
        return Judgement.That(problems.Count == 0, $"{denials} denial record(s), each with its denial_reason (and expansion when expandable), matching the answers given",
            "Decision Evidence does not explain its denials: " + string.Join("; ", problems));
    }
}
