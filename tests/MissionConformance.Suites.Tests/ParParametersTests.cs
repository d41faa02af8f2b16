using MissionConformance.Harness.Editions;
using MissionConformance.Harness.Targets;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Tests;

/// <summary>Target file clients[].parameters.par: added beside the suite's own parameters, every value of a repeated one kept, ${intentResources} expanded.</summary>
public sealed class ParParametersTests
{
    private static TargetClient Agent(params (string Key, string Value)[] par)
        => new("agent", "a", "none", null, null) { ParParameters = [.. par.Select(p => KeyValuePair.Create(p.Key, p.Value))] };

    private const string Intent = """{"goal":"g","resources":["https://a.example/mcp","https://b.example/mcp"]}""";

    [Fact]
    public void IntentResources_StandsForEachResourceOfThePushedIntent()
    {
        var added = MissionFlow.ParParameters(Agent(("scope", "payments"), ("resource", TargetClient.IntentResources)), Edition.Ietf202608, Intent, new HashSet<string>());

        Assert.Equal(["scope=payments", "resource=https://a.example/mcp", "resource=https://b.example/mcp"], added.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void ARepeatedParameter_KeepsEveryValue_ButTheSuitesOwnWin()
    {
        var agent = Agent(("resource", "https://a.example/mcp"), ("resource", "https://b.example/mcp"), ("state", "mine"));

        var added = MissionFlow.ParParameters(agent, Edition.Ietf202608, Intent, new HashSet<string> { "state" });

        Assert.Equal(["resource=https://a.example/mcp", "resource=https://b.example/mcp"], added.Select(p => $"{p.Key}={p.Value}"));
    }

    [Theory]
    [InlineData("{goal:")]
    [InlineData("""{"goal":"first","goal":"second","resources":["https://a.example/mcp"]}""")]
    public void AProbesMalformedIntent_NamesNoResources(string intent)
        => Assert.Empty(MissionFlow.ParParameters(Agent(("resource", TargetClient.IntentResources)), Edition.Ietf202608, intent, new HashSet<string>()));
}
