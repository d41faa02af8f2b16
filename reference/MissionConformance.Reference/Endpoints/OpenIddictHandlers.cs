using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MissionConformance.Reference.Endpoints;

/// <summary>Names of the Mission parameters and transaction properties the handlers share.</summary>
public static class MissionParameters
{
    public const string MissionIntent = "mission_intent";
    public const string AuthorizationDetails = "authorization_details";

    /// <summary>
    /// Mission Expansion (oauth-profile.md §13), which has no wire binding in the seed era: the suite's convention is a PAR
    /// whose mission_intent is the successor's and whose mission_supersedes is the prior Mission's id.
    /// </summary>
    public const string Supersedes = "mission_supersedes";
    public const string AdmittedIntentProperty = "mbo:admitted-intent";
    public const string TokenIssuanceItem = "mbo:token-issuance";
}

/// <summary>
/// PAR admission (oauth-profile.md §3): validates and narrows mission_intent after OpenIddict's own
/// validation passed, so that a request refused for any reason creates nothing.
/// </summary>
public sealed class ParMissionIntentHandler(MissionIntentValidator validator, MissionStore store, Hooks<IAuthorizationHook> hooks)
    : IOpenIddictServerHandler<ValidatePushedAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidatePushedAuthorizationRequestContext>()
            .UseScopedHandler<ParMissionIntentHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidatePushedAuthorizationRequestContext context)
    {
        var request = context.Request;
        var raw = (string?)request[MissionParameters.MissionIntent];
        if (string.IsNullOrEmpty(raw))
        {
            context.Reject("invalid_request", "this Authorization Server issues Mission-bound tokens only: push a mission_intent");
            return;
        }
        if (Check(ParRule.IntentAlone, request[MissionParameters.AuthorizationDetails] is null ? null
            : new("invalid_request", "mission_intent and authorization_details must not be sent together")) is { } together)
        {
            await RefuseAsync(context, raw, together.Error, together.Description);  // MBO-AS-PAR-008
            return;
        }

        // The prior Mission by its id, or by the pairwise ref the client's tokens carry (oauth-profile.md §15); recorded by its id.
        if ((string?)request[MissionParameters.Supersedes] is { } supersedes)
        {
            var prior = await store.FindAsync(supersedes, context.CancellationToken) ?? (await store.ResolvePairwiseAsync(supersedes, context.CancellationToken))?.Mission;
            if (prior is null || prior.ClientId != context.ClientId || prior.State != MissionState.Active)
            {
                // Only an active Mission of this client can be expanded; unknown and foreign Missions look alike.
                await RefuseAsync(context, raw, "invalid_request", "mission_supersedes must name an active Mission of this client");
                return;
            }
            request[MissionParameters.Supersedes] = prior.Id;
        }

        var client = TestPrincipals.FindClient(context.ClientId)!;
        var validation = validator.Validate(raw, client);
        if (validation.Refusal is { } refusal)
        {
            await RefuseAsync(context, raw, refusal.Error, refusal.Description);
            return;
        }

        var admitted = validation.Admitted!;
        var derived = admitted.AuthoritySet.Select(e => (string)e!["resource"]!).ToHashSet(StringComparer.Ordinal);
        var uncovered = (request.Resources ?? []).Where(r => r is null || !derived.Contains(r)).ToList();
        // MBO-AS-PAR-012: a requested resource no derived entry covers is refused (RFC 8707 invalid_target).
        if (Check(ParRule.ResourcesCovered, uncovered.Count == 0 ? null
            : new("invalid_target", $"resource {uncovered[0]} is not covered by the authority derived from the mission_intent")) is { } notCovered)
        {
            context.Reject(notCovered.Error, notCovered.Description);
            return;
        }
        context.Transaction.SetProperty(MissionParameters.AdmittedIntentProperty, admitted);
    }

    private IntentRefusal? Check(ParRule rule, IntentRefusal? refusal)
    {
        var check = new ParCheck(rule, refusal);
        hooks.Run(h => h.ParChecked(check));
        return check.Refusal;
    }

    /// <summary>A refusal creates nothing (MBO-AS-PAR-013).</summary>
    private async Task RefuseAsync(ValidatePushedAuthorizationRequestContext context, string raw, string error, string description)
    {
        await hooks.RunAsync(h => h.ParRefusedAsync(new ParRefusal(store, context.ClientId!, raw, context.CancellationToken)));
        context.Reject(error, description);
    }
}

/// <summary>On a successful PAR response, records the pending Mission keyed by its request_uri.</summary>
public sealed class ParResponseHandler(MissionStore store, Hooks<IAuthorizationHook> hooks) : IOpenIddictServerHandler<ApplyPushedAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyPushedAuthorizationResponseContext>()
            .UseScopedHandler<ParResponseHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyPushedAuthorizationResponseContext context)
    {
        var admitted = context.Transaction.GetProperty<AdmittedIntent>(MissionParameters.AdmittedIntentProperty);
        if (admitted is null || string.IsNullOrEmpty(context.Response.RequestUri) || !string.IsNullOrEmpty(context.Response.Error))
        {
            return;
        }
        await store.CreatePendingAsync(admitted, context.Request!.ClientId!, context.Response.RequestUri,
            context.Request.Resources ?? [], context.Request.LoginHint, context.CancellationToken, supersedes: (string?)context.Request[MissionParameters.Supersedes]);
        hooks.Run(h => h.ParAnswered(context.Response));
    }
}

/// <summary>
/// mission_intent is PAR-only (MBO-AS-PAR-002) and this server requires PAR for every authorization
/// request. Pushed parameters stay authoritative: OpenIddict replaces the front-channel request with
/// the pushed one, so extra front-channel parameters are ignored (MBO-AS-PAR-010).
/// </summary>
public sealed class FrontChannelHandler(Hooks<IAuthorizationHook> hooks) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<FrontChannelHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientIdParameter.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (!string.IsNullOrEmpty(context.Request.RequestUri))
        {
            return default;
        }
        var hasIntent = context.Request[MissionParameters.MissionIntent] is not null;
        var frontChannel = new FrontChannelRequest(hasIntent);
        hooks.Run(h => h.FrontChannelRequested(frontChannel));
        if (!frontChannel.Refused)
        {
            return default;
        }
        context.Reject("invalid_request", hasIntent
            ? "mission_intent must be pushed through PAR, never sent on the front channel"
            : "this Authorization Server requires pushed authorization requests (request_uri)");
        return default;
    }
}

/// <summary>RFC 8414 metadata additions of oauth-profile.md §2, advertising only what this server implements.</summary>
public sealed class MetadataHandler(ReferenceSettings settings, Hooks<IAuthorizationHook> hooks, LifecycleEventTransmitter events, SenderConstraint binding)
    : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseScopedHandler<MetadataHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        var metadata = context.Metadata;
        metadata["require_pushed_authorization_requests"] = true;
        metadata["mission_bound_authorization_supported"] = true;
        metadata["acr_values_supported"] = Array([.. AuthenticationContext.Supported]);
        metadata["authorization_details_types_supported"] = Array(["mission_resource_access"]);
        metadata["authority_set_types_supported"] = Array(["mission_resource_access"]);
        metadata["mission_intent_max_size"] = new OpenIddictParameter(MissionIntentValidator.DefaultMaxSize);
        metadata["mission_lifecycle_endpoint"] = settings.Endpoint(LifecycleEndpoint.Path);
        metadata["mission_lifecycle_auth_methods_supported"] = Array(["private_key_jwt"]);
        metadata["mission_status_endpoint"] = settings.Endpoint(MissionStatusEndpoint.Path);
        metadata["mission_status_auth_methods_supported"] = Array(MissionStatusEndpoint.AuthMethods(settings));
        if (MissionStatusEndpoint.MutualTlsAliases(settings) is { } aliases)
        {
            metadata["mtls_endpoint_aliases"] = new OpenIddictParameter(JsonSerializer.SerializeToElement(aliases));
        }
        // The grant a status client obtains a dpop_bearer token by (StatusTokenEndpoint), answered before OpenIddict sees it.
        if (MissionStatusEndpoint.AuthMethods(settings).Contains("dpop_bearer")) context.GrantTypes.Add(OpenIddictConstants.GrantTypes.ClientCredentials);
        metadata["mission_intent_schema_uri"] = settings.Endpoint(MissionAuthorityDocument.IntentSchemaPath);
        metadata["introspection_endpoint"] = settings.Endpoint(IntrospectionEndpoint.Path);
        metadata["introspection_endpoint_auth_methods_supported"] = Array(["private_key_jwt"]);
        // Not a spec member: the AD-1 inventory has no wire in the seed era (conformance.md open point 3).
        metadata["mission_inventory_endpoint"] = settings.Endpoint(InventoryEndpoint.Path);
        metadata["mission_pairwise_supported"] = true;
        metadata["mission_pairwise_sector"] = settings.PairwiseSector;
        // event_driven (mas.md, MBO-MAS-006) only where lifecycle SETs have somewhere to go.
        metadata["mission_enforcement_classes_supported"] = Array(events.EventDriven ? ["issuance", "introspection", "event_driven"] : ["issuance", "introspection"]);
        metadata["mission_max_stale_seconds"] = (long)ReferenceSettings.AccessTokenLifetime.TotalSeconds;
        metadata["mission_framework_versions_supported"] = Array(["seed-2026-06"]);
        metadata["mission_ladder_levels_supported"] = Numbers(ReferenceSettings.LadderLevels);
        metadata["mission_authorization_domain_tiers_supported"] = Array(ReferenceSettings.DomainTiers);
        // Runtime enforcement (runtime.md): Mission Status carries policy_version for the PEPs' PDP context (MBO-MS-013).
        metadata["mission_profiles_supported"] = Array(["oauth", "runtime_enforcement"]);
        metadata["mission_optional_modules_supported"] = Array([]);
        if (binding.Dpop)
        {
            // Variant DpopBoundTokens: RFC 9449 §5.1, and open point 8's advertisement, which makes sender constraint a MUST.
            metadata["dpop_signing_alg_values_supported"] = Array(["ES256"]);
            metadata["mission_sender_constraints_supported"] = Array(["dpop"]);
        }
        hooks.Run(h => h.MetadataBuilt(metadata));
        return default;
    }

    public static OpenIddictParameter Array(string[] values) => new(JsonSerializer.SerializeToElement(values));

    public static OpenIddictParameter Numbers(int[] values) => new(JsonSerializer.SerializeToElement(values));
}

/// <summary>What the token endpoint issued, for the response handler to echo (RFC 9396 §7).</summary>
public sealed record TokenIssuance(JsonArray TokenDetails, JsonArray AuthoritySet, bool IsRefresh);

/// <summary>
/// Adds the granted authorization_details to every token response (MBO-AS-TOK-004, MBO-AS-RT-004),
/// exactly the array carried by the issued token.
/// </summary>
public sealed class TokenResponseHandler(Hooks<ITokenHook> hooks, JwsSigner signer) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<TokenResponseHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http?.Items[MissionParameters.TokenIssuanceItem] is not TokenIssuance issued || string.IsNullOrEmpty(context.Response.AccessToken))
        {
            return default;
        }
        context.Response[MissionParameters.AuthorizationDetails] = new OpenIddictParameter(JsonSerializer.SerializeToElement(issued.TokenDetails));
        hooks.Run(h => h.TokenResponding(new TokenResponseDraft(context.Response, issued, signer)));
        // RFC 9449 §5: a token bound to a DPoP key is announced as such, so the client presents it with the DPoP scheme.
        if (http.Items[DelegatedTokenHandler.Item] is DelegatedToken { Jkt: not null, AnnouncedAsBearer: false })
        {
            context.Response.TokenType = "DPoP";
        }
        return default;
    }
}

/// <summary>
/// Issues a refresh token with every Mission-bound grant without the offline_access scope, which
/// would otherwise appear in the access token's scope claim (MBO-AS-TOK-009). A refresh only gets
/// a new refresh token when the client's tokens are rotated (<see cref="RefreshRotation"/>, MBO-AS-RT-002/003).
/// </summary>
public sealed class RefreshTokenIssuanceHandler(RefreshRotation rotation) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<RefreshTokenIssuanceHandler>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Token)
        {
            return default;
        }
        var rotates = context.Request.IsAuthorizationCodeGrantType()
            || (context.Request.IsRefreshTokenGrantType() && rotation.Rotates(TestPrincipals.FindClient(context.ClientId)));
        if (rotates)
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }
        return default;
    }
}

/// <summary>
/// oauth-profile.md §10: what an actor_token says of its actor is a self-assertion the AS never
/// trusts for allowed_delegates (MBO-AS-DEL-006); the delegate is the authenticated client. The token
/// is set aside before OpenIddict would validate it as one of its own, for the token endpoint to read
/// (only the fault DelegationTrustsSelfAssertedProfile believes it).
/// </summary>
public sealed class ActorTokenHandler : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    public const string SelfAssertedActor = "mbo_self_asserted_actor";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseSingletonHandler<ActorTokenHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        if (context.Request is { } request && request.IsTokenExchangeGrantType() && !string.IsNullOrEmpty(request.ActorToken))
        {
            request.SetParameter(SelfAssertedActor, request.ActorToken);
            request.ActorToken = null;
            request.ActorTokenType = null;
        }
        return default;
    }
}

/// <summary>
/// oauth-profile.md §14: OpenIddict issues no ID-JAG; it refuses a requested_token_type it does not
/// know and an audience it has not registered. An ID-JAG request's type and audience are set aside
/// for the token endpoint, which checks the audience against its policy and issues the grant itself
/// once OpenIddict has authenticated the client and validated the subject token.
/// </summary>
public sealed class IdJagRequestHandler : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    /// <summary>The request's audience values (a JSON array), set when it asks for an ID-JAG.</summary>
    public const string RequestedIdJag = "mbo_id_jag_audience";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseSingletonHandler<IdJagRequestHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        if (context.Request is { } request && request.IsTokenExchangeGrantType() && request.RequestedTokenType == TokenEndpoint.IdJagTokenType)
        {
            request.SetParameter(RequestedIdJag, System.Text.Json.JsonSerializer.Serialize(request.Audiences ?? []));
            request.RequestedTokenType = null;
            request.Audiences = null;
        }
        return default;
    }
}

/// <summary>
/// OpenIddict lets only the client a token was issued to present it. That stays so for codes and
/// refresh tokens; in Token Exchange another client presenting the agent's token is a delegate
/// (oauth-profile.md §10), and the token endpoint decides what, if anything, it may receive.
/// </summary>
public sealed class AuthorizedPartyHandler : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    private readonly OpenIddictServerHandlers.Exchange.ValidateAuthorizedParty _builtIn = new();

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<AuthorizedPartyHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthorizedParty.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
        => context.Request.IsTokenExchangeGrantType() ? default : _builtIn.HandleAsync(context);
}

/// <summary>What a delegated or DPoP-bound access token says that OpenIddict would otherwise write its own way.</summary>
/// <param name="ClientId">the delegating agent: the approved client stays client_id (MBO-AS-DEL-001); null: OpenIddict's own</param>
/// <param name="Jkt">the DPoP key thumbprint for cnf: a delegate's own key (MBO-AS-DEL-003), or under DpopBoundTokens the key the
/// request proved (RFC 9449 §6); OpenIddict drops a cnf claim it did not make</param>
public sealed record DelegatedToken(string? ClientId, string? Jkt)
{
    /// <summary>DpopAnnouncedAsBearer: the bound token is announced as token_type Bearer.</summary>
    public bool AnnouncedAsBearer { get; init; }
}

/// <summary>
/// A delegated token names the approved agent as client_id, the delegate only in act, and is bound
/// to the delegate's key (oauth-profile.md §8 and §10). OpenIddict would write the presenting client
/// and no cnf, so the claims are set as the token is serialized.
/// </summary>
public sealed class DelegatedTokenHandler : IOpenIddictServerHandler<GenerateTokenContext>
{
    /// <summary>HttpContext item holding the <see cref="DelegatedToken"/> the token endpoint decided.</summary>
    public const string Item = "mbo:delegated-token";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<DelegatedTokenHandler>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != OpenIddictConstants.TokenTypeIdentifiers.AccessToken
            || context.Transaction.GetHttpRequest()?.HttpContext.Items[Item] is not DelegatedToken delegated
            || context.SecurityTokenDescriptor.Claims is not { } claims)
        {
            return default;
        }
        if (delegated.ClientId is { } agent) claims[OpenIddictConstants.Claims.ClientId] = agent;
        if (delegated.Jkt is { } jkt) claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt };
        return default;
    }
}

/// <summary>
/// OpenIddict knows mTLS binding only and refuses to validate a token bound by cnf.jkt (a delegated
/// token, RFC 9449). Such a token is the token endpoint's to check, against the request's DPoP proof;
/// introspection does no proof-of-possession check (oauth-profile.md §11).
/// </summary>
public sealed class ProofOfPossessionHandler : IOpenIddictServerHandler<ValidateTokenContext>
{
    private readonly OpenIddictServerHandlers.Protection.ValidateProofOfPossession _builtIn = new();

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<ProofOfPossessionHandler>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateProofOfPossession.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
        => TokenRequestProof.BoundKey(context.Principal) is not null ? default : _builtIn.HandleAsync(context);
}
