using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Checks;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// The requirements new in ietf-2026-08 (MC-…-201, issue 21 item 2), each shown passing and failing on answers shaped as that
/// edition's drafts write them. No reference fault can prove them: the embedded reference speaks the seed, where they do not
/// exist (EditionApplicabilityTests shows them SKIPPED there).
/// </summary>
public sealed class IetfNewRequirementTests
{
    private static readonly DateTimeOffset Requested = DateTimeOffset.Parse("2026-12-31T23:59:59Z", System.Globalization.CultureInfo.InvariantCulture);

    private static WireResponse Json(HttpStatusCode status, string body) => new(status, "application/json", "no-store", body);

    // ---- MC-AS-LC-201 --------------------------------------------------------------------------------------

    private static TerminalEvidence Resumed(WireResponse answer, string? stateAfter = "revoked")
        => new("revoked", "revoked", "resume", answer, stateAfter, TokenExchange.From(Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant"}""")));

    [Fact]
    public void AnIllegalOperation_RefusedWith409Conflict_Passes()
        => Assert.True(new IllegalOperationIsConflict().Judge(Resumed(Json(HttpStatusCode.Conflict, """{"error":"conflict","error_description":"terminal","nonce":"n"}"""))).Holds);

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_request"}""")]
    [InlineData(HttpStatusCode.Conflict, """{"error":"mission_concurrent_modification","current_state":"revoked","observed_state":"revoked"}""")]
    public void AnIllegalOperation_RefusedOtherwise_Fails(HttpStatusCode status, string body)
    {
        var judgement = new IllegalOperationIsConflict().Judge(Resumed(Json(status, body)));

        Assert.False(judgement.Holds);
        Assert.Contains("not 409 conflict", judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIllegalOperation_ThatChangedTheState_Fails()
        => Assert.False(new IllegalOperationIsConflict().Judge(Resumed(Json(HttpStatusCode.Conflict, """{"error":"conflict"}"""), stateAfter: "active")).Holds);

    // ---- MC-AS-TOK-201 -------------------------------------------------------------------------------------

    private static TokenEvidence Redeemed(string extra, string? claimedExpiry = "2026-12-31T23:00:00Z")
    {
        var mission = claimedExpiry is null ? """{"id":"msn_1","issuer":"https://as.example","authority_hash":"sha-256:x"}"""
            : $$"""{"id":"msn_1","issuer":"https://as.example","authority_hash":"sha-256:x","expires_at":"{{claimedExpiry}}"}""";
        var jwt = new JsonWebTokenHandler().CreateToken($$"""{"sub":"alice","mission":{{mission}}}""");
        var token = TokenExchange.From(Json(HttpStatusCode.OK, $$"""{"access_token":"{{jwt}}","token_type":"DPoP"{{extra}}}"""));
        return new TokenEvidence(token, "https://as.example", "agent", null, Requested, [], JsonDocument.Parse("{}").RootElement, null);
    }

    [Fact]
    public void MissionExpiresAt_AsTheClaimCarriesIt_Passes()
        => Assert.True(new MissionExpiresAtReturned().Judge(Redeemed(""","mission_expires_at":"2026-12-31T23:00:00Z" """)).Holds);

    [Theory]
    [InlineData("", "carries no mission_expires_at")]
    [InlineData(""","mission_expires_at":"tomorrow" """, "not an RFC 3339 date-time")]
    [InlineData(""","mission_expires_at":"2027-01-31T00:00:00Z" """, "later than the Intent's requested expiry")]
    [InlineData(""","mission_expires_at":"2026-12-31T22:00:00Z" """, "not the string the mission claim's expires_at carries")]
    public void MissionExpiresAt_MissingOrOtherThanTheMissions_Fails(string extra, string named)
    {
        var judgement = new MissionExpiresAtReturned().Judge(Redeemed(extra));

        Assert.False(judgement.Holds);
        Assert.Contains(named, judgement.Message, StringComparison.Ordinal);
    }

    // ---- MC-AS-MD-201 --------------------------------------------------------------------------------------

    private const string Endpoint = "https://as.example/authorization-details-types";

    private static TypesMetadataEvidence Advertised(string metadata, string? answer)
        => new(JsonDocument.Parse(metadata).RootElement, metadata.Contains(TypesMetadataAdvertised.EndpointMember, StringComparison.Ordinal) ? new Uri(Endpoint) : null,
            answer is null ? null : Json(HttpStatusCode.OK, answer) with { Artifact = CapturedArtifact.Validate(ArtifactKind.AuthorizationDetailsTypesMetadata, answer) });

    private const string Supported = $$"""{"mission_bound_authorization_supported":true,"authorization_details_types_supported":["mission_resource_access"],"{{TypesMetadataAdvertised.EndpointMember}}":"{{Endpoint}}"}""";

    [Fact]
    public void TheTypesMetadata_WithASchemaForEveryAdvertisedType_Passes()
        => Assert.True(new TypesMetadataAdvertised().Judge(Advertised(Supported, """{"mission_resource_access":{"schema":{"type":"object"}}}""")).Holds);

    [Theory]
    [InlineData("""{"mission_bound_authorization_supported":true}""", null, "no authorization_details_types_metadata_endpoint")]
    [InlineData(Supported, """{"other_type":{"schema":{}}}""", "mission_resource_access")]
    [InlineData(Supported, """{"mission_resource_access":{"version":"1"}}""", "schema")]
    public void TheTypesMetadata_MissingOrWithoutTheMissionType_Fails(string metadata, string? answer, string named)
    {
        var judgement = new TypesMetadataAdvertised().Judge(Advertised(metadata, answer));

        Assert.False(judgement.Holds);
        Assert.Contains(named, judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheSupportFlag_TheTypesMetadataIsNotJudged()
        => Assert.Null(new TypesMetadataAdvertised().Judge(Advertised("""{"issuer":"https://as.example"}""", null)).Holds);
}
