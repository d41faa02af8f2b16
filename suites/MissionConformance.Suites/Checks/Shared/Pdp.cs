using MissionConformance.Harness.AuthZen;

namespace MissionConformance.Suites.Checks;

/// <summary>One evaluation the harness sent a PDP as PEP, what it was meant to show, and the answer.</summary>
public sealed record PdpCase(string What, PdpDecision Decision);

/// <summary>Evaluations a PDP must deny, each with why.</summary>
public sealed record PdpDenialEvidence(IReadOnlyList<PdpCase> Cases);

/// <summary>A PDP's Decision Evidence for one Mission, and the decisions the harness asked it for under that Mission.</summary>
public sealed record PdpEvidenceExportEvidence(DecisionEvidenceRead Read, IReadOnlyList<PdpCase> Decisions)
{
    /// <summary>The record a decision names by its decision_id, when the answer named one.</summary>
    public DecisionEvidenceRecord? RecordOf(PdpDecision decision)
        => decision.DecisionId is { } id ? Read.Records.FirstOrDefault(r => (string?)r.Record["decision_id"] == id) : null;

    /// <summary>Whether every answer named its decision_id, so records can be linked to decisions one by one.</summary>
    public bool Linkable => Decisions.All(d => d.Decision.DecisionId is not null);
}
