using System.Text.Json;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// An opaque token's claims joined from introspection answers filtered per audience (oauth-profile §11): every audience and entry
/// any caller was shown, and the mission claim without the projection's own members (state, version, expires_at).
/// </summary>
public sealed class OpaqueTokensTests
{
    [Fact]
    public void AnswersForTwoAudiences_JoinIntoTheTokensClaims()
    {
        var finance = JsonDocument.Parse("""
            {"active":true,"iss":"https://as.example/","sub":"alice","client_id":"agent","aud":"https://finance.example/mcp","exp":2000000000,"token_type":"Bearer",
             "authorization_details":[{"type":"mission_resource_access","resource":"https://finance.example/mcp","actions":["read"]}],
             "mission":{"id":"msn_1","origin":"https://as.example/","authority_hash":"sha-256:x","state":"active","version":1,"expires_at":"2026-12-08T00:00:00Z"}}
            """).RootElement;
        var docs = JsonDocument.Parse("""
            {"active":true,"aud":"https://docs.example/mcp","sub":"alice",
             "authorization_details":[{"type":"mission_resource_access","resource":"https://docs.example/mcp","actions":["read"]}],
             "mission":{"id":"msn_1","origin":"https://as.example/","authority_hash":"sha-256:x","state":"active"}}
            """).RootElement;

        var claims = OpaqueTokens.Join([finance, docs]);

        Assert.Equal(["https://finance.example/mcp", "https://docs.example/mcp"], claims.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(2, claims.GetProperty("authorization_details").GetArrayLength());
        Assert.Equal("""{"id":"msn_1","origin":"https://as.example/","authority_hash":"sha-256:x"}""", claims.GetProperty("mission").GetRawText());
        Assert.False(claims.TryGetProperty("active", out _));
        Assert.Equal(2000000000, claims.GetProperty("exp").GetInt64());
    }
}
