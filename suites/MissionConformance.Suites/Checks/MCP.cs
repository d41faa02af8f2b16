using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Crypto;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

/// <summary>MBO-MCP-004: 401 with WWW-Authenticate resource_metadata pointing at metadata that lists the AS.</summary>
public sealed class ResourceMetadataAdvertised : Check<ProtectedResourceEvidence>
{
    public override string RequirementId => "MBO-MCP-004";

    public override Judgement Judge(ProtectedResourceEvidence e)
    {
        if ((int)e.Unauthenticated.Status != 401) return Judgement.Fail($"a call without a token was answered {e.Unauthenticated.Describe()}, expected 401");
        if (e.Unauthenticated.Challenge("resource_metadata") is not { } url)
        {
            return Judgement.Fail($"the 401 carries no resource_metadata in WWW-Authenticate ({e.Unauthenticated.WwwAuthenticate ?? "no WWW-Authenticate at all"})");
        }
        if (e.Metadata is not { ValueKind: JsonValueKind.Object } metadata) return Judgement.Fail($"resource_metadata {url} answered HTTP {e.MetadataStatus}, not an RFC 9728 JSON document");
        if (e.MetadataResponse!.Artifact is not { Kind: ArtifactKind.ProtectedResourceMetadata } captured) return Judgement.NotValidatedAtCapture($"the metadata at {url}");
        if (captured.Errors is { Count: > 0 } errors)
        {
            return Judgement.Fail($"the metadata at {url} is not valid RFC 9728 metadata (protected-resource-metadata.schema.json): {string.Join("; ", errors)}");
        }
        var resource = metadata.TryGetProperty("resource", out var r) ? r.GetString() : null;
        var servers = metadata.TryGetProperty("authorization_servers", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString()).ToList() : [];
        if (resource != e.Resource) return Judgement.Fail($"the metadata at {url} names resource {resource ?? "(none)"}, not {e.Resource}");
        return Judgement.That(servers.Contains(e.TrustedIssuer) || servers.Contains(e.TrustedIssuer.TrimEnd('/')),
            $"401 points at {url}, which names the resource and the authorization server {e.TrustedIssuer}",
            $"the metadata at {url} lists authorization_servers [{string.Join(", ", servers)}], not the issuer the server trusts ({e.TrustedIssuer})");
    }
}

public sealed class McpAuthorizesEveryCall : ForbiddenProbeRefusalCheck
{
    public override string RequirementId => "MBO-MCP-002";

    protected override string Advice => "tools/call must be authorised for every tool, including tools tools/list does not show";
}

/// <summary>MBO-MCP-001 (SHOULD): tools/list shows the Mission's tools and hides the others.</summary>
public sealed class McpListFilteredByMission : Check<ToolListEvidence>
{
    public override string RequirementId => "MBO-MCP-001";

    public override Judgement Judge(ToolListEvidence e)
    {
        if (!e.List.Served) return Judgement.Fail($"tools/list with a valid token was answered {e.List.Describe()}");
        var names = e.List.ToolNames;
        return Judgement.That(names.Contains(e.Allowed) && !names.Contains(e.Forbidden),
            $"tools/list shows {e.Allowed} and hides {e.Forbidden}",
            $"tools/list shows [{string.Join(", ", names)}]: expected {e.Allowed} and not {e.Forbidden}, which is outside the Mission");
    }
}

/// <summary>
/// MBO-MCP-003 (SHOULD): a requestable denial is answered with an MCP task (CreateTaskResult, status working,
/// taskId) and an Access Request; after approval, tasks/get reaches completed, and only after a fresh evaluation.
/// </summary>
public sealed class McpRequestableDenialBecomesTask : Check<RequestableDenialEvidence>
{
    public override string RequirementId => "MBO-MCP-003";

    public override Judgement Judge(RequestableDenialEvidence e)
    {
        var call = e.Approved;
        if (call.First.Served) return Judgement.Fail($"the call met by a requestable denial was carried out at once ({call.First.Describe()}): nothing may be done before approval");
        if (call.First.CreatedTask is not { } task || (string?)task["taskId"] is not { Length: > 0 } || (string?)task["status"] != "working")
        {
            return Judgement.Fail($"a requestable denial was answered {call.First.Describe()}: expected a CreateTaskResult with a taskId and status working (runtime.md §11)");
        }
        if (call.AccessRequests.Count == 0) return Judgement.Fail("the server returned a task but submitted no Access Request to the denial's access_request.endpoint, so no approval can reach it");
        if (!call.Completed)
        {
            return Judgement.Fail($"after the Access Request was approved, tasks/get answered {call.Final?.Describe() ?? "nothing"} instead of completed");
        }
        return Judgement.That(call.FreshEvaluations.Count > 0,
            $"task {(string?)task["taskId"]} completed after approval and {call.FreshEvaluations.Count} fresh evaluation(s)",
            "the task completed after approval without a fresh evaluation at the PDP: an approval is an input to a new decision, never a standing grant (runtime.md §5)");
    }
}
