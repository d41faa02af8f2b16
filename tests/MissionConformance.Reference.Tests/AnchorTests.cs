using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Anchors;

namespace MissionConformance.Reference.Tests;

/// <summary>The reference's own canonicalizer, against RFC 8785 (the harness checks its output only through anchors).</summary>
public sealed class AnchorTests
{
    [Fact]
    public void Jcs_Rfc8785Section322Example_MatchesTheRfc()
    {
        const string input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001, 1e21, 9.999999999999997e-7, -0.0000033333333333333333]," +
                             "\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\", \"literals\": [null, true, false]}";

        var canonical = Jcs.Canonicalize(JsonDocument.Parse(input).RootElement);

        Assert.Equal("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27,1e+21,9.999999999999997e-7,-0.0000033333333333333333]," +
                     "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", canonical);
    }

    [Fact]
    public void Anchor_IntentHash_TreatsObjectsAsASet()
    {
        static JsonObject Intent(params string[] objects) => new() { ["goal"] = "g", ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o).ToArray()) };

        var a = IntegrityAnchor.Compute(IntegrityAnchor.IntentEnvelope, IntegrityAnchor.IntentSchema, "t", "https://as/", Intent("b", "a"));
        var b = IntegrityAnchor.Compute(IntegrityAnchor.IntentEnvelope, IntegrityAnchor.IntentSchema, "t", "https://as/", Intent("a", "b"));

        Assert.Equal(a, b);
        Assert.Matches("^sha-256:[A-Za-z0-9_-]{43}$", a);
    }
}
