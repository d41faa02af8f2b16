using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Security;

namespace MissionConformance.Reference.Faults.Stack;

/// <summary>
/// The ExchangeCopiesPairwiseRef fault (MBO-AS-PW-003), and only that: Token Exchange that takes an ID-JAG this AS
/// issued (subject_token_type id-jag or jwt) and re-projects it to another Resource AS, copying the subject's mission
/// claim, so the first sector's pairwise ref reaches the second. The fault-free reference never gets here: OpenIddict
/// refuses those subject token types (invalid_request), and an ID-JAG is issued from the Mission's refresh token only.
/// </summary>
public sealed class IdJagReprojection(ReferenceSettings settings, KeyRing keys, JwsSigner signer, MissionStore store, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> SubjectTokenTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        TokenEndpoint.IdJagTokenType, "urn:ietf:params:oauth:token-type:jwt",
    };

    public async Task<IResult> IssueAsync(HttpContext http, IFormCollection form)
    {
        if (ClientAssertionAuthenticator.BasicCredentials(http.Request) is not var (clientId, secret) || TestPrincipals.FindClient(clientId) is not { ClientSecret: { } registered } client
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(registered)))
        {
            return TokenEndpoint.OAuthError("invalid_client", "client authentication failed", StatusCodes.Status401Unauthorized);
        }
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync((string?)form["subject_token"], new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer.AbsoluteUri,
            ValidateAudience = false,
            IssuerSigningKey = keys.SigningKey,
            ValidTypes = [TokenEndpoint.IdJagMediaType],
            LifetimeValidator = (_, expires, _, _) => expires is { } exp && exp > clock.GetUtcNow().UtcDateTime,
        });
        if (!validated.IsValid || validated.SecurityToken is not JsonWebToken subject)
        {
            return TokenEndpoint.OAuthError("invalid_grant", "the subject token is not an ID-JAG of this AS");
        }
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(subject.EncodedPayload))!.AsObject();
        if ((string?)payload["client_id"] != client.ClientId
            || form["audience"] is not [var audience] || settings.Catalogue.FindAuthority(audience!) is not { } authority
            || payload["mission"]?["ref"] is not JsonValue reference || await store.ResolvePairwiseAsync((string)reference!, http.RequestAborted) is not { } resolved)
        {
            return TokenEndpoint.OAuthError("invalid_target", "audience must name one Resource AS, and the subject an ID-JAG with a pairwise ref issued to this client");
        }
        var now = clock.GetUtcNow();
        payload["aud"] = authority.Issuer.AbsoluteUri;
        payload["jti"] = "jag_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
        payload["iat"] = now.ToUnixTimeSeconds();
        payload["exp"] = (now + TokenEndpoint.IdJagLifetime).ToUnixTimeSeconds();
        // The defect: the mission claim stays the subject's, ref and all.
        payload["authorization_details"] = new JsonArray(JsonNode.Parse(resolved.Mission.AuthoritySetJson)!.AsArray()
            .Where(e => authority.Resources.Contains((string)e!["resource"]!)).Select(e => e!.DeepClone()).ToArray());
        return new NoStoreJsonResult(new JsonObject
        {
            ["access_token"] = signer.Sign(TokenEndpoint.IdJagMediaType, payload),
            ["issued_token_type"] = TokenEndpoint.IdJagTokenType,
            ["token_type"] = "N_A",
            ["expires_in"] = (long)TokenEndpoint.IdJagLifetime.TotalSeconds,
        }, StatusCodes.Status200OK);
    }
}
