using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Schemas;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class MissionSupportFlagIsBoolean : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-001";

    public override Judgement Judge(MetadataEvidence e)
        => !e.Document.TryGetProperty("mission_bound_authorization_supported", out var flag)
            ? Judgement.Pass("mission_bound_authorization_supported is not advertised (it is optional)")
            : Judgement.That(flag.ValueKind is JsonValueKind.True or JsonValueKind.False,
                $"mission_bound_authorization_supported is {flag.GetRawText()}",
                $"mission_bound_authorization_supported must be a boolean, is {flag.GetRawText()}");
}

public sealed class MissionResourceAccessAdvertised : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-002";

    public override Judgement Judge(MetadataEvidence e)
        => Judgement.That(
            e.Document.TryGetProperty("authorization_details_types_supported", out var types) && types.ValueKind == JsonValueKind.Array
                && types.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "mission_resource_access"),
            "authorization_details_types_supported lists mission_resource_access",
            "authorization_details_types_supported does not list mission_resource_access; add it to the AS metadata");
}

/// <summary>
/// MC-AS-MD-101 (RFC 8414 §2, §3.3): the OAuth members the suite reads have their RFCs' types (as-metadata.schema.json), and issuer is the
/// issuer identifier the document was fetched for. A path-less issuer is compared without its trailing slash: the target file's
/// identifier is read as a URL, which adds one. The Mission members are MBO-AS-MD-003's.
/// </summary>
public sealed class MetadataIsRfc8414 : Check<MetadataEvidence>
{
    public override string RequirementId => "MC-AS-MD-101";

    private static readonly string[] OAuthMembers =
    [
        "/issuer", "/authorization_endpoint", "/token_endpoint", "/jwks_uri", "/pushed_authorization_request_endpoint", "/require_pushed_authorization_requests",
        "/revocation_endpoint", "/introspection_endpoint", "/response_types_supported", "/grant_types_supported", "/scopes_supported",
        "/token_endpoint_auth_methods_supported", "/code_challenge_methods_supported", "/authorization_details_types_supported", "/mtls_endpoint_aliases",
    ];

    public override Judgement Judge(MetadataEvidence e)
    {
        // Root errors are the document's own: not an object, or a required member missing.
        var problems = e.SchemaErrors.Where(x => x.Pointer.Length == 0).Concat(e.ErrorsUnder(OAuthMembers)).Select(x => x.ToString()).ToList();
        var issuer = e.Document.ValueKind == JsonValueKind.Object && e.Document.TryGetProperty("issuer", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        if (issuer is not null && e.FetchedFor is { } expected && !SameIssuer(issuer, expected))
        {
            problems.Add($"issuer \"{issuer}\" is not {expected}, the issuer identifier the document was fetched for (RFC 8414 §3.3)");
        }
        return Judgement.That(problems.Count == 0, $"issuer is {issuer}, and the OAuth members have RFC 8414's types",
            "the metadata is not RFC 8414 metadata a client can use: " + string.Join("; ", problems));
    }

    private static bool SameIssuer(string advertised, string expected)
        => advertised == expected || (Uri.TryCreate(advertised, UriKind.Absolute, out var a) && a.AbsolutePath == "/" && advertised.TrimEnd('/') == expected.TrimEnd('/'));
}

public sealed class MissionMetadataMembersTyped : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-003";

    public override Judgement Judge(MetadataEvidence e)
    {
        // Capability fields and the pairwise sector have requirements of their own (MD-007, MD-004).
        var errors = e.SchemaErrors.Where(x => x.Pointer.StartsWith("/mission_", StringComparison.Ordinal)
            && !MetadataEvidence.CapabilityMembers.Any(c => x.Pointer.StartsWith(c, StringComparison.Ordinal))
            && !x.Pointer.StartsWith("/mission_pairwise_sector", StringComparison.Ordinal)).ToList();
        return Judgement.That(errors.Count == 0, "every advertised mission_* member has the profile's type",
            "AS metadata: " + string.Join("; ", errors));
    }
}

public sealed class PairwiseSectorAdvertised : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-004";

    public override Judgement Judge(MetadataEvidence e)
    {
        if (!e.Document.TryGetProperty("mission_pairwise_supported", out var pairwise) || pairwise.ValueKind != JsonValueKind.True)
        {
            return Judgement.Pass("pairwise Mission references are not advertised, so no sector is needed");
        }
        var sector = e.Document.TryGetProperty("mission_pairwise_sector", out var s) ? s.GetRawText() : null;
        return Judgement.That(sector is not null && !e.ErrorsUnder("/mission_pairwise_sector").Any(),
            $"mission_pairwise_sector is {sector}",
            sector is null
                ? "mission_pairwise_supported is true but mission_pairwise_sector is missing; add one of resource_server, resource_as, tenant, trust_domain"
                : $"mission_pairwise_sector {sector} is not one of resource_server, resource_as, tenant, trust_domain");
    }
}

public sealed class CapabilityFieldsUseClosedEnums : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-007";

    public override Judgement Judge(MetadataEvidence e)
    {
        var errors = e.ErrorsUnder(MetadataEvidence.CapabilityMembers[..3]).ToList();
        return Judgement.That(errors.Count == 0, "capability fields use only the closed enumerations", "capability fields: " + string.Join("; ", errors));
    }
}

public sealed class NoUnregisteredOptionalModules : Check<MetadataEvidence>
{
    public override string RequirementId => "MBO-AS-MD-008";

    public override Judgement Judge(MetadataEvidence e)
        => e.Document.TryGetProperty("mission_optional_modules_supported", out var modules) && modules.ValueKind == JsonValueKind.Array && modules.GetArrayLength() > 0
            ? Judgement.Fail($"mission_optional_modules_supported lists {modules.GetRawText()}, but no optional module is registered yet")
            : Judgement.Pass("no optional modules are advertised (none is registered yet)");
}

public sealed class MissionAuthorityDocumentValid : Check<MissionAuthorityEvidence>
{
    public override string RequirementId => "MBO-AS-MD-005";

    public override Judgement Judge(MissionAuthorityEvidence e)
    {
        if (e.Response.Status != HttpStatusCode.OK) return Judgement.Fail($"GET {e.Url} answered HTTP {(int)e.Response.Status}");
        if (e.Response.ObjectBody() is not { } document) return Judgement.Fail($"{e.Url} is not a JSON object: {StatusJudgement.Excerpt(e.Response.Body)}");
        if (e.Response.Artifact?.Kind != ArtifactKind.MissionAuthority) return Judgement.NotValidatedAtCapture("the mission-authority document");
        var problems = e.Response.SchemaErrors.Select(x => x.ToString()).ToList();
        var issuer = Subset.Text(document, "issuer");
        if (issuer != e.Origin) problems.Insert(0, $"issuer is {issuer ?? "(absent)"}, but mission.origin is {e.Origin}");
        return Judgement.That(problems.Count == 0, $"{e.Url}: issuer equals mission.origin and every required member is present", string.Join("; ", problems));
    }
}

public sealed class MissionAuthorityServedAsJson : Check<MissionAuthorityEvidence>
{
    public override string RequirementId => "MBO-AS-MD-006";

    public override Judgement Judge(MissionAuthorityEvidence e)
    {
        if (e.Response.Status != HttpStatusCode.OK) return Judgement.Skip($"not judged: the document answered HTTP {(int)e.Response.Status} (see MBO-AS-MD-005)");
        // TLS cannot be asked of a server the harness reaches on loopback; anywhere else plain http fails.
        var transport = e.Url.Scheme == Uri.UriSchemeHttps || e.Url.IsLoopback;
        var json = e.Response.ContentType == "application/json";
        return Judgement.That(transport && json, $"served as application/json over {(e.Url.Scheme == Uri.UriSchemeHttps ? "TLS" : "loopback http")}",
            $"served {(transport ? "" : "over plain http from a non-loopback host, ")}as {e.Response.ContentType ?? "(no content type)"}{(json ? "" : ", not application/json")}");
    }
}

public sealed class SenderConstraintAdvertised : Check<TokenEvidence>
{
    public override string RequirementId => "MBO-AS-MD-010";

    public override Judgement Judge(TokenEvidence e)
    {
        if (e.Token.Claims is not { } claims || !claims.TryGetProperty("cnf", out var cnf)) return Judgement.Skip("tokens carry no cnf, so no mechanism needs advertising");
        var mechanism = cnf.TryGetProperty("jkt", out _) ? "dpop" : "mtls";
        var listed = e.Metadata.TryGetProperty("mission_sender_constraints_supported", out var s) && s.ValueKind == JsonValueKind.Array
            && s.EnumerateArray().Any(m => m.GetString() == mechanism);
        return Judgement.That(listed, $"mission_sender_constraints_supported lists {mechanism}",
            $"tokens are bound with {mechanism} (cnf) but mission_sender_constraints_supported does not list it");
    }
}

/// <summary>What an AS's RFC 9396 types metadata says (draft-zehavi-oauth-rar-metadata): its endpoint and what it answered, if asked.</summary>
public sealed record TypesMetadataEvidence(JsonElement Metadata, Uri? Endpoint, Harness.OAuth.WireResponse? Response);

/// <summary>
/// MC-AS-MD-201, new in ietf-2026-08 (§Authorization Server Metadata): an AS advertising mission_bound_authorization_supported: true
/// advertises authorization_details_types_metadata_endpoint, whose answer has an entry for mission_resource_access with a schema
/// (or schema_uri), and lists every type authorization_details_types_supported lists.
/// </summary>
public sealed class TypesMetadataAdvertised : Check<TypesMetadataEvidence>
{
    public const string EndpointMember = "authorization_details_types_metadata_endpoint";

    public override string RequirementId => "MC-AS-MD-201";

    public override Judgement Judge(TypesMetadataEvidence e)
    {
        if (!e.Metadata.TryGetProperty("mission_bound_authorization_supported", out var flag) || flag.ValueKind != JsonValueKind.True)
        {
            return Judgement.Skip("not applicable: the AS does not advertise mission_bound_authorization_supported: true");
        }
        if (e.Endpoint is null) return Judgement.Fail($"mission_bound_authorization_supported is true, but the metadata has no {EndpointMember} URL");
        if (e.Response is not { } r || r.Status != System.Net.HttpStatusCode.OK || r.ObjectBody() is not { } types)
        {
            return Judgement.Fail($"{EndpointMember} {e.Endpoint} answered {(e.Response is { } answered ? $"HTTP {(int)answered.Status} {answered.ContentType ?? ""}".TrimEnd() : "nothing")}, not a JSON object");
        }
        if (r.SchemaErrors.Count > 0) return Judgement.Fail($"the types metadata breaks authorization-details-types-metadata.schema.json: {string.Join("; ", r.SchemaErrors.Take(3))}");
        var listed = e.Metadata.TryGetProperty("authorization_details_types_supported", out var supported) && supported.ValueKind == JsonValueKind.Array
            ? supported.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
            : [];
        var missing = listed.Where(t => !types.TryGetProperty(t, out _)).ToList();
        return Judgement.That(missing.Count == 0,
            $"{EndpointMember} answers an entry for mission_resource_access with its schema{(listed.Count > 0 ? $", and for each of the {listed.Count} advertised type(s)" : "")}",
            $"authorization_details_types_supported lists {string.Join(", ", missing)}, which the types metadata has no entry for");
    }
}
