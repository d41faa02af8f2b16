using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>Login and consent over the HTML forms: oauth-profile.md §5, MBO-AS-APR-*.</summary>
public sealed class ConsentTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Consent_Page_ShowsGoalConstraintsExpiryAuthorityAndNarrowing()
    {
        var intent = RunningReference.BoardPacketIntent(lifetime: TimeSpan.FromDays(90));  // beyond the 30-day policy ceiling
        intent["objects"]!.AsArray().Add("https://unknown.example/api");  // narrowed out
        var par = await Reference.PushAsync(intent.ToJsonString(), Pkce.Create());

        var outcome = await Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve);
        var page = System.Net.WebUtility.HtmlDecode(outcome.ConsentPageHtml);

        Assert.Contains((string)intent["goal"]!, page, StringComparison.Ordinal);
        foreach (var constraint in intent["constraints"]!.AsArray()) Assert.Contains((string)constraint!, page, StringComparison.Ordinal);
        foreach (var criterion in intent["success_criteria"]!.AsArray()) Assert.Contains((string)criterion!, page, StringComparison.Ordinal);
        Assert.Contains("id=\"mission-expiry\"", page, StringComparison.Ordinal);
        Assert.Contains("max_derivations: 50", page, StringComparison.Ordinal);
        foreach (var resource in ResourceCatalogue.BoardPacket.Resources)
        {
            Assert.Contains(resource.Resource, page, StringComparison.Ordinal);
            foreach (var action in resource.Actions) Assert.Contains(action, page, StringComparison.Ordinal);
            foreach (var (name, _) in resource.Constraints) Assert.Contains($"data-constraint=\"{name}\"", page, StringComparison.Ordinal);
        }
        Assert.Contains("data-field=\"mission_expiry\"", page, StringComparison.Ordinal);
        Assert.Contains("data-field=\"objects\"", page, StringComparison.Ordinal);
        Assert.Contains("Alice Approver (user-alice)", page, StringComparison.Ordinal);
        Assert.NotNull(outcome.Code);
    }

    [Fact]
    public async Task Consent_OnBehalf_TheAssistantChoosesAliceAndThePageAndTokenAreHers()
    {
        var pkce = Pkce.Create();
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), pkce);

        var outcome = await Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: RunningReference.CarolForAlice);

        Assert.Equal(["login", "acting-for", "consent"], outcome.Pages.Select(p => p.Name));
        Assert.Contains("Alice Approver (user-alice)", outcome.ConsentPageText, StringComparison.Ordinal);
        Assert.Contains("Carol Assistant", outcome.ConsentPageText, StringComparison.Ordinal);
        var token = await Reference.RedeemAsync(outcome.Code!, pkce.Verifier);
        var claims = Harness.Crypto.DecodedJwt.Decode(token.Member("access_token")!);
        Assert.Equal("user-alice", claims.Payload.GetProperty("sub").GetString());
        var record = await Reference.RecordAsync(claims.Payload.GetProperty("mission").GetProperty("id").GetString()!);
        Assert.Equal("user-alice", (string?)record!["subject"]);
        Assert.Equal("user-carol", (string?)record["approver"]);
    }

    [Fact]
    public async Task Consent_OnBehalf_OfSomeoneTheAssistantDoesNotRepresent_IsRefusedAndActivatesNothing()
    {
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());
        var carolForBob = RunningReference.CarolForAlice with { OnBehalfOf = "user-bob" };

        // The AS offers only Carol and Alice and refuses the forged choice, every time it is submitted.
        var refused = await Assert.ThrowsAsync<ConsentDriverException>(() => Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: carolForBob));

        Assert.Contains("hops", refused.Message, StringComparison.Ordinal);
        var missions = JsonNode.Parse((await Reference.Client.InventoryAsync(RunningReference.Confidential, null, null, RunningReference.Ct)).Body)!["missions"]!.AsArray();
        Assert.DoesNotContain(missions, m => (string?)m!["subject"] == "user-bob" && (string?)m["approver"] == "user-carol");
    }

    [Fact]
    public async Task Consent_Approve_RedirectsWithCodeStateAndIssuer()
    {
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());

        var outcome = await Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve);

        Assert.NotNull(outcome.Code);
        Assert.Null(outcome.Error);
        Assert.Equal(Reference.Issuer, outcome.Issuer);
        Assert.StartsWith("st-", outcome.Parameter("state"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_Deny_YieldsAccessDeniedAndRejectedRecord()
    {
        var before = await Reference.Client.InventoryAsync(RunningReference.Confidential, null, null, RunningReference.Ct);
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());

        var outcome = await Reference.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny);

        Assert.Equal("access_denied", outcome.Error);
        Assert.Null(outcome.Code);
        var missions = JsonNode.Parse((await Reference.Client.InventoryAsync(RunningReference.Confidential, null, null, RunningReference.Ct)).Body)!["missions"]!.AsArray();
        var known = JsonNode.Parse(before.Body)!["missions"]!.AsArray().Select(m => (string?)m!["mission"]!["id"]).ToHashSet();
        var created = Assert.Single(missions, m => !known.Contains((string?)m!["mission"]!["id"]));
        Assert.Equal("rejected", (string?)created!["state"]);
    }

    [Fact]
    public async Task Consent_Pages_RefuseFraming()
    {
        using var response = await Reference.Http.GetAsync(new Uri(Reference.Issuer + "login"), RunningReference.Ct);

        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_PostWithoutAntiforgeryToken_IsRefused()
    {
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler);
        await SignInAsync(http);

        using var response = await http.PostAsync(Reference.Client.Metadata.AuthorizationEndpoint, new FormUrlEncodedContent(
            [new("client_id", "agent-confidential"), new("request_uri", par.Member("request_uri")!), new("decision", "approve")]), RunningReference.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Consent_ReplayedApproval_CreatesNoSecondCode()
    {
        var par = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());
        var requestUri = par.Member("request_uri")!;
        var first = await Reference.ConsentAsync(requestUri, ConsentDecision.Approve);

        var replay = await Assert.ThrowsAnyAsync<Exception>(() => Reference.ConsentAsync(requestUri, ConsentDecision.Approve));

        Assert.NotNull(first.Code);
        Assert.IsType<ConsentDriverException>(replay);
    }

    [Fact]
    public async Task Login_WrongPassword_ShowsErrorAndSetsNoSession()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler);
        var page = await http.GetStringAsync(new Uri(Reference.Issuer + "login"), RunningReference.Ct);

        using var response = await http.PostAsync(new Uri(Reference.Issuer + "login"), new FormUrlEncodedContent(
            [new("username", "alice"), new("password", "wrong"), new("returnUrl", "/"), new(AntiforgeryFieldName(page), AntiforgeryValue(page))]), RunningReference.Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("login-error", await response.Content.ReadAsStringAsync(RunningReference.Ct), StringComparison.Ordinal);
    }

    private async Task SignInAsync(HttpClient http)
    {
        var page = await http.GetStringAsync(new Uri(Reference.Issuer + "login"), RunningReference.Ct);
        using var response = await http.PostAsync(new Uri(Reference.Issuer + "login"), new FormUrlEncodedContent(
            [new("username", "alice"), new("password", "alice-approves"), new("returnUrl", "/"), new(AntiforgeryFieldName(page), AntiforgeryValue(page))]), RunningReference.Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static string AntiforgeryFieldName(string html) => System.Text.RegularExpressions.Regex.Match(html, "name=\"(__RequestVerificationToken)\"").Groups[1].Value;

    private static string AntiforgeryValue(string html)
        => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value);
}
