using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.ResourceServers;

/// <summary>
/// POST /events: lifecycle SETs (RFC 8417, mas.md provisional shape) pushed per RFC 8935 by the trusted
/// issuer. A SET that verifies (typ secevent+jwt, issuer's key, iss, aud = this resource) and names a
/// Mission and a state is applied and answered 202; anything else 400 with an RFC 8935 error.
/// </summary>
public sealed class EventReceiver(IssuerTrust trust, MissionStateSource states, string resource, Hooks<IResourceServerHook> hooks)
{
    public async Task HandleAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        if (http.Request.ContentType?.StartsWith("application/secevent+jwt", StringComparison.OrdinalIgnoreCase) != true)
        {
            await Reject(http, "invalid_request", "expected application/secevent+jwt");
            return;
        }
        JsonWebToken set;
        try
        {
            set = new JsonWebToken(body);
        }
        catch (ArgumentException)
        {
            await Reject(http, "invalid_request", "not a JWT");
            return;
        }
        var issuer = await trust.GetAsync(set.Kid, http.RequestAborted);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer, ValidAudience = resource, IssuerSigningKeys = issuer.Keys, ValidTypes = ["secevent+jwt"],
            ValidateLifetime = false,  // a SET carries iat, not exp (RFC 8417 §2.2)
        });
        if (!result.IsValid)
        {
            await Reject(http, result.Exception is SecurityTokenInvalidAudienceException ? "invalid_audience" : "invalid_key", "the SET does not verify");
            return;
        }
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(set.EncodedPayload)).RootElement;
        // mas.md open point 2: any event key whose payload has mission and state.
        var change = payload.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Object
            ? events.EnumerateObject().Select(e => e.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("mission", out _) && v.TryGetProperty("state", out _))
            : default;
        if (change.ValueKind != JsonValueKind.Object || change.GetProperty("mission").TryGetProperty("id", out var id) is false || change.GetProperty("state").GetString() is not { } state)
        {
            await Reject(http, "invalid_request", "no event with a mission and a state");
            return;
        }
        // MBO-MAS-005: a state this server does not know is treated as not active.
        var known = state is "active" or "suspended" or "revoked" or "completed" or "expired" or "pending_approval" or "rejected";
        var received = new ReceivedState(state, known);
        hooks.Run(h => h.EventReceived(received));
        states.Apply(id.GetString()!, received.State);
        http.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static async Task Reject(HttpContext http, string error, string description)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.Response.WriteAsJsonAsync(new { err = error, description });
    }
}
