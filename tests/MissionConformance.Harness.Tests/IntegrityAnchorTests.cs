using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;

namespace MissionConformance.Harness.Tests;

public sealed class IntegrityAnchorTests
{
    [Theory]
    [InlineData("sha-256:3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AnchorFormat.Sha256)]
    [InlineData("sha-256:tooShort", AnchorFormat.Malformed)]
    [InlineData("sha-256:3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", AnchorFormat.Malformed)]
    [InlineData("3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AnchorFormat.Malformed)]
    [InlineData("sha-512:abc", AnchorFormat.UnknownAlgorithm)]
    [InlineData("sha-999:3kPzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AnchorFormat.UnknownAlgorithm)]
    public void Classify_NeverTreatsAnUnknownPrefixAsSha256(string anchor, AnchorFormat expected)
        => Assert.Equal(expected, IntegrityAnchors.Classify(anchor));  // MBO-AS-REC-008

    [Fact]
    public void Framework_IntentHash_IgnoresObjectOrderAndDuplicatesButNotConstraintOrder()
    {
        JsonObject Intent(JsonArray objects, JsonArray constraints) => new()
        {
            ["goal"] = "g", ["objects"] = objects, ["constraints"] = constraints, ["success_criteria"] = new JsonArray(),
            ["mission_expiry"] = "2026-12-01T10:00:00+01:00",
        };
        string Hash(JsonObject intent) => IntegrityAnchors.Framework("mission-intent", "urn:mbo:schema:mission-intent:1", "t", "https://as.example/", intent);

        var reference = Hash(Intent(new JsonArray("b", "a"), new JsonArray("x", "y")));

        Assert.Equal(reference, Hash(Intent(new JsonArray("a", "b", "a"), new JsonArray("x", "y"))));
        Assert.NotEqual(reference, Hash(Intent(new JsonArray("a", "b"), new JsonArray("y", "x"))));
        Assert.Equal(AnchorFormat.Sha256, IntegrityAnchors.Classify(reference));
    }

    [Fact]
    public void Framework_AndLegacy_DifferForTheSameValue()
    {
        var set = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = "https://rs.example/", ["actions"] = new JsonArray("read") });

        var framework = IntegrityAnchors.Framework("mission-authority-set", "urn:mbo:schema:mission-authority-set:1", "t", "https://as.example/", set);
        var legacy = IntegrityAnchors.Legacy("mission-authority-set", "https://as.example/", set);

        Assert.NotEqual(framework, legacy);
        Assert.Equal(framework, IntegrityAnchors.Framework("mission-authority-set", "urn:mbo:schema:mission-authority-set:1", "t", "https://as.example/", set.DeepClone()));
    }

    [Fact]
    public void Pkce_Rfc7636AppendixB_ChallengeMatches()
        => Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.ChallengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
}
