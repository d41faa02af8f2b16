using Microsoft.AspNetCore.Http;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Seams;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Endpoints.Token;

/// <summary>
/// The gate every derivation passes (oauth-profile.md §9): only from an active Mission, counted against its derivation budget
/// atomically with its state (MBO-AS-GATE-008/009), and refused with invalid_grant and mission_state otherwise.
/// </summary>
public sealed class GatingPolicy(MissionStore store, Hooks<ITokenHook> hooks)
{
    /// <summary>The states <paramref name="grant"/> may derive from, and the refusal when <paramref name="mission"/> is in none of them.</summary>
    public (HashSet<string> Derivable, IResult? Refusal) Judge(MissionRecord mission, GrantKind grant)
    {
        var gate = new Gate(grant, mission);
        hooks.Run(h => h.Gating(gate));
        return (gate.Derivable, gate.Derivable.Contains(gate.State) ? null : Refusal(gate.State));
    }

    /// <summary>Counts one derivation; the refusal when the state changed meanwhile or the budget is spent.</summary>
    public async Task<IResult?> ConsumeAsync(string missionId, HashSet<string> derivable, CancellationToken ct)
    {
        var (consumed, current) = await store.TryConsumeDerivationAsync(missionId, derivable, ct);
        if (consumed) return null;
        return current is not null && !derivable.Contains(current.State)
            ? Refusal(current.State)
            : TokenEndpoint.OAuthError("invalid_grant", "the Mission's derivation budget (context.max_derivations) is exhausted");
    }

    /// <summary>HTTP 400, JSON, no-store, invalid_grant with mission_state (MBO-AS-GATE-012 for mission_not_found).</summary>
    public NoStoreJsonResult Refusal(string state)
    {
        var refusal = new GatingRefusal(new Dictionary<string, string>
        {
            ["error"] = "invalid_grant",
            ["error_description"] = state == MissionNotFound ? "the grant's Mission does not resolve" : $"mission not active ({state})",
            ["mission_state"] = state,
        });
        hooks.Run(h => h.GatingRefused(refusal));
        return new NoStoreJsonResult(refusal.Body, StatusCodes.Status400BadRequest, refusal.Cacheable);
    }

    public const string MissionNotFound = "mission_not_found";
}
