using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Coordinate;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.OAuth;
using MissionConformance.Harness.Peers;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// mas.md, at one projection issuer: the local token it issued for the MAS's ID-JAG (<paramref name="Redemption"/>), a refresh
/// while the Mission was active (<paramref name="RefreshBefore"/>), the revocation at the MAS, and a refresh after it.
/// </summary>
public sealed record MasProjectionEvidence(string IssuerId, string MasIssuer, string MissionId, WireResponse Redemption,
    WireResponse? RefreshBefore, WireResponse? Revoke, WireResponse? RefreshAfter)
{
    public string? RefreshToken => Redemption.Member("refresh_token");

    /// <summary>The access tokens the projection issuer handed out, and where each came from.</summary>
    public IEnumerable<(string Source, string Token)> AccessTokens()
    {
        if (Redemption.Member("access_token") is { } first) yield return ("the local token for the MAS's ID-JAG", first);
        if (RefreshBefore?.Member("access_token") is { } refreshed) yield return ("the token refreshed while the Mission was active", refreshed);
    }

    public static string Describe(WireResponse response)
        => $"HTTP {(int)response.Status}{(response.Member("error") is { } error ? " " + error : "")}{(response.Member("mission_state") is { } state ? $" (mission_state {state})" : "")}";
}

/// <summary>mas.md contract 4 at the MAS: its mission-authority document, and the Mission Status answer it leads to.</summary>
public sealed record MasAuthorityEvidence(Uri DocumentUrl, WireResponse Document, string MasIssuer, string MissionId, WireResponse? Status, bool? StatusVerifies, string? NotAsked)
{
    public JsonElement? DocumentJson => Document.Status == HttpStatusCode.OK ? Document.ObjectBody() : null;

    /// <summary>mission_profiles_supported, from mission_capability_advertisement (conformance.md §4).</summary>
    public IReadOnlyList<string> Profiles => DocumentJson is { } document ? Advertisement.FromMissionAuthority(document).Profiles : [];
}

/// <summary>
/// mas.md contract 3: what <see cref="Scenarios.ProjectionIssuerFailsClosedScenario"/> presented at a projection issuer whose
/// MAS is the harness's simulated AS: <paramref name="Reachable"/>, a grant for a Mission the MAS reports active, and how many
/// Mission Status requests the MAS then counted for it; <paramref name="Outages"/>, a grant for each Mission whose status the
/// MAS answered unusably.
/// </summary>
public sealed record MasOutageEvidence(string Mas, Redemption Reachable, int StatusRequestsWhenReachable, IReadOnlyList<(StatusOutage Outage, Redemption Redemption)> Outages)
{
    public static string Describe(StatusOutage outage) => outage switch
    {
        StatusOutage.Unavailable => "with 503 temporarily_unavailable",
        _ => "with 200 and a body of random bytes",
    };
}
