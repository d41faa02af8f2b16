using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// An opaque access token's claims as RFC 7662 introspection shows them (oauth-profile §1: "opaque + introspection", §11). The AS
/// answers each caller for its own audience only, so every status client of the target file asks, and the answers are joined:
/// the audiences and authorization_details entries shown to any of them, the mission projection (less the members only
/// introspection carries: state, version, expires_at) and the token's other members. What no status client may see stays unseen,
/// and <see cref="TokenExchange.IntrospectedFor"/> says for whom the claims were read. Until issue 19 every claim was read from a
/// JWT, so an AS issuing opaque tokens was INTERRUPTED from its first redemption on.
/// </summary>
public static class OpaqueTokens
{
    /// <summary>Members of the introspection mission projection that are the Mission's state, not the token's claim.</summary>
    private static readonly string[] ProjectionOnly = ["state", "version", "expires_at"];

    /// <summary><paramref name="token"/> with its introspected claims, when its access token is no JWT and introspection is offered; else unchanged.</summary>
    public static async Task<TokenExchange> ReadAsync(ScenarioContext context, TokenExchange token)
    {
        if (token.Response.Status != HttpStatusCode.OK || token.AccessToken is not { } value || token.Jwt is not null) return token;
        if (context.Client.Metadata.IntrospectionEndpoint is not { } endpoint) return token;
        var answers = new List<(string Audience, JsonElement Body)>();
        foreach (var caller in context.Server.StatusClients.Where(c => c.Audience is not null))
        {
            var response = await context.Client.IntrospectAsync(endpoint, caller.Credentials, value, context.Cancellation);
            // Active, or inactive with a mission member (a valid token of a Mission no longer active, §11): the token's claims either way.
            if (response.Status == HttpStatusCode.OK && response.ObjectBody() is { } body
                && (body.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True
                    || body.TryGetProperty("mission", out var m) && m.ValueKind == JsonValueKind.Object))
            {
                answers.Add((caller.Audience!, body));
            }
        }
        if (answers.Count == 0) return token;
        var claims = Join(answers.Select(a => a.Body));
        return token with
        {
            Introspected = claims,
            IntrospectedFor = [.. answers.Select(a => a.Audience)],
            IntrospectedArtifact = CapturedArtifact.Of(ArtifactKind.AccessTokenClaims, claims),
        };
    }

    /// <summary>The claims the answers show together: the first answer's members, with every audience and entry any of them shows.</summary>
    public static JsonElement Join(IEnumerable<JsonElement> answers)
    {
        var claims = new JsonObject();
        var audiences = new List<string>();
        var entries = new JsonArray();
        foreach (var answer in answers)
        {
            foreach (var member in answer.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "active" or "token_type":
                        break;
                    case "aud":
                        audiences.AddRange(member.Value.ValueKind == JsonValueKind.Array
                            ? member.Value.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)
                            : member.Value.ValueKind == JsonValueKind.String ? [member.Value.GetString()!] : []);
                        break;
                    case "authorization_details" when member.Value.ValueKind == JsonValueKind.Array:
                        foreach (var entry in member.Value.EnumerateArray().Where(e => !entries.Any(k => JsonNode.DeepEquals(k, JsonNode.Parse(e.GetRawText())))))
                        {
                            entries.Add(JsonNode.Parse(entry.GetRawText()));
                        }
                        break;
                    case "mission" when member.Value.ValueKind == JsonValueKind.Object:
                        var mission = JsonNode.Parse(member.Value.GetRawText())!.AsObject();
                        foreach (var name in ProjectionOnly) mission.Remove(name);
                        claims["mission"] ??= mission;
                        break;
                    default:
                        claims[member.Name] ??= JsonNode.Parse(member.Value.GetRawText());
                        break;
                }
            }
        }
        var distinct = audiences.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0) claims["aud"] = distinct.Count == 1 ? distinct[0] : new JsonArray([.. distinct.Select(a => (JsonNode)a)]);
        if (entries.Count > 0) claims["authorization_details"] = entries;
        return JsonSerializer.SerializeToElement(claims);
    }
}
