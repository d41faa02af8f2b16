using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Infrastructure;

/// <summary>
/// What a surface the spec defines says about a token's Mission, as a Resource Server of the token would ask: Mission Status
/// (mission-status.md) or introspection with its Mission projection (oauth-profile §11). The record behind an inventory is not
/// on the wire; this is what every deployment offering AD-3 shows. <see cref="Projection"/> is audience-filtered: only the
/// entries for <see cref="Audience"/>.
/// </summary>
public sealed record MissionWitness(string Source, string Audience, string? AuthorityHash, JsonElement? Projection, DateTimeOffset? MissionExpiry)
{
    /// <summary>integrity_anchors.consent_rendering_hash of a Mission Status answer (introspection does not carry it).</summary>
    public string? ConsentRenderingHash { get; init; }

    /// <summary>The target-file field that lets the suite ask Mission Status or introspection about a token: a client the AS answers for it.</summary>
    public const string StatusClientField = "a Resource Server client (clients[] with role \"status\") whose audience the token carries";

    /// <summary>Why no surface could be asked, and whether the target file could change that (the field to add), or nothing on the wire can.</summary>
    public sealed record Gap(string Reason, string? Wants);

    /// <summary>
    /// Asks Mission Status, else introspection, about <paramref name="token"/>'s Mission, as the first status client of the
    /// target file that is an audience of the token. Neither offered, no such client, or an answer that is no readable
    /// projection: the <see cref="Gap"/> says which.
    /// </summary>
    public static async Task<(MissionWitness? Witness, Gap? Gap)> AskAsync(ScenarioContext context, TokenExchange token)
    {
        var metadata = context.Client.Metadata;
        if (metadata.MissionStatusEndpoint is null && metadata.IntrospectionEndpoint is null)
        {
            return (null, new Gap("the AS offers neither Mission Status nor introspection, the surfaces that show a Mission's anchors and Authority Set", null));
        }
        var caller = context.Server.StatusClients.FirstOrDefault(c => c.Audience is { } a && token.Audiences.Contains(a));
        if (caller is null)
        {
            return (null, new Gap($"no status client of the target file is an audience of the token ({string.Join(", ", token.Audiences)})", StatusClientField));
        }
        var audience = caller.Audience!;
        if (metadata.MissionStatusEndpoint is { } endpoint && token.MissionId is { } mission)
        {
            string why;
            try
            {
                using var status = StatusCaller.For(context, caller, endpoint);
                var nonce = MissionClient.NewNonce();
                var answer = new StatusAnswer(await status.AskAsync(mission, audience, nonce), nonce, audience, caller.ClientId, mission, context.Clock.GetUtcNow());
                if (answer.Payload is { } payload)
                {
                    var anchors = payload.TryGetProperty("integrity_anchors", out var a) && a.ValueKind == JsonValueKind.Object ? a : payload;
                    return (new MissionWitness($"Mission Status asked by {caller.ClientId} ({status.Method})", audience, Subset.Text(anchors, "authority_hash"),
                        answer.Projection, Instant(Subset.Text(payload, "mission_expiry")))
                    {
                        ConsentRenderingHash = Subset.Text(anchors, "consent_rendering_hash"),
                    }, null);
                }
                why = $"Mission Status answered {answer.Response.Outcome()}, no signed answer to read";
            }
            catch (ScenarioInterruptedException ex)
            {
                why = ex.Message;  // a status method the suite cannot use; the Mission Status scenario reports it
            }
            if (metadata.IntrospectionEndpoint is null) return (null, new Gap(why, null));
        }
        if (metadata.IntrospectionEndpoint is { } introspection && token.AccessToken is { } value)
        {
            var response = await context.Client.IntrospectAsync(introspection, caller.Credentials, value, context.Cancellation);
            if (response.Status == HttpStatusCode.OK && response.ObjectBody() is { } body && body.TryGetProperty("mission", out var projection) && projection.ValueKind == JsonValueKind.Object)
            {
                JsonElement? details = body.TryGetProperty("authorization_details", out var d) && d.ValueKind == JsonValueKind.Array ? d : null;
                return (new MissionWitness($"introspection by {caller.ClientId}", audience, Subset.Text(projection, "authority_hash"), details, null), null);
            }
            return (null, new Gap($"introspection answered {response.Outcome()} with no mission member", null));
        }
        return (null, new Gap("the token carries no Mission id or ref to ask Mission Status about", null));
    }

    private static DateTimeOffset? Instant(string? text)
        => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
