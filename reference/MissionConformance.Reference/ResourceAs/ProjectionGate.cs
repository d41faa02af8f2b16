using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.ResourceServers;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>
/// A projection issuer's gate (mas.md contracts 2 and 3): before it issues or refreshes, the MAS's Mission Status says whether
/// the Mission is active, asked afresh every time; a plain Resource AS has no MAS to ask and holds no Mission.
/// </summary>
public sealed class ProjectionGate(MissionStateSource? authority, Hooks<IResourceAsHook> hooks) : IDisposable
{
    /// <summary>
    /// A projection issuer's gate (mas.md contracts 2 and 3): the MAS's Mission Status, asked by the Mission's id (or ref),
    /// must say active. A plain Resource AS holds no Mission and asks no one (null: go on).
    /// </summary>
    public async Task<IResult?> RefuseUnlessActiveAsync(JsonElement mission, CancellationToken ct)
    {
        if (authority is null) return null;
        var reference = mission.ValueKind == JsonValueKind.Object && (mission.TryGetProperty("id", out var id) || mission.TryGetProperty("ref", out id)) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : null;
        if (reference is null) return ResourceAsRules.Error("invalid_grant", "the grant's mission claim names no id or ref to ask the Mission Authority about");
        string state;
        try
        {
            state = (await authority.GetAsync(reference, ct)).State;
        }
        catch (Exception e) when (e is MissionStateUnavailableException or HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ResourceAsRules.Check(hooks, ResourceAsRule.FailsClosed,
                ResourceAsRules.Error("invalid_grant", $"the Mission Authority could not be asked about the Mission, and this projection issuer fails closed (mas.md contract 3): {e.Message}"));
        }
        if (state == "active") return null;
        return new NoStoreJsonResult(new Dictionary<string, string>
        {
            ["error"] = "invalid_grant",
            ["error_description"] = $"the Mission Authority reports the Mission {state}",
            ["mission_state"] = state == "unknown" ? "mission_not_found" : state,
        }, StatusCodes.Status400BadRequest);
    }

    public void Dispose() => authority?.Dispose();
}
