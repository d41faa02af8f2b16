using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;

namespace MissionConformance.Harness.OAuth;

/// <summary>How a client authenticates: a secret (client_secret_basic), a key (private_key_jwt), or neither (public).</summary>
public sealed record ClientCredentials(string ClientId, string? Secret = null, JsonWebKey? Key = null, bool AssertAtTokenEndpoint = false);

/// <summary>
/// One HTTP exchange as the harness saw it: status, headers that matter, body, and (when the client
/// kept them) every response header but Date, for comparisons that must find no difference (MBO-MS-007).
/// </summary>
public sealed record WireResponse(HttpStatusCode Status, string? ContentType, string? CacheControl, string Body,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>
    /// The artifact this response is, as the call that captured it declared for its status (a PAR response, a token response,
    /// an OAuth error …), validated against its schema when it was captured; null for a call that declared none.
    /// </summary>
    public CapturedArtifact? Artifact { get; init; }

    /// <summary>The schema errors of <see cref="Artifact"/>; none when it validated, or when no artifact was declared.</summary>
    public IReadOnlyList<SchemaError> SchemaErrors => Artifact?.Errors ?? [];

    public string? Header(string name) => Headers is { } headers && headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public bool IsJson => ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The body as a JSON object, whatever the content type says; null when it is not one.</summary>
    public JsonElement? ObjectBody()
    {
        try
        {
            return JsonDocument.Parse(Body).RootElement.Clone() is { ValueKind: JsonValueKind.Object } body ? body : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string? Member(string name)
        => IsJson && ObjectBody() is { } body && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>
    /// The <c>error</c> code of an error body, read whatever the content type says: a refusal whose JSON is served as
    /// text still shows its code, and <see cref="ContentTypeProblem"/> names what is wrong with it.
    /// </summary>
    public string? ErrorCode => ObjectBody() is { } body && body.TryGetProperty("error", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Set when the body is a JSON object served under another content type (RFC 6749 §5.1, §5.2 require application/json).</summary>
    public string? ContentTypeProblem => !IsJson && ObjectBody() is not null
        ? $"its JSON body is served as {ContentType ?? "no content type"}, not application/json (RFC 6749 §5.2)"
        : null;

    /// <summary>The status and error code, for verdict messages: "HTTP 400 invalid_grant", and the content type when it is wrong.</summary>
    public string Outcome()
    {
        var error = ErrorCode;
        var outcome = $"HTTP {(int)Status}{(error is null ? "" : " " + error)}";
        return ContentTypeProblem is { } problem ? $"{outcome} ({problem})" : outcome;
    }
}

/// <summary>RFC 8414 metadata members the client needs.</summary>
public sealed record AuthorizationServerMetadata(JsonElement Document)
{
    /// <summary>Which discovery document each member came from (<see cref="MissionClient.DiscoverAsync"/>); empty when not fetched by discovery.</summary>
    public IReadOnlyDictionary<string, Uri> Sources { get; init; } = new Dictionary<string, Uri>();

    /// <summary>The document validated as RFC 8414 metadata with the Mission members when it was fetched (<see cref="MissionClient.DiscoverAsync"/>).</summary>
    public CapturedArtifact? Artifact { get; init; }

    /// <summary>The schema errors of <see cref="Artifact"/>; a harness error when the metadata was not fetched by discovery.</summary>
    public IReadOnlyList<SchemaError> SchemaErrors => Artifact?.Errors
        ?? throw new InvalidOperationException("harness error: this authorization server metadata was not validated where it was fetched");

    public string Issuer => Required("issuer");
    public Uri ParEndpoint => Url("pushed_authorization_request_endpoint", Required("pushed_authorization_request_endpoint"));
    public Uri AuthorizationEndpoint => Url("authorization_endpoint", Required("authorization_endpoint"));
    public Uri TokenEndpoint => Url("token_endpoint", Required("token_endpoint"));
    public Uri? RevocationEndpoint => Optional("revocation_endpoint");
    public Uri JwksUri => Url("jwks_uri", Required("jwks_uri"));
    public Uri? LifecycleEndpoint => Optional("mission_lifecycle_endpoint");
    public Uri? InventoryEndpoint => Optional("mission_inventory_endpoint");
    public Uri? MissionStatusEndpoint => Optional("mission_status_endpoint");
    public Uri? IntrospectionEndpoint => Optional("introspection_endpoint");

    /// <summary>The issuer member when it is a string, else null: what a report names the AS by when its metadata is broken.</summary>
    public string? IssuerIfString => Document.ValueKind == JsonValueKind.Object && Document.TryGetProperty("issuer", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // A member the harness needs that is absent, of another JSON type, or not a URL is the target's defect (issue 23: it was reported as
    // a harness error, or as absent when it was a number): the scenario is INTERRUPTED naming it, and the metadata check fails on it.
    private string Required(string name)
    {
        if (Document.ValueKind != JsonValueKind.Object || !Document.TryGetProperty(name, out var v))
        {
            throw new ScenarioInterruptedException($"the authorization server metadata has no \"{name}\" (RFC 8414 §2)");
        }
        return v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new ScenarioInterruptedException($"the authorization server metadata's \"{name}\" is {Describe(v)}, not a string (RFC 8414 §2)");
    }

    private Uri? Optional(string name)
        => Document.ValueKind == JsonValueKind.Object && Document.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Url(name, v.GetString()!) : null;

    private static Uri Url(string name, string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new ScenarioInterruptedException($"the authorization server metadata's \"{name}\" is not an absolute http(s) URL (RFC 8414 §2)");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>
/// The harness as an OAuth client of a Mission-Bound AS. Sends exactly what it is told: no retries,
/// no automatic redirects, every request bounded by the HttpClient's timeout.
/// </summary>
public sealed class MissionClient(HttpClient http, AuthorizationServerMetadata metadata, TimeProvider? clock = null)
{
    /// <summary>The last DPoP-Nonce the token endpoint gave (RFC 9449 §8), put in every later proof made for it.</summary>
    private string? _tokenEndpointNonce;

    public AuthorizationServerMetadata Metadata => metadata;

    /// <summary>
    /// Whether tokens are to be asked for with DPoP proofs: the AS advertises DPoP (RFC 9449 §5.1
    /// dpop_signing_alg_values_supported, or "dpop" in mission_sender_constraints_supported).
    /// </summary>
    public bool AdvertisesDpop
        => (metadata.Document.TryGetProperty("dpop_signing_alg_values_supported", out var algs) && algs.ValueKind == JsonValueKind.Array && algs.GetArrayLength() > 0)
            || (metadata.Document.TryGetProperty("mission_sender_constraints_supported", out var mechanisms) && mechanisms.ValueKind == JsonValueKind.Array
                && mechanisms.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && m.GetString() == "dpop"));

    /// <summary>The RFC 8414 metadata document of <paramref name="issuer"/>, which discovery reads unless told which documents to read.</summary>
    public static Uri Rfc8414Document(Uri issuer) => new(issuer.AbsoluteUri.TrimEnd('/') + "/.well-known/oauth-authorization-server");

    /// <summary>
    /// Fetches the AS's metadata: the RFC 8414 document, or the <paramref name="documents"/> the target file names (discovery), merged
    /// by one rule: a member comes from the first document that has it, and <see cref="AuthorizationServerMetadata.Sources"/> says
    /// which (an AS may publish its Mission members only in OpenID Connect discovery). The merged document is what is validated.
    /// <paramref name="clock"/> dates client assertions (a test's fake clock).
    /// </summary>
    public static async Task<MissionClient> DiscoverAsync(HttpClient http, Uri issuer, CancellationToken ct, TimeProvider? clock = null, IReadOnlyList<Uri>? documents = null)
    {
        documents = documents is { Count: > 0 } ? documents : [Rfc8414Document(issuer)];
        var merged = new System.Text.Json.Nodes.JsonObject();
        var sources = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var url in documents)
        {
            var document = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(url, ct)) as System.Text.Json.Nodes.JsonObject
                ?? throw new InvalidOperationException($"{url} is not a JSON object");
            foreach (var (name, value) in document.Where(m => !merged.ContainsKey(m.Key)).ToList())
            {
                merged[name] = value?.DeepClone();
                sources[name] = url;
            }
        }
        var body = merged.ToJsonString();
        var metadata = new AuthorizationServerMetadata(JsonDocument.Parse(body).RootElement.Clone())
        {
            Artifact = CapturedArtifact.Validate(ArtifactKind.AsMetadata, body), Sources = sources,
        };
        return new MissionClient(http, metadata, clock);
    }

    public Task<WireResponse> PushAsync(ClientCredentials client, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
        => CaptureAsync(PostFormAsync(metadata.ParEndpoint, client, parameters, ct), status => status == HttpStatusCode.Created ? ArtifactKind.ParResponse : ErrorKind(status));

    /// <remarks>With <paramref name="dpop"/>, the request carries an RFC 9449 proof by that key, so the tokens can be bound to it (§5).</remarks>
    public Task<WireResponse> RedeemCodeAsync(ClientCredentials client, string code, string verifier, string redirectUri,
        IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct, DpopKey? dpop = null)
        => CaptureAsync(PostTokenAsync(client,
            [new("grant_type", "authorization_code"), new("code", code), new("code_verifier", verifier), new("redirect_uri", redirectUri), .. extra ?? []], dpop, ct), TokenKind);

    /// <remarks>With <paramref name="dpop"/>, the request proves the key a DPoP-bound refresh token is bound to (RFC 9449 §5).</remarks>
    public Task<WireResponse> RefreshAsync(ClientCredentials client, string refreshToken, IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct,
        DpopKey? dpop = null)
        => CaptureAsync(PostTokenAsync(client, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken), .. extra ?? []], dpop, ct), TokenKind);

    /// <summary>RFC 8693 Token Exchange of <paramref name="subjectToken"/> (an access token unless <paramref name="subjectTokenType"/> says otherwise).</summary>
    /// <remarks>With <paramref name="dpop"/>, the request carries an RFC 9449 proof by that key, so the issued token can be bound to it (a delegate's own key, MBO-AS-DEL-003).</remarks>
    /// <exception cref="InvalidOperationException">A harness error: the request would break token-exchange-request.schema.json, so a refusal would prove nothing about the target.</exception>
    public Task<WireResponse> ExchangeAsync(ClientCredentials client, string subjectToken, IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct,
        string subjectTokenType = TokenTypes.AccessToken, DpopKey? dpop = null)
    {
        List<KeyValuePair<string, string>> form = [new("grant_type", TokenTypes.ExchangeGrant), new("subject_token", subjectToken), new("subject_token_type", subjectTokenType), .. extra ?? []];
        if (ArtifactSchemas.Validate(ArtifactKind.TokenExchangeRequest, ArtifactSchemas.FormAsJson(form)) is { Count: > 0 } errors)
        {
            throw new InvalidOperationException($"harness error: its Token Exchange request breaks token-exchange-request.schema.json: {string.Join("; ", errors.Take(3))}");
        }
        var issued = form.Any(p => p.Key == "requested_token_type" && p.Value == TokenTypes.IdJag) ? ArtifactKind.IdJagResponse : ArtifactKind.TokenExchangeResponse;
        return CaptureAsync(PostTokenAsync(client, form, dpop, ct), status => status == HttpStatusCode.OK ? issued : ErrorKind(status));
    }

    /// <summary>
    /// RFC 7523 §2.1 at a Resource AS: <paramref name="assertion"/> (an ID-JAG) for a local token, with a proof by <paramref name="dpop"/>
    /// when one is given, retried once with the nonce a use_dpop_nonce answer asks for (RFC 9449 §8), as every grant at a token endpoint is.
    /// </summary>
    public Task<WireResponse> JwtBearerAsync(ClientCredentials client, string assertion, DpopKey? dpop, IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct)
        => CaptureAsync(PostTokenAsync(client, [new("grant_type", TokenTypes.JwtBearerGrant), new("assertion", assertion), .. extra ?? []], dpop, ct), TokenKind);

    /// <summary>RFC 7523 §2.1 with <paramref name="dpopProof"/> exactly as given (none: no DPoP header), never retried: for probes of a malformed proof.</summary>
    public Task<WireResponse> JwtBearerAsync(ClientCredentials client, string assertion, string? dpopProof, IEnumerable<KeyValuePair<string, string>>? extra, CancellationToken ct)
        => CaptureAsync(PostFormAsync(metadata.TokenEndpoint, client, [new("grant_type", TokenTypes.JwtBearerGrant), new("assertion", assertion), .. extra ?? []], ct, dpopProof), TokenKind);

    public Task<WireResponse> RevokeTokenAsync(ClientCredentials client, string token, CancellationToken ct)
        => PostFormAsync(metadata.RevocationEndpoint ?? throw new InvalidOperationException("no revocation_endpoint advertised"), client, [new("token", token)], ct);

    /// <summary>
    /// A lifecycle operation (oauth-profile.md §12; ietf status draft §Mission Lifecycle Endpoint) at the endpoint the target file
    /// declares, else the advertised one: authenticated as declared (a credential header) or with private_key_jwt; with
    /// <paramref name="withAssertion"/> false, with neither (the client's secret, if it has one, as client_secret_basic), for
    /// the 401 checks. The Mission's id goes in the path when the declared URL has {mission}, else in the edition's member.
    /// </summary>
    public Task<WireResponse> LifecycleAsync(ClientCredentials client, string missionId, string operation, string? nonce, CancellationToken ct,
        bool withAssertion = true)
    {
        var declared = DeclaredLifecycle;
        var endpoint = declared?.For(missionId) ?? metadata.LifecycleEndpoint
            ?? throw new InvalidOperationException("no mission_lifecycle_endpoint advertised, and none declared (target file lifecycle)");
        List<KeyValuePair<string, string>> fields = declared is { MissionInPath: true } ? [] : [new(Edition.MissionIdParameter, missionId)];
        fields.Add(new("operation", operation));
        fields.Add(new("nonce", nonce ?? NewNonce()));
        var sent = declared?.Authentication is { } credential
            ? SendDeclaredAsync(endpoint, declared.Body, fields, withAssertion ? credential : null, client, ct)
            : withAssertion ? PostAssertedAsync(endpoint, client, fields, ct) : PostFormAsync(endpoint, client, fields, ct);
        // A success is a Mission Status JWS (its payload validated as the edition shapes it); a conflict and the other errors have schemas of their own.
        return CaptureAsync(sent, status => status == HttpStatusCode.Conflict ? ArtifactKind.ConcurrentModification : StatusAnswerKind(status));
    }

    /// <summary>The lifecycle endpoint the target file declares (authorizationServers[].lifecycle), which replaces the advertised one.</summary>
    public DeclaredEndpoint? DeclaredLifecycle { get; init; }

    /// <summary>The edition whose member names this client's requests use where editions differ.</summary>
    public Edition Edition { get; init; } = Edition.Seed;

    /// <summary>Whether there is a lifecycle endpoint to call: declared in the target file, or advertised.</summary>
    public bool HasLifecycle => DeclaredLifecycle is not null || metadata.LifecycleEndpoint is not null;

    /// <summary>Where the lifecycle endpoint comes from, for a message: the target file or the metadata.</summary>
    public string LifecycleSource => DeclaredLifecycle is not null ? "the target file's lifecycle" : "mission_lifecycle_endpoint";

    /// <summary>This client, its edition and declarations kept, sending over <paramref name="other"/> (a TLS client with a certificate, for mtls).</summary>
    public MissionClient Over(HttpClient other) => new(other, metadata, clock) { DeclaredLifecycle = DeclaredLifecycle, DeclaredStatus = DeclaredStatus, Edition = Edition };

    /// <summary>The Mission Status operation the target file declares (authorizationServers[].missionStatus), which replaces the advertised one.</summary>
    public DeclaredEndpoint? DeclaredStatus { get; init; }

    /// <summary>
    /// This client, speaking <paramref name="edition"/> and calling the lifecycle endpoint <paramref name="lifecycle"/> and the Mission
    /// Status operation <paramref name="status"/> declare.
    /// </summary>
    public MissionClient Declaring(DeclaredEndpoint? lifecycle, Edition edition, DeclaredEndpoint? status = null)
        => new(http, metadata, clock) { DeclaredLifecycle = lifecycle, DeclaredStatus = status, Edition = edition };

    /// <summary>
    /// A request to a declared endpoint, its body written as declared: with <paramref name="credential"/> in its header, or
    /// without (then <paramref name="client"/>'s secret, if any, as client_secret_basic).
    /// </summary>
    private Task<WireResponse> SendDeclaredAsync(Uri endpoint, DeclaredBody body, List<KeyValuePair<string, string>> fields, DeclaredAuthentication? credential,
        ClientCredentials client, CancellationToken ct)
    {
        if (credential is null && body == DeclaredBody.Form) return PostFormAsync(endpoint, new ClientCredentials(client.ClientId, client.Secret), fields, ct);
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in fields) json[name] = value;
        var request = body == DeclaredBody.Query
            ? new HttpRequestMessage(HttpMethod.Get, WithQuery(endpoint, fields))
            : new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = body == DeclaredBody.Json ? new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") : new FormUrlEncodedContent(fields),
            };
        if (credential is not null) request.Headers.TryAddWithoutValidation(credential.Header, credential.Value);
        else if (client.Secret is { } secret) request.Headers.Authorization = Basic(client.ClientId, secret);
        return SendAsync(request, ct);
    }

    /// <summary><paramref name="endpoint"/> with <paramref name="fields"/> added to its query, form-urlencoded.</summary>
    private static Uri WithQuery(Uri endpoint, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var added = string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var builder = new UriBuilder(endpoint);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + added : added;
        return builder.Uri;
    }

    /// <summary>client_secret_basic: RFC 6749 §2.3.1 form-urlencodes id and secret before Base64.</summary>
    private static AuthenticationHeaderValue Basic(string clientId, string secret)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));

    public Task<WireResponse> InventoryAsync(ClientCredentials client, string? missionId, string? subject, CancellationToken ct)
    {
        var endpoint = metadata.InventoryEndpoint ?? throw new InvalidOperationException("no mission_inventory_endpoint advertised");
        List<KeyValuePair<string, string>> form = [];
        if (missionId is not null) form.Add(new("mission", missionId));
        if (subject is not null) form.Add(new("subject", subject));
        return CaptureAsync(PostAssertedAsync(endpoint, client, form, ct), status => status == HttpStatusCode.OK && missionId is not null ? ArtifactKind.MissionRecord : null);
    }

    /// <summary>
    /// A Mission Status request (mission-status.md "Request"): private_key_jwt by default; without an
    /// assertion, <paramref name="client"/>'s secret (if any) goes as client_secret_basic, for the 401 checks.
    /// </summary>
    public Task<WireResponse> MissionStatusAsync(Uri endpoint, ClientCredentials client, string mission, string audience, string? nonce, CancellationToken ct,
        bool withAssertion = true)
    {
        var form = StatusFields(mission, audience, nonce, missionInPath: false);
        return CaptureAsync(withAssertion ? PostAssertedAsync(endpoint, client, form, ct) : PostFormAsync(endpoint, client, form, ct), StatusAnswerKind);
    }

    /// <summary>
    /// A Mission Status request to the operation the target file declares, written as declared: with its credential, or with
    /// <paramref name="withCredential"/> false without it (then <paramref name="client"/>'s secret, if any, as client_secret_basic).
    /// With <paramref name="asEditionSays"/>, the edition's own request instead: a form POST to the declared URL naming the Mission
    /// in its member (MBO-MS-001), still with the declared credential. A null <paramref name="nonce"/> sends none (MBO-MS-009).
    /// </summary>
    public Task<WireResponse> DeclaredStatusAsync(ClientCredentials client, string mission, string audience, string? nonce, CancellationToken ct,
        bool withCredential = true, bool asEditionSays = false)
    {
        var declared = DeclaredStatus ?? throw new InvalidOperationException("no Mission Status operation declared (target file missionStatus)");
        var fields = StatusFields(mission, audience, nonce, missionInPath: declared.MissionInPath && !asEditionSays);
        var body = asEditionSays ? DeclaredBody.Form : declared.Body;
        var credential = withCredential ? declared.Authentication : null;
        var sent = credential is null && body == DeclaredBody.Form && withCredential
            ? PostAssertedAsync(declared.For(mission), client, fields, ct)
            : SendDeclaredAsync(declared.For(mission), body, fields, credential, client, ct);
        return CaptureAsync(sent, StatusAnswerKind);
    }

    /// <summary>The fields of a Mission Status request, in the edition's names; no Mission member when the URL carries it, no nonce when null.</summary>
    private List<KeyValuePair<string, string>> StatusFields(string mission, string audience, string? nonce, bool missionInPath)
    {
        List<KeyValuePair<string, string>> fields = missionInPath ? [] : [new(Edition.MissionIdParameter, mission)];
        fields.Add(new("audience", audience));
        if (nonce is not null) fields.Add(new("nonce", nonce));
        return fields;
    }

    /// <summary>
    /// A Mission-Status-scoped DPoP token for dpop_bearer (mission-status.md "Authentication"). The spec does not say how
    /// one is obtained; the suite's convention: the client_credentials grant at the token endpoint, private_key_jwt, with
    /// <c>resource</c> the Mission Status endpoint (RFC 8707) and a DPoP proof by <paramref name="key"/> (RFC 9449).
    /// </summary>
    public Task<WireResponse> StatusTokenAsync(ClientCredentials client, Uri statusEndpoint, DpopKey key, CancellationToken ct)
    {
        var signer = KeyOf(client);
        return WithTokenEndpointNonceAsync(key, proof =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, metadata.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(
                [
                    new("grant_type", "client_credentials"), new("resource", statusEndpoint.AbsoluteUri),
                    new("client_assertion_type", ClientAssertion.Type), new("client_assertion", ClientAssertion.Create(signer, client.ClientId, metadata.Issuer, clock)),
                ]),
            };
            request.Headers.Add("DPoP", proof!);
            return SendAsync(request, ct);
        });
    }

    /// <summary>A Mission Status request authenticated by dpop_bearer: <c>Authorization: DPoP</c> with <paramref name="token"/>, and <paramref name="proof"/> (none: no DPoP header).</summary>
    public Task<WireResponse> MissionStatusWithTokenAsync(Uri endpoint, string token, string? proof, string mission, string audience, string? nonce, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(StatusFields(mission, audience, nonce, missionInPath: false)),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        if (proof is not null) request.Headers.Add("DPoP", proof);
        return CaptureAsync(SendAsync(request, ct), StatusAnswerKind);
    }

    /// <summary>
    /// RFC 7662 introspection of <paramref name="token"/>, authenticated with private_key_jwt (client_secret_basic for a
    /// client with a secret and no key) unless told otherwise; <paramref name="accept"/> asks for the RFC 9701 signed form.
    /// </summary>
    public Task<WireResponse> IntrospectAsync(Uri endpoint, ClientCredentials client, string token, CancellationToken ct, bool withAssertion = true, string? accept = null)
    {
        List<KeyValuePair<string, string>> form = [new("token", token), new("token_type_hint", "access_token")];
        if (withAssertion && client.Key is null && client.Secret is not null)
        {
            // A client with a secret only (a Resource AS's Resource Server, an introspection principal): client_secret_basic.
            return CaptureAsync(PostFormAsync(endpoint, client, form, ct, accept: accept), IntrospectionKind(accept));
        }
        if (withAssertion)
        {
            var key = KeyOf(client);
            form.Add(new("client_assertion_type", ClientAssertion.Type));
            form.Add(new("client_assertion", ClientAssertion.Create(key, client.ClientId, metadata.Issuer, clock)));
        }
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return CaptureAsync(SendAsync(request, ct), IntrospectionKind(accept));
    }

    /// <summary>
    /// The capture layer's schema step: the response, with the artifact <paramref name="kindOf"/> says its status makes it validated
    /// against that artifact's schema. Each call that receives a specified artifact declares it here, so none escapes validation.
    /// </summary>
    private static async Task<WireResponse> CaptureAsync(Task<WireResponse> sent, Func<HttpStatusCode, ArtifactKind?> kindOf)
    {
        var response = await sent;
        return kindOf(response.Status) is { } kind ? response with { Artifact = CapturedArtifact.Validate(kind, response.Body) } : response;
    }

    /// <summary>RFC 6749 §5.2: an OAuth endpoint's error answer, whatever its status, is an error response.</summary>
    private static ArtifactKind? ErrorKind(HttpStatusCode status) => (int)status >= 400 ? ArtifactKind.OAuthError : null;

    private static ArtifactKind? TokenKind(HttpStatusCode status) => status == HttpStatusCode.OK ? ArtifactKind.TokenResponse : ErrorKind(status);

    /// <summary>Mission Status: a success is a JWS whose payload is validated (<see cref="CapturedArtifact.SentAsJws"/>); an error has its own schema.</summary>
    private static ArtifactKind? StatusKind(HttpStatusCode status)
        => (int)status is >= 200 and < 300 ? ArtifactKind.MissionStatus : (int)status >= 400 ? ArtifactKind.StatusError : null;

    /// <summary>A Mission Status answer, from the Mission Status or the lifecycle endpoint: the edition's payload schema on success.</summary>
    private ArtifactKind? StatusAnswerKind(HttpStatusCode status) => StatusKind(status) == ArtifactKind.MissionStatus ? Edition.StatusPayload : StatusKind(status);

    /// <summary>RFC 7662 JSON; the RFC 9701 signed form is a JWT, validated where it is decoded.</summary>
    private static Func<HttpStatusCode, ArtifactKind?> IntrospectionKind(string? accept)
        => status => status == HttpStatusCode.OK && accept is null ? ArtifactKind.IntrospectionResponse : null;

    /// <summary>A plain GET of a document, as a <see cref="WireResponse"/>; a 200 is validated as <paramref name="artifact"/> when one is named.</summary>
    public Task<WireResponse> GetDocumentAsync(Uri url, CancellationToken ct, ArtifactKind? artifact = null)
        => CaptureAsync(SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct), status => status == HttpStatusCode.OK ? artifact : null);

    /// <summary>A GET that follows no redirect: its status, and the error of a redirect back to the client, if any.</summary>
    public async Task<(HttpStatusCode Status, string? RedirectError)> GetAsync(Uri url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        if (response.Headers.Location is { } location)
        {
            return (response.StatusCode, System.Web.HttpUtility.ParseQueryString(new Uri(url, location).Query)["error"]);
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        return (response.StatusCode, body.Contains("\"error\"", StringComparison.Ordinal) || body.Contains("invalid_request", StringComparison.Ordinal) ? ErrorIn(body) : null);
    }

    private static string? ErrorIn(string body)
    {
        try
        {
            // A target's body may be any JSON: only a string error member of an object is an error code.
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return body.Contains("invalid_request", StringComparison.Ordinal) ? "invalid_request" : null;
        }
    }

    public async Task<string> GetJwksAsync(CancellationToken ct) => await http.GetStringAsync(metadata.JwksUri, ct);

    /// <summary>
    /// The key <paramref name="client"/> signs its private_key_jwt assertions with. A client the target file gives no key is the file's
    /// gap, not the harness's: the scenario is interrupted naming the member to add.
    /// </summary>
    private static Microsoft.IdentityModel.Tokens.JsonWebKey KeyOf(ClientCredentials client)
        => client.Key ?? throw new ScenarioInterruptedException(
            $"this request authenticates client {client.ClientId} by private_key_jwt, and the target file gives it no key (authorizationServers[].clients[].keyFile)");

    public static string NewNonce() => Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

    private Task<WireResponse> PostAssertedAsync(Uri endpoint, ClientCredentials client, List<KeyValuePair<string, string>> form, CancellationToken ct)
    {
        var key = KeyOf(client);
        form.Add(new("client_assertion_type", ClientAssertion.Type));
        form.Add(new("client_assertion", ClientAssertion.Create(key, client.ClientId, metadata.Issuer, clock)));
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) }, ct);
    }

    /// <summary>A token request, with a proof by <paramref name="dpop"/> when one is given, retried once with the nonce the AS asks for.</summary>
    private Task<WireResponse> PostTokenAsync(ClientCredentials client, IEnumerable<KeyValuePair<string, string>> parameters, DpopKey? dpop, CancellationToken ct)
    {
        var form = parameters.ToList();
        return WithTokenEndpointNonceAsync(dpop, proof => PostFormAsync(metadata.TokenEndpoint, client, form, ct, proof));
    }

    /// <summary>
    /// RFC 9449 §8: sends a request to the token endpoint with a fresh proof by <paramref name="dpop"/> (none: no proof), carrying
    /// the last nonce the AS gave; when the AS answers 400 use_dpop_nonce with a DPoP-Nonce header, sends it once more with that
    /// nonce (a new proof, new jti, and a new client assertion, built by <paramref name="send"/>). Every DPoP-Nonce an answer carries
    /// is kept for the next proof (§8.2).
    /// </summary>
    private async Task<WireResponse> WithTokenEndpointNonceAsync(DpopKey? dpop, Func<string?, Task<WireResponse>> send)
    {
        var url = metadata.TokenEndpoint.AbsoluteUri;
        var sent = _tokenEndpointNonce;
        var response = await send(dpop?.Proof("POST", url, accessToken: null, sent));
        if (dpop is null || response.Header("DPoP-Nonce") is not { Length: > 0 } nonce) return response;
        var retry = response.Status == HttpStatusCode.BadRequest && response.ErrorCode == "use_dpop_nonce" && nonce != sent;
        _tokenEndpointNonce = nonce;
        return retry ? await send(dpop.Proof("POST", url, accessToken: null, nonce)) : response;
    }

    private Task<WireResponse> PostFormAsync(Uri endpoint, ClientCredentials client, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct,
        string? dpopProof = null, string? accept = null)
    {
        var form = parameters.ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        if (dpopProof is not null) request.Headers.Add("DPoP", dpopProof);
        if (client.Secret is not null)
        {
            request.Headers.Authorization = Basic(client.ClientId, client.Secret);
        }
        else if (client.AssertAtTokenEndpoint && client.Key is not null)
        {
            form.Add(new("client_assertion_type", ClientAssertion.Type));
            form.Add(new("client_assertion", ClientAssertion.Create(client.Key, client.ClientId, metadata.Issuer, clock)));
        }
        else if (!form.Any(p => p.Key == "client_id"))
        {
            form.Add(new("client_id", client.ClientId));
        }
        request.Content = new FormUrlEncodedContent(form);
        return SendAsync(request, ct);
    }

    private async Task<WireResponse> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        using (var response = await http.SendAsync(request, ct))
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var headers = response.Headers.Concat(response.Content.Headers)
                .Where(h => !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            return new WireResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                response.Headers.CacheControl?.ToString(), body, headers);
        }
    }
}
