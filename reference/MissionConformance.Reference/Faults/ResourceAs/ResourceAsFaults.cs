using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.ResourceAs;
using MissionConformance.Reference.ResourceServers;

namespace MissionConformance.Reference.Faults.ResourceAs;

/// <summary>A rule of the Resource AS that a fault waives.</summary>
internal abstract class WaivedResourceAsRule(ResourceAsRule rule) : IResourceAsHook
{
    public void Checked(ResourceAsCheck check)
    {
        if (check.Rule == rule) check.Refusal = null;
    }
}

[FaultHook(
    Fault.ResourceAsAcceptsBearerJag,
    "the Resource AS redeems an ID-JAG without cnf (a bearer grant), binding the local token to whatever key the request proves",
    "MBO-RAS-003",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsAcceptsBearerJag() : WaivedResourceAsRule(ResourceAsRule.SenderConstrained);

[FaultHook(
    Fault.ResourceAsAcceptsReplayedJag,
    "the Resource AS keeps no record of redeemed jti values, so one ID-JAG is redeemed again and again",
    "MBO-RAS-004",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsAcceptsReplayedJag() : WaivedResourceAsRule(ResourceAsRule.SingleUse);

[FaultHook(
    Fault.ResourceAsWidensGrant,
    "requested authorization_details are issued as asked, without checking they are within what the ID-JAG conveys",
    "MBO-RAS-006",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsWidensGrant() : WaivedResourceAsRule(ResourceAsRule.WithinGrant);

/// <summary>A projection issuer refreshes without asking the MAS, so a revocation there does not reach it (mas.md contract 2).</summary>
[FaultHook(
    Fault.MasRevocationNotPropagated,
    "a projection issuer asks the MAS about a Mission when it first issues, then refreshes without asking again, so a revocation at the MAS never reaches it",
    "MBO-MAS-002",
    Site = FaultSite.ProjectionIssuer)]
internal sealed class MasRevocationNotPropagated() : WaivedResourceAsRule(ResourceAsRule.MissionActiveOnRefresh);

[FaultHook(
    Fault.ProjectionIssuerFailsOpen,
    "a Resource AS that projects its origin's Missions issues when the origin's Mission Status gives no usable answer, as if the Mission were active",
    "MBO-MAS-003",
    Site = FaultSite.ResourceAs)]
internal sealed class ProjectionIssuerFailsOpen() : WaivedResourceAsRule(ResourceAsRule.FailsClosed);

/// <summary>ID-JAGs from any issuer are redeemed, their keys read from the issuer they name (MBO-RAS-001).</summary>
[FaultHook(
    Fault.ResourceAsTrustsAnyOrigin,
    "the Resource AS accepts an ID-JAG from any issuer, fetching the keys its metadata names, instead of its configured origin only",
    "MBO-RAS-001",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsTrustsAnyOrigin : IResourceAsHook
{
    public void OriginResolving(GrantOrigin origin)
    {
        if (origin.Trusted || !Uri.TryCreate(origin.Issuer, UriKind.Absolute, out var claimed)) return;
        origin.Trusted = true;
        origin.ValidIssuer = origin.Issuer!;
        if (claimed == origin.TrustedOrigin) return;
        origin.Keys = async ct =>
        {
            using var trust = new IssuerTrust(origin.Http, claimed);
            return await trust.GetAsync(origin.Kid, ct);
        };
    }
}

[FaultHook(Fault.ResourceAsIgnoresAudience, "the Resource AS redeems an ID-JAG audienced to another AS", "MBO-RAS-002", Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsIgnoresAudience : IResourceAsHook
{
    public void GrantValidating(TokenValidationParameters parameters) => parameters.ValidateAudience = false;
}

/// <summary>Local tokens live their full lifetime, past the grant they were issued from (MBO-RAS-005).</summary>
[FaultHook(Fault.LocalTokenOutlivesGrant, "local tokens live five minutes whatever the ID-JAG's exp", "MBO-RAS-005", Site = FaultSite.ResourceAs)]
internal sealed class LocalTokenOutlivesGrant : IResourceAsHook
{
    public void Issuing(LocalTokenDraft draft) => draft.Expires = draft.Now + ReferenceResourceAs.LocalTokenLifetime;
}

/// <summary>A projection issuer writes itself as mission.origin (MBO-MAS-001: the origin stays the MAS's).</summary>
[FaultHook(
    Fault.ProjectionIssuerRewritesOrigin,
    "a projection issuer's tokens carry mission.origin its own issuer instead of the MAS's",
    "MBO-MAS-001",
    Site = FaultSite.ProjectionIssuer)]
internal sealed class ProjectionIssuerRewritesOrigin : IResourceAsHook
{
    public void Issuing(LocalTokenDraft draft)
    {
        if (!draft.ProjectionIssuer || JsonNode.Parse(draft.Mission.GetRawText()) is not JsonObject rewritten) return;
        rewritten["origin"] = draft.Issuer.AbsoluteUri;
        draft.Mission = JsonSerializer.SerializeToElement(rewritten);
    }
}

/// <summary>Introspection reports the Mission's state, which only the origin may (MBO-AS-INT-005).</summary>
[FaultHook(
    Fault.ResourceAsReportsMissionState,
    "introspecting a local token at the Resource AS answers mission.state active, a state only the origin may report",
    "MBO-AS-INT-005",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsReportsMissionState : IResourceAsHook
{
    public void IntrospectionAnswered(JsonObject answer)
    {
        if (answer["mission"] is JsonObject mission) mission["state"] = "active";
    }
}

/// <summary>
/// The Resource AS serves a Mission Status look-alike, answering "active" for every Mission whose ID-JAG it redeemed: a
/// state authority for Missions it does not hold (MBO-MAS-002).
/// </summary>
[FaultHook(
    Fault.ResourceAsServesMissionStatus,
    "the Resource AS advertises a mission_status_endpoint and answers it with state active for any Mission it redeemed a grant of, as if it held the Mission",
    "MBO-RAS-007",
    Site = FaultSite.ResourceAs)]
internal sealed class ResourceAsServesMissionStatus : IResourceAsHook
{
    private const string Path = "/mission-status";

    private readonly ConcurrentDictionary<string, string> _missionsSeen = new(StringComparer.Ordinal);

    public void MetadataBuilt(JsonObject metadata, Uri issuer) => metadata["mission_status_endpoint"] = issuer.AbsoluteUri + Path[1..];

    public void GrantRedeemed(JsonElement mission)
    {
        if (mission.ValueKind == JsonValueKind.Object && mission.TryGetProperty("id", out var id) && mission.TryGetProperty("origin", out var origin))
        {
            _missionsSeen[id.GetString() ?? ""] = origin.GetString() ?? "";
        }
    }

    public void Use(IApplicationBuilder app, ReferenceResourceAs server) => app.Use(async (context, next) =>
    {
        if (context.Request.Path != Path || !HttpMethods.IsPost(context.Request.Method))
        {
            await next();
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var answer = form["mission"] is [{ Length: > 0 } id] && _missionsSeen.TryGetValue(id, out var origin)
            ? new NoStoreJsonResult(new JsonObject { ["mission"] = new JsonObject { ["id"] = id, ["origin"] = origin }, ["state"] = "active" }, StatusCodes.Status200OK)
            : new NoStoreJsonResult(new Dictionary<string, string> { ["error"] = "not_found", ["error_description"] = "no such Mission" }, StatusCodes.Status404NotFound);
        await answer.ExecuteAsync(context);
    });
}
