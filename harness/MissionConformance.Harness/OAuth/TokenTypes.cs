namespace MissionConformance.Harness.OAuth;

/// <summary>RFC 8693 §3 token type identifiers and the Token Exchange grant, plus the ID-JAG type of oauth-profile.md §14.</summary>
public static class TokenTypes
{
    public const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";
    public const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";
    public const string IdJag = "urn:ietf:params:oauth:token-type:id-jag";

    /// <summary>RFC 7523 §2.1: how a Resource AS is asked to redeem an ID-JAG.</summary>
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
}
