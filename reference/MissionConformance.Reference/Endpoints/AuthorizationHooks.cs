using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints;

/// <summary>The rules PAR admission refuses a request by, beside the Intent's own (<see cref="IntentRule"/>).</summary>
public enum ParRule
{
    /// <summary>MBO-AS-PAR-008: mission_intent and authorization_details are not sent together.</summary>
    IntentAlone,

    /// <summary>MBO-AS-PAR-012: every requested resource is covered by the derived Authority Set.</summary>
    ResourcesCovered,
}

/// <summary>
/// The points of PAR admission, the front channel, metadata and consent where a registered hook may change what the AS is
/// about to do. The correct stack registers none; each fault of these surfaces is one (Faults/Authorization/).
/// </summary>
public interface IAuthorizationHook
{
    /// <summary>A PAR rule was checked: <see cref="ParCheck.Refusal"/> is its answer (null: it holds).</summary>
    void ParChecked(ParCheck check) { }

    /// <summary>A PAR request was refused.</summary>
    ValueTask ParRefusedAsync(ParRefusal refusal) => default;

    /// <summary>A successful PAR response, before it is written.</summary>
    void ParAnswered(OpenIddictResponse response) { }

    /// <summary>A front-channel authorization request without request_uri: whether it is refused.</summary>
    void FrontChannelRequested(FrontChannelRequest request) { }

    /// <summary>The AS metadata (RFC 8414), before it is served.</summary>
    void MetadataBuilt(IDictionary<string, OpenIddictParameter> metadata) { }

    /// <summary>The pending Mission an authorization request continues, as found.</summary>
    ValueTask PendingFoundAsync(PendingMission pending) => default;

    /// <summary>Whether the signed-in approver meets the Intent's context.acr (MC-AS-APR-101).</summary>
    void AcrChecked(AcrCheck check) { }

    /// <summary>The approver signed in and met the Mission's acr, before consent.</summary>
    ValueTask ApproverReadyAsync(ConsentStep consent) => default;

    /// <summary>Whom the Mission is for (MBO-AS-APR-005): null leaves the choice to the approver's account.</summary>
    void ChoosingSubject(SubjectChoice choice) { }

    /// <summary>What the consent page discloses, before it is rendered and hashed.</summary>
    void DisclosureBuilt(DisclosureDraft draft) { }

    /// <summary>The hidden fields of the consent form.</summary>
    void ConsentRendering(ConsentForm form) { }

    /// <summary>The consent POST's anti-forgery check.</summary>
    void AntiForgeryChecked(AntiForgeryCheck check) { }

    /// <summary>The user approved, before the Mission is activated.</summary>
    ValueTask ApprovingAsync(ConsentStep consent) => default;

    /// <summary>The approval's result: whether a code is issued.</summary>
    void Approved(ApprovalResult result) { }

    /// <summary>The user denied: the answer to the client.</summary>
    void Denied(DenialResult result) { }
}

public sealed class ParCheck(ParRule rule, IntentRefusal? refusal)
{
    public ParRule Rule { get; } = rule;

    public IntentRefusal? Refusal { get; set; } = refusal;
}

public sealed class ParRefusal(MissionStore store, string clientId, string rawIntent, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public string ClientId { get; } = clientId;

    public string RawIntent { get; } = rawIntent;

    public CancellationToken Aborted { get; } = ct;
}

public sealed class FrontChannelRequest(bool hasIntent)
{
    public bool HasIntent { get; } = hasIntent;

    public bool Refused { get; set; } = true;
}

public sealed class PendingMission(HttpContext http, OpenIddictRequest request, MissionStore store, MissionIntentValidator validator, MissionRecord? mission)
{
    public HttpContext Http { get; } = http;

    public OpenIddictRequest Request { get; } = request;

    public MissionStore Store { get; } = store;

    public MissionIntentValidator Validator { get; } = validator;

    public MissionRecord? Mission { get; set; } = mission;

    /// <summary>Which records an authorization request may continue: those awaiting approval.</summary>
    public Func<MissionRecord, bool> Continues { get; set; } = m => m.State == MissionState.PendingApproval;
}

public sealed class AcrCheck(bool satisfied)
{
    public bool Satisfied { get; set; } = satisfied;
}

public sealed class ConsentStep(MissionStore store, MissionRecord mission, CancellationToken ct)
{
    public MissionStore Store { get; } = store;

    public MissionRecord Mission { get; set; } = mission;

    public CancellationToken Aborted { get; } = ct;
}

public sealed class SubjectChoice(MissionRecord mission, TestAccount approver)
{
    public MissionRecord Mission { get; } = mission;

    public TestAccount Approver { get; } = approver;

    public TestAccount? Subject { get; set; }
}

public sealed class DisclosureDraft(System.Text.Json.Nodes.JsonObject disclosure, bool onBehalf)
{
    public System.Text.Json.Nodes.JsonObject Disclosure { get; } = disclosure;

    /// <summary>Whether the approver approves for someone else.</summary>
    public bool OnBehalf { get; } = onBehalf;
}

public sealed class ConsentForm(OpenIddictRequest request, MissionRecord mission, Dictionary<string, string> hiddenFields)
{
    public OpenIddictRequest Request { get; } = request;

    public MissionRecord Mission { get; } = mission;

    public Dictionary<string, string> HiddenFields { get; set; } = hiddenFields;
}

public sealed class AntiForgeryCheck(bool valid)
{
    public bool Valid { get; set; } = valid;
}

public sealed class ApprovalResult(MissionRecord? approved)
{
    public MissionRecord? Approved { get; } = approved;

    /// <summary>Whether a code is issued: only for a Mission now active.</summary>
    public bool IssuesCode { get; set; } = approved?.State == MissionState.Active;
}

public sealed class DenialResult(MissionRecord mission, TestAccount subject, IResult answer)
{
    public MissionRecord Mission { get; } = mission;

    public TestAccount Subject { get; } = subject;

    public IResult Answer { get; set; } = answer;
}
