using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>MBO-RAS-001/002: how a Resource AS takes an ID-JAG: from the origin it trusts by configuration only, verified with that origin's keys.</summary>
public sealed class GrantValidator(Uri trustedOrigin, Uri audience, HttpClient http, IssuerTrust trustedKeys, Hooks<IResourceAsHook> hooks)
{
    /// <summary>MBO-RAS-001/002: from the trusted origin only, signed by its key, audienced to this AS, unexpired, typed as an ID-JAG, with a jti and a mission claim.</summary>
    public async Task<(JsonWebToken? Grant, IResult? Refusal)> ValidateAsync(string assertion, CancellationToken ct)
    {
        JsonWebToken grant;
        try
        {
            grant = new JsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            return (null, ResourceAsRules.Error("invalid_grant", "the assertion is not a JWT"));
        }
        var resolution = new GrantOrigin(grant.Issuer, grant.Kid, trustedOrigin, http, c => trustedKeys.GetAsync(grant.Kid, c));
        hooks.Run(h => h.OriginResolving(resolution));
        if (!resolution.Trusted)
        {
            return (null, ResourceAsRules.Error("invalid_grant", $"the ID-JAG's issuer {grant.Issuer} is not an origin this Resource AS trusts"));
        }
        IssuerTrust.Snapshot origin;
        try
        {
            origin = await resolution.Keys(ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, ResourceAsRules.Error("invalid_grant", $"the trusted origin's keys could not be read: {e.Message}"));
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = resolution.ValidIssuer,
            ValidAudience = audience.AbsoluteUri,
            IssuerSigningKeys = origin.Keys,
            ValidTypes = [Endpoints.Token.TokenEndpoint.IdJagMediaType],
            ClockSkew = TimeSpan.Zero,
            RequireExpirationTime = true,
        };
        hooks.Run(h => h.GrantValidating(parameters));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(grant, parameters);
        if (!result.IsValid) return (null, ResourceAsRules.Error("invalid_grant", $"the ID-JAG does not validate: {result.Exception?.GetType().Name.Replace("SecurityToken", "", StringComparison.Ordinal)}"));
        if (string.IsNullOrEmpty(grant.Id)) return (null, ResourceAsRules.Error("invalid_grant", "the ID-JAG has no jti"));
        if (!grant.TryGetPayloadValue<JsonElement>("mission", out var mission) || mission.ValueKind != JsonValueKind.Object)
        {
            return (null, ResourceAsRules.Error("invalid_grant", "the ID-JAG carries no mission claim"));
        }
        return (grant, null);
    }
}
