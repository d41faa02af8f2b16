using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// A GET of one of a server's per-Mission exports (the evidence export, the effects observer): the bearer credential first, then the
/// mission_id. Anything else is refused, and reveals nothing about any Mission.
/// </summary>
internal static class MissionExportRequest
{
    /// <summary>The mission_id asked for; null when the request was refused (401 for the credential, 400 without a mission_id), the answer written.</summary>
    public static async Task<string?> MissionIdAsync(HttpContext http, string credential, string realm, string what)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(credential)))
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{realm}\", error=\"invalid_token\"";
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_token", error_description = $"the {what} requires its bearer credential" });
            return null;
        }
        if (http.Request.Query["mission_id"].ToString() is not { Length: > 0 } missionId)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_request", error_description = "mission_id is required" });
            return null;
        }
        return missionId;
    }
}
