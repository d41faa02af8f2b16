using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.OAuth;
using MissionConformance.Reference;
using MissionConformance.Reference.Configuration;
using Microsoft.Extensions.Logging;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Reference.Tests.Infrastructure;

/// <summary>A Mission obtained end to end: PAR, consent, code redemption.</summary>
public sealed record IssuedMission(
    string MissionId, WireResponse TokenResponse, string AccessToken, DecodedJwt Claims, string? RefreshToken,
    ConsentOutcome Consent, JsonObject Intent)
{
    public JsonElement Mission => Claims.Payload.GetProperty("mission");
}

/// <summary>
/// A reference AS started on 127.0.0.1 for one test, reached only over HTTP through the harness's
/// client and form consent driver.
/// </summary>
public sealed class RunningReference : IAsyncDisposable
{
    public static readonly ClientCredentials Confidential = new("agent-confidential", "agent-confidential-secret", Key("agent-confidential"));
    public static readonly ClientCredentials Public = new("agent-public");
    public static readonly ClientCredentials Other = new("agent-other", "agent-other-secret", Key("agent-other"));
    public static readonly ClientCredentials Admin = new("mission-admin", "mission-admin-secret", Key("mission-admin"));
    public static readonly ClientCredentials Delegate = new(TestPrincipals.DelegateClient, "agent-delegate-secret");
    public static readonly ApproverAccount Alice = new("alice", "alice-approves");

    /// <summary>Carol assists Alice: she signs in as herself and approves on Alice's behalf.</summary>
    public static readonly ApproverAccount CarolForAlice = new("carol", "carol-assists", OnBehalfOf: "user-alice");
    public const string RedirectUri = TestPrincipals.RedirectUri;

    private readonly bool _ownsStack = true;

    private RunningReference(ReferenceStack stack, HttpClient http, MissionClient client, ServerLog log, bool ownsStack = true)
    {
        _ownsStack = ownsStack;
        Stack = stack;
        Http = http;
        Client = client;
        Log = log;
    }

    /// <summary>The server's warnings and errors, for assertion messages.</summary>
    public ServerLog Log { get; }

    public ReferenceStack Stack { get; }

    public HttpClient Http { get; }

    public MissionClient Client { get; }

    public IConsentDriver Consent { get; } = new FormConsentDriver(TimeSpan.FromSeconds(20));

    public string Issuer => Client.Metadata.Issuer;

    public static async Task<RunningReference> StartAsync(params Fault[] faults)
        => await StartAsync(new ReferenceStackOptions { Faults = new FaultSet(faults) });

    public static async Task<RunningReference> StartAsync(ReferenceStackOptions options)
    {
        var log = new ServerLog();
        var stack = await ReferenceStack.StartAsync(options with { ConfigureLogging = logging => logging.AddProvider(log) }, TestContext.Current.CancellationToken);
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var client = await MissionClient.DiscoverAsync(http, stack.Issuer, TestContext.Current.CancellationToken, options.Clock);
        return new RunningReference(stack, http, client, log);
    }

    /// <summary>The reference AS as Mission Authority Server of the board-packet projection issuers (mas.md); disposing the topology stops all.</summary>
    public static async Task<(RunningReference Authority, ResourceAs.MissionAuthorityTopology Topology)> StartMissionAuthorityAsync(params Fault[] issuerFaults)
    {
        var log = new ServerLog();
        var topology = await ResourceAs.MissionAuthorityTopology.StartAsync(new ReferenceStackOptions { ConfigureLogging = logging => logging.AddProvider(log) },
            ResourceAs.ProjectionIssuerSpec.BoardPacket, new FaultSet(issuerFaults), ct: Ct);
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var client = await MissionClient.DiscoverAsync(http, topology.Authority.Issuer, Ct);
        return (new RunningReference(topology.Authority, http, client, log, ownsStack: false), topology);
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The board-packet Intent of the seeds, expiring <paramref name="lifetime"/> from now (default 2 h).</summary>
    public static JsonObject BoardPacketIntent(DateTimeOffset? now = null, TimeSpan? lifetime = null) => new()
    {
        ["goal"] = "Prepare the Q3 2026 board packet and ask the CFO to review it",
        ["objects"] = new JsonArray(ResourceCatalogue.FinanceResource, ResourceCatalogue.DocsResource, ResourceCatalogue.WorkflowResource),
        ["constraints"] = new JsonArray("Q3 2026 figures only", "read-only on financial systems"),
        ["success_criteria"] = new JsonArray("board packet draft created", "CFO review requested"),
        ["mission_expiry"] = Rfc3339((now ?? DateTimeOffset.UtcNow) + (lifetime ?? TimeSpan.FromHours(2))),
        ["purpose"] = TestPrincipals.BoardPurpose,
        ["context"] = new JsonObject { ["max_derivations"] = "50" },
    };

    public static string Rfc3339(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public Task<WireResponse> PushAsync(string intent, Pkce pkce, ClientCredentials? client = null, params (string Name, string Value)[] extra)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("response_type", "code"), new("client_id", (client ?? Confidential).ClientId), new("redirect_uri", RedirectUri),
            new("code_challenge", pkce.Challenge), new("code_challenge_method", Pkce.Method), new("state", "st-" + Guid.NewGuid().ToString("N")[..8]),
            new("mission_intent", intent),
        ];
        form.AddRange(extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        return Client.PushAsync(client ?? Confidential, form, Ct);
    }

    public async Task<ConsentOutcome> ConsentAsync(string requestUri, ConsentDecision decision, ClientCredentials? client = null,
        IReadOnlyDictionary<string, string>? extraQuery = null, ApproverAccount? account = null)
        => await Consent.RunAsync(new ConsentRequest(Client.Metadata.AuthorizationEndpoint, (client ?? Confidential).ClientId, requestUri,
            RedirectUri, account ?? Alice, decision, extraQuery), Ct);

    /// <summary>PAR → consent (approve), asserting both worked; the code is left to the caller.</summary>
    public async Task<(Pkce Pkce, ConsentOutcome Consent)> PushAndApproveAsync(JsonObject? intent = null, ClientCredentials? client = null,
        (string, string)[]? parExtra = null, IReadOnlyDictionary<string, string>? frontChannelExtra = null)
    {
        client ??= Confidential;
        var pkce = Pkce.Create();
        var par = await PushAsync((intent ?? BoardPacketIntent()).ToJsonString(), pkce, client, parExtra ?? []);
        Assert.True(par.Status == HttpStatusCode.Created, $"PAR: {(int)par.Status} {par.Body}\n{Log}");
        var consent = await ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, client, frontChannelExtra);
        Assert.True(consent.Code is not null, $"consent: {consent.FinalRedirect}\n{Log}");
        return (pkce, consent);
    }

    public Task<WireResponse> RedeemAsync(string code, string verifier, ClientCredentials? client = null, IEnumerable<KeyValuePair<string, string>>? extra = null,
        DpopKey? dpop = null)
        => Client.RedeemCodeAsync(client ?? Confidential, code, verifier, RedirectUri, extra, Ct, dpop);

    /// <summary>PAR → consent (approve) → code redemption, asserting each step worked.</summary>
    public async Task<IssuedMission> ObtainAsync(JsonObject? intent = null, ClientCredentials? client = null,
        (string, string)[]? parExtra = null, IEnumerable<KeyValuePair<string, string>>? tokenExtra = null)
    {
        intent ??= BoardPacketIntent();
        client ??= Confidential;
        var (pkce, consent) = await PushAndApproveAsync(intent, client, parExtra);
        var token = await RedeemAsync(consent.Code!, pkce.Verifier, client, tokenExtra);
        Assert.True(token.Status == HttpStatusCode.OK, $"token: {(int)token.Status} {token.Body}\n{Log}");
        var accessToken = token.Member("access_token")!;
        var claims = DecodedJwt.Decode(accessToken);
        return new IssuedMission(claims.Payload.GetProperty("mission").GetProperty("id").GetString()!, token, accessToken, claims,
            token.Member("refresh_token"), consent, intent);
    }

    public Task<WireResponse> ExchangeAsync(string accessToken, ClientCredentials? client = null, params (string Name, string Value)[] extra)
        => Client.ExchangeAsync(client ?? Confidential, accessToken, extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), Ct);

    /// <summary>Token Exchange by a delegate, with a DPoP proof of <paramref name="key"/> when given.</summary>
    public Task<WireResponse> DelegateAsync(string accessToken, DpopKey? key, ClientCredentials? client = null, params (string Name, string Value)[] extra)
        => Client.ExchangeAsync(client ?? Delegate, accessToken, extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), Ct, dpop: key);

    /// <summary>Token Exchange for an ID-JAG (oauth-profile.md §14), for the workflow provider's Resource AS unless told otherwise.</summary>
    public Task<WireResponse> IdJagAsync(string subjectToken, DpopKey key, string subjectTokenType = TokenTypes.RefreshToken,
        string audience = ResourceCatalogue.WorkflowAuthorizationServer, ClientCredentials? client = null)
        => Client.ExchangeAsync(client ?? Confidential, subjectToken, [new("audience", audience), new("requested_token_type", TokenTypes.IdJag)], Ct, subjectTokenType, key);

    /// <summary>An ID-JAG from <paramref name="refreshToken"/> for <paramref name="resourceAs"/>, asserting it was issued; its decoded grant.</summary>
    public async Task<DecodedJwt> IdJagGrantAsync(string refreshToken, DpopKey key, string resourceAs = ResourceCatalogue.WorkflowAuthorizationServer)
    {
        var issued = await IdJagAsync(refreshToken, key, audience: resourceAs);
        Assert.True(issued.Status == HttpStatusCode.OK, $"ID-JAG: {(int)issued.Status} {issued.Body}\n{Log}");
        return DecodedJwt.Decode(issued.Member("access_token")!);
    }

    /// <summary>The pairwise mission.ref of an ID-JAG for <paramref name="resourceAs"/>.</summary>
    public async Task<string> PairwiseRefAsync(string refreshToken, DpopKey key, string resourceAs)
        => (await IdJagGrantAsync(refreshToken, key, resourceAs)).Payload.GetProperty("mission").GetProperty("ref").GetString()!;

    /// <summary>A Mission Status client of the reference (rs-docs, ras-workflow, …), asserting with its test key.</summary>
    public static ClientCredentials StatusClient(string clientId)
        => new(clientId, null, new Microsoft.IdentityModel.Tokens.JsonWebKey(Security.TestClientKeys.PrivateJwk(clientId)), AssertAtTokenEndpoint: true);

    public Task<WireResponse> MissionStatusAsync(string mission, string audience, ClientCredentials client)
        => Client.MissionStatusAsync(Client.Metadata.MissionStatusEndpoint!, client, mission, audience, MissionClient.NewNonce(), Ct);

    public Task<WireResponse> RefreshAsync(string refreshToken, ClientCredentials? client = null, params (string Name, string Value)[] extra)
        => Client.RefreshAsync(client ?? Confidential, refreshToken, extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), Ct);

    public Task<WireResponse> LifecycleAsync(string missionId, string operation, ClientCredentials? client = null)
        => Client.LifecycleAsync(client ?? Confidential, missionId, operation, null, Ct);

    public async Task<JsonObject?> RecordAsync(string missionId, ClientCredentials? client = null)
    {
        var response = await Client.InventoryAsync(client ?? Admin, missionId, null, Ct);
        return response.Status == HttpStatusCode.OK ? JsonNode.Parse(response.Body)!.AsObject() : null;
    }

    /// <summary>
    /// Sends mission_intent on a front-channel /authorize request (no PAR) and returns the error it
    /// got, from the redirect or the body (MBO-AS-PAR-002 allows either); null if it was not refused.
    /// </summary>
    /// <remarks>Without <paramref name="withIntent"/>, the plain front-channel request, which PAR being required refuses too (RFC 9126 §5).</remarks>
    public async Task<string?> FrontChannelIntentErrorAsync(bool withIntent = true)
    {
        var pkce = Pkce.Create();
        var query = new Dictionary<string, string>
        {
            ["client_id"] = Confidential.ClientId, ["response_type"] = "code", ["redirect_uri"] = RedirectUri,
            ["code_challenge"] = pkce.Challenge, ["code_challenge_method"] = Pkce.Method,
        };
        if (withIntent) query["mission_intent"] = BoardPacketIntent().ToJsonString();
        var url = new Uri(Client.Metadata.AuthorizationEndpoint + "?" + string.Join("&", query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
        return (await Client.GetAsync(url, Ct)).RedirectError;
    }

    public async Task<string?> StateAsync(string missionId) => (string?)(await RecordAsync(missionId))?["state"];

    /// <summary>Every Mission record the AS holds, pending ones included (as the administrator sees them).</summary>
    public async Task<int> CountMissionsAsync()
    {
        var response = await Client.InventoryAsync(Admin, null, null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return JsonNode.Parse(response.Body)!["missions"]!.AsArray().Count;
    }

    public static string RepositoryPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MissionConformance.sln"))) dir = dir.Parent;
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("repository root not found"), .. parts]);
    }

    private static Microsoft.IdentityModel.Tokens.JsonWebKey Key(string clientId)
        => ClientAssertion.LoadKey(RepositoryPath("fixtures", "keys", clientId + ".jwk.json"));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_ownsStack) await Stack.DisposeAsync();
    }
}
