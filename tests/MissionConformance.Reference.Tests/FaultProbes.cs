using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// For each named fault, a probe that returns true when the fault's behaviour is visible on the
/// wire. The fault self-tests run every probe against the fault-free reference (must be false) and
/// against the reference started with that fault (must be true).
/// </summary>
public static partial class FaultProbes
{
    /// <summary>
    /// The policy every probe's reference runs with: the board packet's, with one projection issuer (never called), so the
    /// reference is also a Mission Authority Server and the MAS faults have something to change.
    /// </summary>
    public static Configuration.ResourceCatalogue Catalogue { get; } = Configuration.ResourceCatalogue.BoardPacket.WithProjectionIssuers(
        [new Configuration.ResourceAuthority(new Uri("https://pi.projection.example/"), [Configuration.ResourceCatalogue.WorkflowResource])]);

    /// <summary>A probe: true when the fault's behaviour shows on the wire of the running reference.</summary>
    public delegate Task<bool> Probe(RunningReference reference, FakeTimeProvider clock);

    /// <summary>Every fault's probe, kept beside the other probes of its surface (Probes/, as the faults are in Faults/).</summary>
    private static readonly IReadOnlyDictionary<Fault, Probe> All = new[] { AuthorizationProbes(), MissionProbes(), TokenProbes(), StackProbes(), StateAuthorityProbes() }
        .SelectMany(probes => probes).ToDictionary(p => p.Key, p => p.Value);

    public static Func<RunningReference, FakeTimeProvider, Task<bool>> For(Fault fault)
        => All.TryGetValue(fault, out var probe) ? (r, clock) => probe(r, clock)
            : throw new ArgumentOutOfRangeException(nameof(fault), fault, "every fault needs a probe that shows its behaviour");

    private static JsonObject Intent() => RunningReference.BoardPacketIntent();

    /// <summary>The claims of a token agent-delegate obtained, with a DPoP proof, from the agent's first token of a new Mission.</summary>
    private static async Task<JsonElement> DelegatedClaimsAsync(RunningReference r)
    {
        using var key = new DpopKey();
        var delegated = await r.DelegateAsync((await r.ObtainAsync()).AccessToken, key);
        Assert.True(delegated.Status == HttpStatusCode.OK, delegated.Body);
        return DecodedJwt.Decode(delegated.Member("access_token")!).Payload;
    }

    private static async Task<DecodedJwt> IdJagClaimsAsync(RunningReference r)
    {
        using var key = new DpopKey();
        return await r.IdJagGrantAsync((await r.ObtainAsync()).RefreshToken!, key);
    }

    private static List<string?> DelegatedResources(JsonElement claims)
        => claims.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).ToList();

    private static readonly ClientCredentials DocsStatusClient = RunningReference.StatusClient("rs-docs");
    private static readonly ClientCredentials WorkflowStatusClient = RunningReference.StatusClient("rs-workflow");

    /// <summary>
    /// A Mission Status request as the docs server. The fault-free instance is shared by every probe, so
    /// each request first moves its clock past the rate-limit window: no probe is ever answered 429 by accident.
    /// </summary>
    private static Task<WireResponse> StatusAsync(RunningReference r, FakeTimeProvider clock, string missionId, ClientCredentials? client = null,
        string? nonce = null, string audience = ResourceCatalogue.DocsResource, bool withAssertion = true, bool advance = true)
    {
        if (advance) clock.Advance(Endpoints.StatusRateLimiter.Window);
        return r.Client.MissionStatusAsync(r.Client.Metadata.MissionStatusEndpoint!, client ?? DocsStatusClient, missionId, audience,
            nonce ?? MissionClient.NewNonce(), RunningReference.Ct, withAssertion);
    }

    /// <summary>A Mission-Status-scoped DPoP token for the docs status client, bound to <paramref name="key"/> (StatusTokenEndpoint's convention).</summary>
    internal static async Task<string> StatusTokenAsync(RunningReference r, DpopKey key)
    {
        var issued = await r.Client.StatusTokenAsync(DocsStatusClient, r.Client.Metadata.MissionStatusEndpoint!, key, RunningReference.Ct);
        Assert.True(issued.Status == HttpStatusCode.OK, $"status token: {(int)issued.Status} {issued.Body}");
        return issued.Json.GetProperty("access_token").GetString()!;
    }

    internal static Task<WireResponse> DpopStatusAsync(RunningReference r, string missionId, string token, string? proof)
        => r.Client.MissionStatusWithTokenAsync(r.Client.Metadata.MissionStatusEndpoint!, token, proof, missionId, ResourceCatalogue.DocsResource, MissionClient.NewNonce(), RunningReference.Ct);

    /// <summary>
    /// Mission Status at the mtls alias as rs-docs, presenting <paramref name="certificate"/> (none: no certificate), trusting the stack's TLS
    /// certificate; with <paramref name="withAssertion"/>, a private_key_jwt assertion as well.
    /// </summary>
    internal static async Task<WireResponse> MutualTlsStatusAsync(RunningReference r, string missionId, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        bool withAssertion = false)
    {
        var alias = new Uri(r.Client.Metadata.Document.GetProperty("mtls_endpoint_aliases").GetProperty("mission_status_endpoint").GetString()!);
        using var http = MutualTls.Client(new Harness.Wire.WireLog(), certificate, [r.Stack.TlsCertificate], TimeSpan.FromSeconds(20));
        return await new MissionClient(http, r.Client.Metadata).MissionStatusAsync(alias, withAssertion ? DocsStatusClient : new ClientCredentials(DocsStatusClient.ClientId),
            missionId, ResourceCatalogue.DocsResource, MissionClient.NewNonce(), RunningReference.Ct, withAssertion);
    }

    /// <summary>The board-packet Intent without its last object: a Mission an expansion to the whole Intent widens.</summary>
    internal static JsonObject NarrowBoardPacketIntent()
    {
        var intent = RunningReference.BoardPacketIntent();
        var objects = intent["objects"]!.AsArray();
        objects.RemoveAt(objects.Count - 1);
        return intent;
    }

    /// <summary>Mission Expansion by the suite's convention: a narrow Mission, then the whole Intent pushed with mission_supersedes naming it, approved.</summary>
    internal static async Task<(IssuedMission Prior, IssuedMission Successor)> ExpandAsync(RunningReference r)
    {
        var prior = await r.ObtainAsync(NarrowBoardPacketIntent());
        return (prior, await r.ObtainAsync(parExtra: [(Endpoints.MissionParameters.Supersedes, prior.MissionId)]));
    }

    private static async Task<WireResponse> ActiveStatusAsync(RunningReference r, FakeTimeProvider clock)
    {
        var response = await StatusAsync(r, clock, (await r.ObtainAsync()).MissionId);
        Assert.True(response.Status == HttpStatusCode.OK, $"Mission Status: {(int)response.Status} {response.Body}\n{r.Log}");
        return response;
    }

    private static Task<WireResponse> IntrospectAsync(RunningReference r, string token, bool withAssertion = true, string? accept = null)
        => r.Client.IntrospectAsync(r.Client.Metadata.IntrospectionEndpoint!, DocsStatusClient, token, RunningReference.Ct, withAssertion, accept);

    private static JsonElement StatusPayload(WireResponse response) => DecodedJwt.Decode(response.Body).Payload;

    private static Task<WireResponse> MissionAuthorityAsync(RunningReference r)
        => r.Client.GetDocumentAsync(new Uri(r.Issuer.TrimEnd('/') + "/.well-known/mission-authority"), RunningReference.Ct);

    private static JsonObject Edited(Action<JsonObject> edit)
    {
        var intent = Intent();
        edit(intent);
        return intent;
    }

    private static string Edit(Action<JsonObject> edit) => Edited(edit).ToJsonString();

    private static JsonElement Metadata(RunningReference r, string name) => r.Client.Metadata.Document.GetProperty(name);

    private static async Task<bool> AcceptedAsync(RunningReference r, string intent) => (await r.PushAsync(intent, Pkce.Create())).Status == HttpStatusCode.Created;

    private static string? MissionMember(IssuedMission issued, string name)
        => issued.Claims.Payload.TryGetProperty("mission", out var m) && m.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static string? Claim(IssuedMission issued, string name)
        => issued.Claims.Payload.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static IEnumerable<string?> Actions(IssuedMission issued)
        => issued.Claims.Payload.GetProperty("authorization_details").EnumerateArray().SelectMany(e => e.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

    private static List<string?> Audiences(IssuedMission issued)
    {
        var aud = issued.Claims.Payload.GetProperty("aud");
        return aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString()).ToList() : [aud.GetString()];
    }

    private static async Task<string> ConsentPageAsync(RunningReference r, JsonObject intent)
    {
        var par = await r.PushAsync(intent.ToJsonString(), Pkce.Create());
        return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).ConsentPageHtml;
    }

    private static async Task<bool> RefreshAfterAsync(RunningReference r, string operation)
    {
        var issued = await r.ObtainAsync();
        await r.LifecycleAsync(issued.MissionId, operation);
        return (await r.RefreshAsync(issued.RefreshToken!)).Status == HttpStatusCode.OK;
    }

    private static async Task<bool> StateAfterAsync(RunningReference r, string operation, string unchangedState)
    {
        var issued = await r.ObtainAsync();
        await r.LifecycleAsync(issued.MissionId, operation);
        return await r.StateAsync(issued.MissionId) == unchangedState;
    }
}
