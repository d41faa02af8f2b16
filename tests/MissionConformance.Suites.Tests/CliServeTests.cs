using System.CommandLine;
using System.Text.Json;
using MissionConformance.Cli;

namespace MissionConformance.Suites.Tests;

/// <summary>`mission-conformance serve` with the MAS topology and an event receiver, as fixtures/targets/reference.json expects it started, and its refusals.</summary>
public sealed class CliServeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServeWithProjectionIssuers_IsAMas_WhoseIssuersListen_UntilCancelled()
    {
        var (asPort, workflowPort, docsPort) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var serving = Parse("serve", "--urls", $"http://127.0.0.1:{asPort}", "--projection-issuers", $"http://127.0.0.1:{workflowPort},http://127.0.0.1:{docsPort}",
            "--events", "http://127.0.0.1:9/events", "--faults", "MasRevocationNotPropagated").InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var authority = await PollAsync(http, $"http://127.0.0.1:{asPort}/.well-known/mission-authority", serving);
        var issuers = new[] { await PollAsync(http, $"http://127.0.0.1:{workflowPort}/.well-known/oauth-authorization-server", serving),
            await PollAsync(http, $"http://127.0.0.1:{docsPort}/.well-known/oauth-authorization-server", serving) };
        var metadata = await PollAsync(http, $"http://127.0.0.1:{asPort}/.well-known/oauth-authorization-server", serving);
        await stop.CancelAsync();
        var code = await serving;

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("mas", authority.GetProperty("mission_capability_advertisement").GetProperty("mission_profiles_supported").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal([$"http://127.0.0.1:{workflowPort}/", $"http://127.0.0.1:{docsPort}/"], issuers.Select(i => i.GetProperty("issuer").GetString()));
        Assert.Contains("event_driven", metadata.GetProperty("mission_enforcement_classes_supported").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains($"projects   workflow-pi at http://127.0.0.1:{workflowPort}/", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("events     lifecycle SETs to http://127.0.0.1:9/events", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("agent-at-resource-as-secret", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("faults     MasRevocationNotPropagated", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--projection-issuers", "http://127.0.0.1:0", "--projection-issuers names 1 URL for 2 projection issuers (workflow-pi, docs-pi): name one for each, in that order")]
    [InlineData("--projection-issuers", "http://127.0.0.1:0,https://pi.example:5212", "--projection-issuers: \"https://pi.example:5212\" is not an http(s) URL on loopback")]
    [InlineData("--events", "ftp://127.0.0.1/events", "--events: \"ftp://127.0.0.1/events\" is not an http(s) URL on loopback")]
    [InlineData("--faults", "MasRevocationNotPropagated",
        "MasRevocationNotPropagated is a fault of the projection issuers (use serve --projection-issuers URL,URL --faults), not of serve")]
    public async Task ServeWithABadTopologyOption_ExitsTwo_SayingWhy(string option, string value, string why)
    {
        using var stderr = new StringWriter();

        var code = await Parse("serve", "--urls", "http://127.0.0.1:0", option, value).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = stderr }, Ct);

        Assert.Equal(2, code);
        Assert.Equal("error: " + why, stderr.ToString().Trim());
    }

    private static ParseResult Parse(params string[] args) => new RootCommand { ServeCommand.Create() }.Parse(args);

    /// <summary>The JSON document at <paramref name="url"/> once it answers; fails if serve exits first or nothing answers within 30 s.</summary>
    private static async Task<JsonElement> PollAsync(HttpClient http, string url, Task<int> serving)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100, Ct))
        {
            Assert.False(serving.IsCompleted, $"serve exited with {(serving.IsCompletedSuccessfully ? serving.Result : -1)} before {url} answered");
            try
            {
                return JsonDocument.Parse(await http.GetStringAsync(url, Ct)).RootElement.Clone();
            }
            catch (HttpRequestException)
            {
            }
        }
        throw new TimeoutException($"{url} did not answer within 30 s");
    }
}
