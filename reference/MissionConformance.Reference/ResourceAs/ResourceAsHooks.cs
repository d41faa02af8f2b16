using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>The rules a reference Resource AS (or projection issuer) refuses a request by, where a hook may waive the refusal.</summary>
public enum ResourceAsRule
{
    /// <summary>MBO-RAS-003: the ID-JAG is sender-constrained (cnf.jkt).</summary>
    SenderConstrained,

    /// <summary>MBO-RAS-004: an ID-JAG is redeemed once.</summary>
    SingleUse,

    /// <summary>MBO-RAS-006: requested authorization_details stay within what the ID-JAG conveys.</summary>
    WithinGrant,

    /// <summary>mas.md contract 2: a projection issuer's refresh asks the MAS whether the Mission is still active.</summary>
    MissionActiveOnRefresh,

    /// <summary>mas.md contract 3: when the MAS cannot be asked, the projection issuer fails closed.</summary>
    FailsClosed,
}

/// <summary>
/// The points of a reference Resource AS where a registered hook may change what it is about to do. The correct server
/// registers none; each fault of the Resource AS and the projection issuers is one (Faults/ResourceAs/).
/// </summary>
public interface IResourceAsHook
{
    /// <summary>Middleware ahead of the server's routes.</summary>
    void Use(IApplicationBuilder app, ReferenceResourceAs server) { }

    /// <summary>The server's RFC 8414 metadata, before it is served.</summary>
    void MetadataBuilt(JsonObject metadata, Uri issuer) { }

    /// <summary>Whose ID-JAGs are redeemed, and where their keys are read.</summary>
    void OriginResolving(GrantOrigin origin) { }

    /// <summary>How an ID-JAG is validated (MBO-RAS-001/002).</summary>
    void GrantValidating(TokenValidationParameters parameters) { }

    /// <summary>A rule was checked: <see cref="ResourceAsCheck.Refusal"/> is its answer (null: it holds).</summary>
    void Checked(ResourceAsCheck check) { }

    /// <summary>An ID-JAG was redeemed: the Mission it names.</summary>
    void GrantRedeemed(JsonElement mission) { }

    /// <summary>A local access token, before it is signed (MBO-RAS-005).</summary>
    void Issuing(LocalTokenDraft draft) { }

    /// <summary>An introspection answer for this domain's Resource Server, before it is served.</summary>
    void IntrospectionAnswered(JsonObject answer) { }
}

public sealed class GrantOrigin(string? issuer, string? kid, Uri trustedOrigin, HttpClient http, Func<CancellationToken, Task<IssuerTrust.Snapshot>> keys)
{
    /// <summary>The key id the ID-JAG is signed with.</summary>
    public string? Kid { get; } = kid;

    /// <summary>The issuer the ID-JAG names.</summary>
    public string? Issuer { get; } = issuer;

    public Uri TrustedOrigin { get; } = trustedOrigin;

    public HttpClient Http { get; } = http;

    /// <summary>Whether the issuer is one this server redeems from: its trusted origin only.</summary>
    public bool Trusted { get; set; } = issuer == trustedOrigin.AbsoluteUri;

    /// <summary>Where the grant's signing keys are read: the trusted origin's JWKS.</summary>
    public Func<CancellationToken, Task<IssuerTrust.Snapshot>> Keys { get; set; } = keys;

    /// <summary>The issuer the grant must carry.</summary>
    public string ValidIssuer { get; set; } = trustedOrigin.AbsoluteUri;
}

public sealed class ResourceAsCheck(ResourceAsRule rule, IResult? refusal)
{
    public ResourceAsRule Rule { get; } = rule;

    public IResult? Refusal { get; set; } = refusal;
}

public sealed class LocalTokenDraft(DateTimeOffset now, DateTimeOffset expires, JsonElement mission, bool projectionIssuer, Uri issuer)
{
    public DateTimeOffset Now { get; } = now;

    public DateTimeOffset Expires { get; set; } = expires;

    /// <summary>The mission claim as the grant carried it.</summary>
    public JsonElement Mission { get; set; } = mission;

    public bool ProjectionIssuer { get; } = projectionIssuer;

    public Uri Issuer { get; } = issuer;
}
