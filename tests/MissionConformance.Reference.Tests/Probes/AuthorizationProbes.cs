using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Consent;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

public static partial class FaultProbes
{
    /// <summary>The probes of the faults in reference/…/Faults/Authorization/.</summary>
    private static Dictionary<Fault, Probe> AuthorizationProbes() => new()
    {
        [Fault.MalformedMissionMetadata] = (r, clock) => Task.FromResult(Metadata(r, "mission_intent_max_size").ValueKind == JsonValueKind.String),
        [Fault.PairwiseWithoutSector] = (r, clock) => Task.FromResult(Metadata(r, "mission_pairwise_supported").ValueKind == JsonValueKind.True
            && !r.Client.Metadata.Document.TryGetProperty("mission_pairwise_sector", out _)),
        [Fault.CapabilityOutOfEnum] = (r, clock) => Task.FromResult(
            Metadata(r, "mission_ladder_levels_supported").EnumerateArray().Any(l => l.GetInt32() is < 0 or > 5)
            || Metadata(r, "mission_authorization_domain_tiers_supported").EnumerateArray().Any(t => t.GetString() is not ("AD-1" or "AD-2" or "AD-3"))),
        [Fault.ResponseTypesAsString] = (r, clock) => Task.FromResult(Metadata(r, "response_types_supported").ValueKind == JsonValueKind.String),
        [Fault.ParWithoutExpiresIn] = async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return par.Status == HttpStatusCode.Created && !par.Json.TryGetProperty("expires_in", out _);
        },
        [Fault.AcceptFrontChannelIntent] = async (r, clock) => await r.FrontChannelIntentErrorAsync() != "invalid_request",
        [Fault.AcceptIntentWithAuthorizationDetails] = async (r, clock) => (await r.PushAsync(Intent().ToJsonString(), Pkce.Create(), null,
            ("authorization_details", "[{\"type\":\"mission_resource_access\",\"resource\":\"" + ResourceCatalogue.DocsResource + "\",\"actions\":[\"create_doc\"]}]"))).Status == HttpStatusCode.Created,
        [Fault.FrontChannelWidensAuthority] = async (r, clock) =>
        {
            var extra = "[{\"type\":\"mission_resource_access\",\"resource\":\"https://payments.example/api\",\"actions\":[\"pay\"]}]";
            var (pkce, consent) = await r.PushAndApproveAsync(frontChannelExtra: new Dictionary<string, string> { ["authorization_details"] = extra });
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains("https://payments.example/api", StringComparison.Ordinal);
        },
        [Fault.FrontChannelScopeGranted] = async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync(frontChannelExtra: new Dictionary<string, string> { ["scope"] = "payments:write" });
            var token = (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Member("access_token")!;
            return DecodedJwt.Decode(token).Payload.TryGetProperty("scope", out var scope) && scope.GetString()!.Contains("payments:write", StringComparison.Ordinal);
        },
        [Fault.CreateStateOnRefusedPar] = async (r, clock) =>
        {
            var before = await r.CountMissionsAsync();
            await r.PushAsync(Edit(i => i["foo"] = 1), Pkce.Create());
            return await r.CountMissionsAsync() != before;
        },
        [Fault.OmitExpiryFromConsent] = async (r, clock) => !(await ConsentPageAsync(r, Intent())).Contains("id=\"mission-expiry\"", StringComparison.Ordinal),
        [Fault.ChangeAuthorityAfterRender] = async (r, clock) =>
        {
            var (pkce, consent) = await r.PushAndApproveAsync();
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains(Faults.Authorization.ChangeAuthorityAfterRender.ChangedAuthorityAction, StringComparison.Ordinal);
        },
        [Fault.StepUpWidensAuthority] = async (r, clock) =>
        {
            // Alice steps up with her second factor; the Mission must grant what the Intent asked, no more.
            var pkce = Pkce.Create();
            var par = await r.PushAsync(Edit(i => i["context"]!["acr"] = AuthenticationContext.SecondFactor), pkce);
            var alice = RunningReference.Alice with { SecondFactor = TestPrincipals.Accounts.Single(a => a.Username == RunningReference.Alice.Username).SecondFactor };
            var consent = await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: alice);
            return (await r.RedeemAsync(consent.Code!, pkce.Verifier)).Body.Contains(Faults.Authorization.StepUpWidensAuthority.SteppedUpAuthorityAction, StringComparison.Ordinal);
        },
        [Fault.IgnoreAcr] = async (r, clock) =>
        {
            // Alice's test credentials here carry no second factor: only an AS that skips the step-up issues a code.
            var par = await r.PushAsync(Edit(i => i["context"]!["acr"] = AuthenticationContext.SecondFactor), Pkce.Create());
            try
            {
                return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve)).Code is not null;
            }
            catch (ConsentDriverException)
            {
                return false;  // stuck on the second-factor page, as it should be
            }
        },
        [Fault.NoAntiForgery] = async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.ForgedApproval)).Code is not null;
        },
        [Fault.HideSubjectOnBehalf] = async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            var consent = await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Approve, account: RunningReference.CarolForAlice);
            return !consent.ConsentPageText.Contains("Alice Approver", StringComparison.Ordinal);
        },
        [Fault.HideNarrowingDecisions] = async (r, clock) =>
        {
            var intent = Intent();
            intent["objects"]!.AsArray().Add("https://unknown.example/api");
            return !(await ConsentPageAsync(r, intent)).Contains("data-field=\"objects\"", StringComparison.Ordinal);
        },
        [Fault.DenyIssuesCode] = async (r, clock) =>
        {
            var par = await r.PushAsync(Intent().ToJsonString(), Pkce.Create());
            return (await r.ConsentAsync(par.Member("request_uri")!, ConsentDecision.Deny)).Code is not null;
        },
        [Fault.SubjectFromLoginHint] = async (r, clock) => Claim(await r.ObtainAsync(parExtra: [("login_hint", "bob")]), "sub") == "user-bob",
        [Fault.TokenResponseDetailsDiffer] = async (r, clock) =>
        {
            var issued = await r.ObtainAsync(tokenExtra: [new("resource", ResourceCatalogue.FinanceResource)]);
            return !JsonNode.DeepEquals(JsonNode.Parse(issued.TokenResponse.Json.GetProperty("authorization_details").GetRawText()),
                JsonNode.Parse(issued.Claims.Payload.GetProperty("authorization_details").GetRawText()));
        },
        [Fault.WrongTokenType] = async (r, clock) => (await r.ObtainAsync()).Claims.Header.GetProperty("typ").GetString() != "at+jwt",
        [Fault.RefreshResponseWithoutDetails] = async (r, clock) =>
            !(await r.RefreshAsync((await r.ObtainAsync()).RefreshToken!)).Json.TryGetProperty("authorization_details", out _),
    };
}
