using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// The token endpoint (passthrough after OpenIddict validated the request): each grant has its handler, which resolves the
/// Mission, passes the <see cref="GatingPolicy"/>, asks the <see cref="AuthorityDeriver"/> what the token may carry, and has
/// the <see cref="TokenPrincipalBuilder"/> make what OpenIddict signs.
/// </summary>
public sealed class TokenEndpoint(CodeAndRefreshGrant codeAndRefresh, ExchangeGrant exchange)
{
    public const string Path = "token";

    /// <summary>oauth-profile.md §14; the JOSE typ of the Identity Assertion JWT Authorization Grant draft.</summary>
    public const string IdJagTokenType = "urn:ietf:params:oauth:token-type:id-jag";
    public const string IdJagMediaType = "oauth-id-jag+jwt";

    /// <summary>How long an ID-JAG lives: well inside the 300 s oauth-profile.md §14 allows.</summary>
    public static readonly TimeSpan IdJagLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Private claims kept in codes and refresh tokens, never in access tokens.</summary>
    public const string MissionRecordClaim = "mbo_mission_record";
    public const string GrantedResourcesClaim = "mbo_granted_resources";

    /// <summary>The DPoP key a public client's refresh token is bound to (RFC 9449 §5), kept in the refresh token only.</summary>
    public const string RefreshKeyClaim = "mbo_refresh_jkt";

    public Task<IResult> HandleAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("the OpenIddict request is missing from the passthrough token endpoint");
        if (request.IsTokenExchangeGrantType()) return exchange.HandleAsync(http, request);
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType()) return codeAndRefresh.HandleAsync(http, request);
        return Task.FromResult<IResult>(OAuthError("unsupported_grant_type", "only authorization_code, refresh_token and token exchange are supported"));
    }

    /// <summary>An RFC 6749 §5.2 error (HTTP 400 unless told otherwise), no-store.</summary>
    internal static NoStoreJsonResult OAuthError(string error, string description, int status = StatusCodes.Status400BadRequest)
        => new(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, status);
}
