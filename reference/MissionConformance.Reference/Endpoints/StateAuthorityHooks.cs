using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Endpoints;

/// <summary>
/// The points of the state authority (Mission Status, lifecycle and inventory, introspection, the mission-authority document,
/// Mission-Status-scoped tokens) where a registered hook may change what it is about to do. The correct stack registers none;
/// each fault of these endpoints is one (Faults/StateAuthority/).
/// </summary>
public interface IStateAuthorityHook
{
    /// <summary>How a Mission-management endpoint (<see cref="ClientAuthentication.Path"/>) authenticates its caller.</summary>
    void Authenticating(ClientAuthentication authentication) { }

    /// <summary>An error body of a Mission-management endpoint, before it is written.</summary>
    void ErrorAnswered(EndpointError answer) { }

    /// <summary>A caller that may not see a Mission it named (lifecycle, inventory): the answer it gets.</summary>
    void MissionHidden(HiddenMission hidden) { }

    /// <summary>A lifecycle request's operation, against the operations supported.</summary>
    void LifecycleRequested(LifecycleRequest request) { }

    /// <summary>Whom a Mission Status request is counted against (MBO-MS-017).</summary>
    void RateLimiting(StatusConsumer consumer) { }

    /// <summary>A rate-limited Mission Status answer (MBO-MS-016), before it is written.</summary>
    void RateLimited(RateLimitedAnswer answer) { }

    /// <summary>A Mission Status request's nonce was checked (MBO-MS-009): <see cref="StatusRequest.Refusal"/> is the answer.</summary>
    void StatusRequested(StatusRequest request) { }

    /// <summary>The Mission a Mission Status request names, by id or by a pairwise ref.</summary>
    void StatusMissionFound(StatusLookup lookup) { }

    /// <summary>Whether the caller sees the Mission (MBO-MS-007): <see cref="StatusDecision.Refusal"/> is the answer.</summary>
    void StatusDecided(StatusDecision decision) { }

    /// <summary>A Mission Status answer's payload, before it is signed.</summary>
    void StatusPayloadBuilt(StatusPayload payload) { }

    /// <summary>How a Mission Status payload is signed and served.</summary>
    void StatusAnswering(StatusAnswer answer) { }

    /// <summary>The client certificate check at the mtls alias (RFC 8705 §2.2).</summary>
    void MutualTlsChecked(MutualTlsCheck check) { }

    /// <summary>The check of a Mission-Status-scoped DPoP token and its proof.</summary>
    void DpopTokenChecked(DpopTokenCheck check) { }

    /// <summary>The mission-authority document, before it is served.</summary>
    void AuthorityDocumentBuilt(AuthorityDocument document) { }

    /// <summary>A check of who asks introspection about what: <see cref="IntrospectionCheck.Refusal"/> is the answer.</summary>
    void IntrospectionChecked(IntrospectionCheck check) { }

    /// <summary>An introspection answer (RFC 7662, with the Mission projection), before it is served.</summary>
    void IntrospectionBuilt(IntrospectionAnswer answer) { }
}

public sealed class ClientAuthentication(string path)
{
    public string Path { get; } = path;

    /// <summary>Whether client_secret_basic is taken beside private_key_jwt.</summary>
    public bool AcceptsClientSecret { get; set; }
}

public sealed class EndpointError(string path, JsonObject body)
{
    public string Path { get; } = path;

    public JsonObject Body { get; } = body;
}

public sealed class HiddenMission(MissionRecord? mission, IResult answer, Func<int, string, string, IResult> error)
{
    /// <summary>The Mission named, if it exists (another client's), or null.</summary>
    public MissionRecord? Mission { get; } = mission;

    /// <summary>The answer: the one not_found for unknown and foreign alike (no oracle).</summary>
    public IResult Answer { get; set; } = answer;

    /// <summary>Makes an error answer of this endpoint (status, error, description), with the request's nonce.</summary>
    public Func<int, string, string, IResult> Error { get; } = error;
}

public sealed class LifecycleRequest(string? operation)
{
    public string? Operation { get; } = operation;

    public HashSet<string> Supported { get; } = new(Missions.LifecycleOperation.All, StringComparer.Ordinal);
}

public sealed class StatusConsumer(string clientId, string? mission)
{
    public string Key { get; set; } = clientId;

    public string? Mission { get; } = mission;
}

public sealed class RateLimitedAnswer(JsonObject body, IHeaderDictionary headers)
{
    public JsonObject Body { get; } = body;

    public IHeaderDictionary Headers { get; } = headers;
}

public sealed class StatusRequest(IResult? refusal)
{
    public IResult? Refusal { get; set; } = refusal;
}

public sealed class StatusLookup(string audience)
{
    public string Audience { get; } = audience;

    public MissionRecord? Mission { get; set; }

    /// <summary>Whether the Mission was found by a pairwise ref rather than its id.</summary>
    public bool ByPairwiseRef { get; set; }

    public string? PairwiseRef { get; set; }

    /// <summary>The resources whose entries the answer projects.</summary>
    public IReadOnlyCollection<string> Resources { get; set; } = [audience];
}

public sealed class StatusDecision(MissionRecord? mission, bool visible, IResult? refusal, Func<IResult> notFound, Func<int, string, string, IResult> error)
{
    public MissionRecord? Mission { get; } = mission;

    public bool Visible { get; } = visible;

    public IResult? Refusal { get; set; } = refusal;

    public Func<IResult> NotFound { get; } = notFound;

    public Func<int, string, string, IResult> Error { get; } = error;
}

public sealed class StatusPayload(JsonObject payload, MissionRecord mission)
{
    public JsonObject Payload { get; } = payload;

    public MissionRecord Mission { get; } = mission;
}

public sealed class StatusAnswer(JsonObject payload, Func<JsonObject, string> sign, string mediaType)
{
    public JsonObject Payload { get; } = payload;

    public Func<JsonObject, string> Sign { get; set; } = sign;

    public string MediaType { get; set; } = mediaType;

    /// <summary>An answer in place of the signed one.</summary>
    public IResult? Instead { get; set; }
}

public sealed class MutualTlsCheck(TestClient? client, bool certificatePresented, bool keyMatches, string? failure)
{
    public TestClient? Client { get; } = client;

    public bool CertificatePresented { get; } = certificatePresented;

    /// <summary>Whether the certificate certifies the key the client is registered with.</summary>
    public bool KeyMatches { get; } = keyMatches;

    public string? Failure { get; set; } = failure;
}

public sealed class DpopTokenCheck(TestClient? tokenClient, string? failure, bool proofChecked)
{
    /// <summary>The status client a valid token was issued to, if any.</summary>
    public TestClient? TokenClient { get; } = tokenClient;

    /// <summary>Whether the failure, if any, is the proof's (the token itself held).</summary>
    public bool ProofChecked { get; } = proofChecked;

    public string? Failure { get; set; } = failure;
}

public sealed class AuthorityDocument(JsonObject document)
{
    public JsonObject Document { get; } = document;

    public string MediaType { get; set; } = "application/json";
}

/// <summary>The checks introspection makes of a request.</summary>
public enum IntrospectionRule
{
    /// <summary>The caller authenticated (private_key_jwt).</summary>
    Authenticated,

    /// <summary>The caller is an audience of the token (no oracle for others).</summary>
    Audience,

    /// <summary>The token is one this AS issued and has not revoked (else active:false).</summary>
    KnownToken,
}

public sealed class IntrospectionCheck(IntrospectionRule check, IResult? refusal)
{
    public IntrospectionRule Check { get; } = check;

    public IResult? Refusal { get; set; } = refusal;
}

public sealed class IntrospectionAnswer(JsonObject response, MissionRecord? mission)
{
    public JsonObject Response { get; } = response;

    public MissionRecord? Mission { get; } = mission;

    /// <summary>Whether an answer asked for as a JWT is signed (RFC 9701).</summary>
    public bool Signed { get; set; } = true;
}
