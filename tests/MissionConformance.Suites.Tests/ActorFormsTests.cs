using System.Text.Json.Nodes;
using MissionConformance.Harness.Peers;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-RS-C-006 in every form the seeds allow (issue 22 item 4): the PEP tells the PDP the acting party of a delegated token by
/// context.actor carrying the act chain, by context.actor being that chain, or by context.act (seed 003: a string naming the
/// actor, or the chain). Only the first was accepted, so a correct server lost RS-C; client_id alone still fails.
/// </summary>
public sealed class ActorFormsTests
{
    private static readonly JsonObject Act = new() { ["sub"] = "delegate-7f2a", ["act"] = new JsonObject { ["sub"] = "agent" } };

    private static DelegationEvidence Evaluated(string context)
    {
        var body = JsonNode.Parse($$"""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"tool","id":"t"},"context":{{context}}}""")!.AsObject();
        return new DelegationEvidence(new Evaluation(body, body.ToJsonString(), DateTimeOffset.UnixEpoch, "msn_1", PdpAnswer.Permit, "d1"), (JsonObject)Act.DeepClone());
    }

    [Theory]
    [InlineData("""{"actor":{"type":"agent","act":{"sub":"delegate-7f2a","act":{"sub":"agent"}}}}""", "context.actor carries the act chain")]
    [InlineData("""{"actor":{"sub":"delegate-7f2a","act":{"sub":"agent"}}}""", "context.actor is the act chain")]
    [InlineData("""{"client_id":"agent","act":{"sub":"delegate-7f2a","act":{"sub":"agent"}}}""", "context.act is the act chain")]
    [InlineData("""{"client_id":"agent","act":"agent:delegate-7f2a"}""", "names the acting party")]
    public void EveryFormTheSeedsAllow_Passes(string context, string form)
    {
        var judgement = new RsIdentifiesActorFromAct().Judge(Evaluated(context));

        Assert.True(judgement.Holds, judgement.Message);
        Assert.Contains(form, judgement.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"client_id":"agent"}""")]
    [InlineData("""{"client_id":"agent","actor":{"sub":"agent"}}""")]
    [InlineData("""{"client_id":"agent","act":"agent:someone-else"}""")]
    [InlineData("""{"actor":{"sub":"agent","act":{"sub":"delegate-7f2a"}}}""")]
    public void TheClientOrAnotherParty_AsTheActor_Fails(string context)
        => Assert.False(new RsIdentifiesActorFromAct().Judge(Evaluated(context)).Holds);
}
