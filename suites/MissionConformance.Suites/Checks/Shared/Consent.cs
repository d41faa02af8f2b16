using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Editions;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// The text the consent page showed a person (rendered in a browser), the Intent submitted (in <paramref name="Edition"/>'s shape),
/// the Authority Set the Mission was activated with, and the recorded mission_expiry if the inventory shows it.
/// </summary>
public sealed record ConsentPage(string Text, JsonObject Intent, IReadOnlyList<AuthorityShown> Authority, DateTimeOffset? RecordedExpiry, Edition Edition);

public sealed record AuthorityShown(string Resource, IReadOnlyList<string> Actions, IReadOnlyList<string> ConstraintKeys);

public sealed record NarrowingDisclosure(string Text, IReadOnlyList<string> NarrowedFields);

public sealed record DenialEvidence(ConsentOutcome Outcome, string? StateAfter);

/// <summary>The record's state right after the code was issued and before it was redeemed (from the inventory).</summary>
public sealed record ActivationEvidence(string? StateAtCodeIssuance, TokenExchange Token);

public sealed record SubjectEvidence(TokenExchange Token, string? ApproverSubject, string OtherAccount, string? OtherSubject);

public sealed record ClientMissionIdEvidence(string VictimMissionId, TokenExchange Token);

public sealed record ReplayEvidence(ConsentOutcome First, string? ReplayCode);

/// <summary>
/// An Intent as submitted, and what shows its Mission after validation: the record (only an inventory shows it), Mission Status or
/// introspection, and the token.
/// </summary>
public sealed record NarrowingEvidence(JsonObject Submitted, JsonObject? Record, MissionWitness? Witness, TokenExchange Token, Edition Edition);

public sealed record StepUpEvidence(string Acr, IReadOnlyList<ConsentPageCapture> Pages, IReadOnlySet<string> StepUpPages)
{
    /// <summary>Whether a step-up page came before the consent page (or there was no consent page).</summary>
    public bool SteppedUp
    {
        get
        {
            var consent = Pages.ToList().FindIndex(p => p.Name == "consent");
            var stepUp = Pages.ToList().FindIndex(p => StepUpPages.Contains(p.Name));
            return stepUp >= 0 && (consent < 0 || stepUp < consent);
        }
    }
}

public sealed record ForgeryEvidence(ConsentOutcome Outcome);

/// <summary>The text of the consent page an assistant saw, and how the AS names the person the Mission is for.</summary>
public sealed record SubjectShown(string Text, string Approver, string SubjectName);

public sealed record FramingEvidence(IReadOnlyList<ConsentPageCapture> Pages);
