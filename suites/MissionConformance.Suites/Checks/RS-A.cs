using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Peers;
using MissionConformance.Harness.Schemas;

namespace MissionConformance.Suites.Checks;

/// <summary>
/// MBO-RS-A-001: a bad signature, a wrong audience, an expired token and a wrong typ are each refused with 401;
/// for a server that accepts DPoP, a bound token is served with its proof and refused with 401 without it,
/// with another key's proof, another URL's or another token's.
/// </summary>
public sealed class RsValidatesTokens : Check<TokenHygieneEvidence>
{
    public override string RequirementId => "MBO-RS-A-001";

    public override Judgement Judge(TokenHygieneEvidence e)
    {
        if (e.ValidDpop is { Served: false } refused)
        {
            return Judgement.Fail($"a DPoP-bound token with a valid proof was answered {refused.Describe()}; the target file says the server accepts DPoP (resourceServers[].dpop)");
        }
        var accepted = e.Cases.Where(c => (int)c.Response.Status != 401).ToList();
        return Judgement.That(accepted.Count == 0,
            $"401 for each of: {string.Join(", ", e.Cases.Select(c => c.Defect))}"
                + (e.ValidDpop is null ? " (sender constraint not exercised: resourceServers[].dpop is false)" : "; a DPoP-bound token with its proof was served"),
            "not refused with 401: " + string.Join("; ", accepted.Select(c => $"{c.Defect} → {c.Response.Describe()}")));
    }
}
