using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Harness.Targets;
using MissionConformance.Harness.Wire;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// A token endpoint answer with its access token's claims: decoded from a JWT, or for an opaque token introspected
/// (<see cref="OpaqueTokens"/>), as far as the AS shows them.
/// </summary>
public sealed record TokenExchange(WireResponse Response, string? AccessToken, DecodedJwt? Jwt, string? RefreshToken)
{
    public bool Succeeded => Response.Status == HttpStatusCode.OK && Claims is not null;

    /// <summary>An opaque access token's claims as introspection showed them (<see cref="OpaqueTokens.ReadAsync"/>); null for a JWT or when nobody could introspect it.</summary>
    public JsonElement? Introspected { get; init; }

    /// <summary>The audiences whose status clients introspected the opaque token: the claims show what the AS shows them, no more.</summary>
    public IReadOnlyList<string> IntrospectedFor { get; init; } = [];

    /// <summary>The access token's claims: the JWT's payload, else what introspection showed.</summary>
    public JsonElement? Claims => Jwt?.Payload ?? Introspected;

    /// <summary>The RFC 7638 thumbprint of the key whose DPoP proof the request carried; null when it carried none.</summary>
    public string? ProvedKey { get; init; }

    /// <summary>RFC 9449 §5: token_type DPoP says the access token is bound to the key the request proved.</summary>
    public bool DpopBound => string.Equals(Response.Member("token_type"), "DPoP", StringComparison.OrdinalIgnoreCase);

    public JsonElement? Mission => Claims is { } claims && claims.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object ? m : null;

    /// <summary>The edition the token was asked for in, whose names its mission claim uses (set by <see cref="MissionFlow"/>).</summary>
    public Edition Edition { get; init; } = Edition.Seed;

    /// <summary>The mission claim's state authority: <c>origin</c> in the seed edition, <c>issuer</c> in ietf-2026-08.</summary>
    public string? MissionAuthority => Mission is { } m && m.TryGetProperty(Edition.MissionAuthorityMember, out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;

    /// <summary>The mission claim members that bind a token to its Mission: the reference, the state authority, the authority hash.</summary>
    public IReadOnlyList<string> BindingMembers => ["id", Edition.MissionAuthorityMember, "authority_hash"];

    /// <summary>
    /// The name the token gives its Mission: its id, or in a pairwise sector the audience's ref, which Mission Status and the lifecycle
    /// endpoint take alike (oauth-profile §12 "mission (id or ref)", §15). Checks that need the canonical id read mission.id itself.
    /// </summary>
    public string? MissionId => Mission is { } m && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : MissionRef;

    /// <summary>The pairwise mission.ref a token carries instead of the id (oauth-profile §14); Mission Status resolves it for the sector.</summary>
    public string? MissionRef => Mission is { } m && m.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    public string? Claim(string name) => Claims is { } claims && claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public JsonElement? ResponseDetails => Response.IsJson && Response.Json.TryGetProperty("authorization_details", out var d) ? d : null;

    public JsonElement? TokenDetails => Claims is { } claims && claims.TryGetProperty("authorization_details", out var d) ? d : null;

    /// <summary>
    /// <see cref="Claims"/> validated as access-token claims where they were captured: the JWT's payload as it was decoded, or
    /// introspection's answers as <see cref="OpaqueTokens"/> joined them (whose root lacks what introspection does not show,
    /// so read those by <see cref="CapturedArtifact.Under"/> a claim). Null when no claims were captured.
    /// </summary>
    public CapturedArtifact? ClaimsArtifact => Jwt?.PayloadArtifact ?? IntrospectedArtifact;

    /// <summary>The introspected claims' validation, set with <see cref="Introspected"/>.</summary>
    public CapturedArtifact? IntrospectedArtifact { get; init; }

    /// <summary>The schema errors of <see cref="TokenDetails"/>, from <see cref="ClaimsArtifact"/>.</summary>
    public IReadOnlyList<SchemaError>? DetailsErrors => ClaimsArtifact?.Under("/authorization_details");

    /// <summary>The token's authorization_details entries; none when it has no array of them.</summary>
    public IReadOnlyList<JsonElement> Entries => TokenDetails is { ValueKind: JsonValueKind.Array } details ? details.EnumerateArray().ToList() : [];

    public IReadOnlyList<string> Audiences => Claims is not { } claims || !claims.TryGetProperty("aud", out var aud)
        ? []
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString() ?? "").ToList() : [aud.GetString() ?? ""];

    /// <summary>
    /// Decodes a token response, validating the issued token as what it is (an access token unless <paramref name="issued"/> says
    /// otherwise, e.g. an ID-JAG); an access token that is not a JWT leaves <see cref="Jwt"/> null.
    /// </summary>
    public static TokenExchange From(WireResponse response, JwtArtifact? issued = null)
    {
        var accessToken = response.Member("access_token");
        DecodedJwt? jwt = null;
        if (accessToken is not null)
        {
            try
            {
                jwt = DecodedJwt.Decode(accessToken, issued ?? JwtArtifact.AccessToken);
            }
            catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
            {
                jwt = null;
            }
        }
        return new TokenExchange(response, accessToken, jwt, response.Member("refresh_token"));
    }
}

/// <summary>An approved Mission as the harness obtained it: the intent sent, consent outcome, first token.</summary>
public sealed record ObtainedMission(JsonObject Intent, Pkce Pkce, ConsentOutcome Consent, TokenExchange Token, DateTimeOffset MissionExpiry)
{
    public string? MissionId => Token.MissionId;

    /// <summary>The resources the Intent named (objects, or resources, as its edition calls them), in order.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];
}

/// <summary>
/// The steps every scenario shares, played as a client of the AS under test. A step that fails for
/// a reason the scenario does not judge interrupts the scenario with that reason.
/// </summary>
public sealed class MissionFlow(ScenarioContext context)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(2);

    public AuthorizationServerTarget Server => context.Server;

    public TargetClient Agent => Server.Agent;

    /// <summary>The edition the target speaks: the Intent's shape and the members the wire names (<see cref="Edition"/>).</summary>
    public Edition Edition => context.Target.Edition;

    /// <summary>
    /// The target file's Intent expiring <paramref name="lifetime"/> from now, its goal marked with a
    /// nonce: goals are preserved verbatim (§3.2), so the marker finds this Mission in the inventory.
    /// </summary>
    public JsonObject Intent(TimeSpan? lifetime = null, int? maxDerivations = null)
    {
        var intent = Edition.WithExpiry(Server.Intent, context.Clock.GetUtcNow() + (lifetime ?? DefaultLifetime));
        intent["goal"] = $"{(string?)intent["goal"]} (conformance run {MissionClient.NewNonce()[..12]})";
        return maxDerivations is { } bound ? Edition.WithMaxDerivations(intent, bound) : intent;
    }

    /// <summary>The resources an Intent names, in its edition's member.</summary>
    public IReadOnlyList<string> Resources(JsonObject intent) => Edition.Resources(intent);

    /// <summary>The Intent's requested expiry; a harness error when it has none (every Intent the harness sends has one).</summary>
    public DateTimeOffset Expiry(JsonObject intent)
        => Edition.Expiry(intent) ?? throw new InvalidOperationException($"harness error: the Intent has no {Edition.ExpiryMember}");

    public Task<WireResponse> PushAsync(string intent, Pkce pkce, TargetClient? client = null, params (string Name, string Value)[] extra)
    {
        client ??= Agent;
        List<KeyValuePair<string, string>> form =
        [
            new("response_type", "code"), new("client_id", client.ClientId), new("redirect_uri", Server.RedirectUri),
            new("code_challenge", pkce.Challenge), new("code_challenge_method", Pkce.Method), new("state", "st-" + MissionClient.NewNonce()[..10]),
            new("mission_intent", Edition.Submission(intent)),
        ];
        form.AddRange(extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        // The suite's own parameters win; a repeated parameter of the target file keeps every value.
        form.AddRange(ParParameters(client, Edition, intent, form.Select(f => f.Key).ToHashSet(StringComparer.Ordinal)));
        return context.Client.PushAsync(client.Credentials, form, context.Cancellation);
    }

    /// <summary>What <paramref name="client"/>'s target-file PAR parameters add to a push of <paramref name="intent"/> beside the suite's own (<paramref name="own"/>), which win.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParParameters(TargetClient client, Edition edition, string intent, IReadOnlySet<string> own)
        => [.. client.ParParameters.Where(p => !own.Contains(p.Key)).SelectMany(p => Expand(p, edition, intent))];

    /// <summary>
    /// A target-file PAR parameter whose value is <see cref="TargetClient.IntentResources"/> becomes one parameter per resource the
    /// pushed Intent names (none for an Intent that does not parse, or repeats a member), so an AS that needs <c>resource</c> beside the Intent gets the
    /// Intent's own, whatever Intent a scenario pushes.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Expand(KeyValuePair<string, string> parameter, Edition edition, string intent)
    {
        if (parameter.Value != TargetClient.IntentResources) return [parameter];
        try
        {
            return JsonNode.Parse(intent) is JsonObject parsed ? [.. edition.Resources(parsed).Select(r => KeyValuePair.Create(parameter.Key, r))] : [];
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return [];  // a probe's malformed Intent (unparseable, duplicate members) names no resources
        }
    }

    /// <summary>PAR of an Intent the AS must accept; the scenario is interrupted if it refuses the target file's own Intent.</summary>
    public async Task<(WireResponse Par, string RequestUri)> PushAcceptedAsync(JsonObject intent, Pkce pkce, TargetClient? client = null, params (string Name, string Value)[] extra)
    {
        var par = await PushAsync(intent.ToJsonString(), pkce, client, extra);
        if (!IntentAccepted(par, out var requestUri))
        {
            throw new ScenarioInterruptedException($"PAR refused the target file's intent (authorizationServers[0].intent): HTTP {(int)par.Status} {Excerpt(par.Body)}");
        }
        return (par, requestUri);
    }

    /// <summary>Records <see cref="Checks.Controls.IntentAccepted"/> from a PAR answer to a valid Intent; true when it was accepted.</summary>
    public bool IntentAccepted(WireResponse par, out string requestUri)
    {
        requestUri = par.Status == HttpStatusCode.Created && par.IsJson ? par.Member("request_uri") ?? "" : "";
        return context.Control(Checks.Controls.IntentAccepted, requestUri.Length > 0,
            $"PAR answered {par.Outcome()}{(par.Status == HttpStatusCode.Created ? " without a request_uri" : "")}");
    }

    /// <summary>
    /// A refresh of an active Mission's refresh token, recorded as <see cref="Checks.Controls.ActiveRefreshServed"/>: the
    /// control every gated derivation is compared with. Returns the refresh; its rotated token, if any, is the one to use next.
    /// </summary>
    public async Task<TokenExchange> ControlRefreshAsync(string refreshToken)
    {
        var refresh = await RefreshAsync(refreshToken);
        context.Control(Checks.Controls.ActiveRefreshServed, refresh.Response.Status == HttpStatusCode.OK && refresh.AccessToken is not null,
            $"the refresh of an active Mission answered {refresh.Response.Outcome()}");
        return refresh;
    }

    /// <summary>Drives consent for <paramref name="requestUri"/> as <paramref name="account"/> (default: the target's approver).</summary>
    public Task<ConsentOutcome> ConsentAsync(string requestUri, ConsentDecision decision, TargetClient? client = null,
        IReadOnlyDictionary<string, string>? extraQuery = null, TargetAccount? account = null)
        => context.Consent.RunAsync(new ConsentRequest(context.Client.Metadata.AuthorizationEndpoint, (client ?? Agent).ClientId, requestUri,
            Server.RedirectUri, Server.ConsentAccount(account ?? Server.Approver), decision, extraQuery), context.Cancellation);

    /// <summary>PAR and approval; the scenario is interrupted if the AS refuses the target file's own Intent.</summary>
    public async Task<(Pkce Pkce, ConsentOutcome Consent, WireResponse Par)> ApproveAsync(JsonObject intent, TargetClient? client = null,
        (string, string)[]? parExtra = null, IReadOnlyDictionary<string, string>? frontChannelExtra = null, TargetAccount? account = null)
    {
        var pkce = Pkce.Create();
        var (par, requestUri) = await PushAcceptedAsync(intent, pkce, client, parExtra ?? []);
        var consent = await ConsentAsync(requestUri, ConsentDecision.Approve, client, frontChannelExtra, account);
        if (consent.Code is null)
        {
            throw new ScenarioInterruptedException($"approval gave no authorization code: {consent.Error} {consent.ErrorDescription}");
        }
        _objectsByCode[consent.Code] = [.. Resources(intent)];
        return (pkce, consent, par);
    }

    /// <summary>
    /// Whether every access token is for one Resource Server: pairwise sector resource_server (oauth-profile §15), where a token names
    /// the Mission by that server's ref, so a redemption or refresh names its resource (RFC 8707).
    /// </summary>
    public bool TokensPerResource => context.Client.Metadata.Document.TryGetProperty("mission_pairwise_sector", out var sector)
        && sector.ValueKind == JsonValueKind.String && sector.GetString() == "resource_server";

    private readonly Dictionary<string, List<string>> _objectsByCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resourceByRefreshToken = new(StringComparer.Ordinal);

    /// <summary>
    /// Under <see cref="TokensPerResource"/>, <paramref name="extra"/> with a resource when it names none: the first object of the Intent
    /// the code was approved for (else of the target file's), or the resource the refresh token's grant was redeemed for.
    /// </summary>
    private (string Name, string Value)[] PerResource((string Name, string Value)[] extra, string? code, string? refreshToken)
    {
        if (!TokensPerResource || extra.Any(p => p.Name is "resource" or "authorization_details")) return extra;
        var resource = refreshToken is not null && _resourceByRefreshToken.TryGetValue(refreshToken, out var held) ? held
            : code is not null && _objectsByCode.TryGetValue(code, out var objects) && objects.Count > 0 ? objects[0]
            : Resources(Server.Intent) is [var first, ..] ? first : null;
        return resource is null ? extra : [.. extra, ("resource", resource)];
    }

    /// <summary>Remembers which resource a refresh token's grant is for, so its refreshes name it too.</summary>
    private TokenExchange Remember(TokenExchange token, (string Name, string Value)[] extra, string? from = null)
    {
        var resource = extra.FirstOrDefault(p => p.Name == "resource").Value ?? (from is not null ? _resourceByRefreshToken.GetValueOrDefault(from) : null);
        if (TokensPerResource && token.RefreshToken is { } refresh && resource is not null) _resourceByRefreshToken[refresh] = resource;
        return token;
    }

    /// <summary>Code redemption, with a DPoP proof by the client's key when tokens are asked for with DPoP (<see cref="ScenarioContext.SendsDpop"/>).</summary>
    public async Task<TokenExchange> RedeemAsync(string code, string verifier, TargetClient? client = null, params (string Name, string Value)[] extra)
    {
        extra = PerResource(extra, code, null);
        var key = ProverOf(client ?? Agent);
        return Remember(await HeldAsync(Captured(await context.Client.RedeemCodeAsync((client ?? Agent).Credentials, code, verifier, Server.RedirectUri,
            WithClientParameters(extra, client ?? Agent), context.Cancellation, key)), key), extra);
    }

    /// <summary>A refresh, proving the key the refresh token is bound to (or, under DPoP, the client's key, which the new access token is bound to).</summary>
    public Task<TokenExchange> RefreshAsync(string refreshToken, TargetClient? client = null, params (string Name, string Value)[] extra)
        => RefreshWithKeyAsync(refreshToken, client, context.Holders.KeyFor(refreshToken) ?? ProverOf(client ?? Agent), extra);

    /// <summary>A refresh proving <paramref name="key"/> (none: no proof), whatever the token is bound to: the wrong-key case of MBO-AS-RT-003.</summary>
    public async Task<TokenExchange> RefreshWithKeyAsync(string refreshToken, TargetClient? client, DpopKey? key, params (string Name, string Value)[] extra)
    {
        extra = PerResource(extra, null, refreshToken);
        return Remember(await HeldAsync(Captured(await context.Client.RefreshAsync((client ?? Agent).Credentials, refreshToken,
            WithClientParameters(extra, client ?? Agent), context.Cancellation, key)), key), extra, refreshToken);
    }

    /// <summary>A token response as this flow captures it: decoded as <paramref name="issued"/>, in the target's edition.</summary>
    private TokenExchange Captured(WireResponse response, JwtArtifact? issued = null) => TokenExchange.From(response, issued) with { Edition = Edition };

    /// <summary>A token request's parameters: the scenario's, then the client's own from the target file (parameters.token) that it does not set.</summary>
    private static List<KeyValuePair<string, string>> WithClientParameters((string Name, string Value)[] extra, TargetClient client)
    {
        List<KeyValuePair<string, string>> parameters = [.. extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))];
        parameters.AddRange(client.TokenParameters.Where(p => !extra.Any(e => e.Name == p.Key)));
        return parameters;
    }

    /// <summary>
    /// RFC 8693 Token Exchange of a Mission-bound access token, by the agent unless told otherwise, under DPoP proving that client's
    /// own key: the key its tokens are bound to, and never another client's (a foreign client does not hold the agent's key).
    /// </summary>
    public Task<TokenExchange> ExchangeAsync(string subjectToken, TargetClient? client = null, params (string Name, string Value)[] extra)
        => ExchangeAsync(subjectToken, client, ProverOf(client ?? Agent), extra);

    /// <summary>Token Exchange with an RFC 9449 proof of <paramref name="dpop"/> exactly (a delegate binding its token to its own key; none: no proof).</summary>
    public async Task<TokenExchange> ExchangeAsync(string subjectToken, TargetClient? client, DpopKey? dpop, params (string Name, string Value)[] extra)
        => await HeldAsync(Captured(await context.Client.ExchangeAsync((client ?? Agent).Credentials, subjectToken,
            extra.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)), context.Cancellation, dpop: dpop)), dpop);

    /// <summary>The key <paramref name="client"/> proves at the token endpoint, when tokens are asked for with DPoP.</summary>
    private DpopKey? ProverOf(TargetClient client) => context.SendsDpop ? context.Holders.KeyOf(client.ClientId) : null;

    /// <summary>
    /// Notes which key the request proved, and the tokens the AS says it bound to it (token_type DPoP); an opaque access token's
    /// claims are introspected.
    /// </summary>
    private async Task<TokenExchange> HeldAsync(TokenExchange token, DpopKey? key)
    {
        token = await OpaqueTokens.ReadAsync(context, token);
        if (key is null) return token;
        if (token.DpopBound)
        {
            if (token.AccessToken is { } access) context.Holders.Bind(access, key);
            if (token.RefreshToken is { } refresh) context.Holders.Bind(refresh, key);
        }
        return token with { ProvedKey = key.Thumbprint };
    }

    /// <summary>
    /// oauth-profile.md §14: Token Exchange of <paramref name="subjectToken"/> (of <paramref name="subjectTokenType"/>) for an
    /// ID-JAG audienced to <paramref name="resourceAs"/>, with a proof of <paramref name="key"/>, the key the grant is to be bound to.
    /// </summary>
    public async Task<TokenExchange> IdJagAsync(string subjectToken, string subjectTokenType, string resourceAs, DpopKey key)
        => Captured(await context.Client.ExchangeAsync(Agent.Credentials, subjectToken,
            [new("audience", resourceAs), new("requested_token_type", TokenTypes.IdJag)], context.Cancellation, subjectTokenType, key), JwtArtifact.IdJag);

    /// <summary>PAR → approval → code redemption; interrupted if the redemption itself is refused.</summary>
    public async Task<ObtainedMission> ObtainAsync(JsonObject? intent = null, TargetClient? client = null, (string, string)[]? parExtra = null,
        (string, string)[]? tokenExtra = null)
    {
        intent ??= Intent();
        var (pkce, consent, _) = await ApproveAsync(intent, client, parExtra);
        return await RedeemApprovedAsync(intent, pkce, consent, client, tokenExtra);
    }

    /// <summary>What must be left of a short-lived Mission when its consent completes, for the redemption and a refresh under it.</summary>
    private static readonly TimeSpan ShortLivedHeadroom = TimeSpan.FromSeconds(8);

    /// <summary>
    /// <see cref="ObtainAsync"/> of a Mission expiring <paramref name="lifetime"/> from now, redeemed while it is still active. When
    /// the harness itself was slow (a consent page on a loaded machine), so that too little of the Mission is left to redeem and
    /// refresh under it, the code is left unredeemed and one more Mission is approved with a life that covers the measured
    /// approval: a Mission that expired in the harness's hands proves nothing about the target.
    /// </summary>
    public async Task<ObtainedMission> ObtainShortLivedAsync(TimeSpan lifetime, (string, string)[]? tokenExtra = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var started = context.Clock.GetUtcNow();
            var intent = Intent(lifetime);
            var (pkce, consent, _) = await ApproveAsync(intent);
            var approved = context.Clock.GetUtcNow();
            var expiry = Expiry(intent);
            if (attempt == 0 && expiry - approved < ShortLivedHeadroom)
            {
                lifetime += 2 * (approved - started);
                continue;
            }
            return await RedeemApprovedAsync(intent, pkce, consent, tokenExtra: tokenExtra);
        }
    }

    /// <summary>The code redemption of <see cref="ObtainAsync"/>, for a Mission approved with <see cref="ApproveAsync"/>.</summary>
    public async Task<ObtainedMission> RedeemApprovedAsync(JsonObject intent, Pkce pkce, ConsentOutcome consent, TargetClient? client = null,
        (string, string)[]? tokenExtra = null)
    {
        var token = await RedeemAsync(consent.Code!, pkce.Verifier, client, tokenExtra ?? []);
        if (!context.Control(Checks.Controls.CodeRedeemed, token.Response.Status == HttpStatusCode.OK, $"the redemption answered {token.Response.Outcome()}"))
        {
            throw new ScenarioInterruptedException($"the code from an approved consent was not redeemed: HTTP {(int)token.Response.Status} {Excerpt(token.Response.Body)}");
        }
        return new ObtainedMission(intent, pkce, consent, token, Expiry(intent)) { Resources = Resources(intent) };
    }

    /// <summary>A lifecycle operation, asked by the target file's lifecycleClient (the agent unless it names the admin).</summary>
    public Task<WireResponse> LifecycleAsync(string missionId, string operation, TargetClient? client = null)
        => context.Client.LifecycleAsync((client ?? Server.LifecycleOperator).Credentials, missionId, operation, null, context.Cancellation);

    /// <summary>The Mission record from the inventory, when the target exposes one (MissionRecord schema-checked).</summary>
    public async Task<JsonObject?> RecordAsync(string missionId)
    {
        if (!Server.UsesInventory || context.Client.Metadata.InventoryEndpoint is null) return null;
        var client = Server.Client("admin") ?? Agent;
        var response = await context.Client.InventoryAsync(client.Credentials, missionId, null, context.Cancellation);
        if (response.Status != HttpStatusCode.OK || !response.IsJson) return null;
        return response.SchemaErrors.Count == 0 ? JsonNode.Parse(response.Body)!.AsObject() : null;
    }

    /// <summary>The inventory record whose validated Intent has this goal (see <see cref="Intent"/>), if the target has an inventory.</summary>
    public async Task<JsonObject?> RecordByGoalAsync(string goal)
        => (await RecordsAsync())?.LastOrDefault(m => (string?)m["mission_intent"]?["goal"] == goal);

    /// <summary>Every Mission record the inventory shows the administrator (or the agent), when there is an inventory.</summary>
    public async Task<IReadOnlyList<JsonObject>?> RecordsAsync()
    {
        if (!Server.UsesInventory || context.Client.Metadata.InventoryEndpoint is null) return null;
        var response = await context.Client.InventoryAsync((Server.Client("admin") ?? Agent).Credentials, null, null, context.Cancellation);
        if (response.Status != HttpStatusCode.OK || !response.IsJson || JsonNode.Parse(response.Body)?["missions"] is not JsonArray missions) return null;
        return [.. missions.OfType<JsonObject>()];
    }

    public async Task<string?> StateAsync(string missionId) => (string?)(await RecordAsync(missionId))?["state"];

    /// <summary>How many Mission records the inventory shows the administrator (or the agent), when there is an inventory.</summary>
    public async Task<int?> CountMissionsAsync() => (await RecordsAsync())?.Count;

    /// <summary>
    /// The start of an answer's body, for a verdict message. Messages go into every report, and the wire log's redaction does not
    /// reach them: a JSON body is redacted here first (a token response's tokens, a code), so no message quotes a credential.
    /// </summary>
    public static string Excerpt(string body)
    {
        var shown = Redactor.Json(body);
        return shown.Length <= 200 ? shown : shown[..200] + "…";
    }
}
