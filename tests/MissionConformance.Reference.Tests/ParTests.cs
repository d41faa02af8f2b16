using System.Net;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>PAR with mission_intent: oauth-profile.md §3, MBO-AS-PAR-*.</summary>
public sealed class ParTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private RunningReference Reference => shared.Reference;

    [Fact]
    public async Task Par_ValidIntent_Returns201WithRequestUri()
    {
        var response = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create());

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", response.Member("request_uri"), StringComparison.Ordinal);
        Assert.True(response.Json.GetProperty("expires_in").GetInt32() > 0);
    }

    /// <summary>Each malformed Intent gets the spec's error code, and no Mission record comes of it.</summary>
    [Theory]
    [InlineData("MalformedJson", "invalid_request")]
    [InlineData("NotAnObject", "invalid_request")]
    [InlineData("DuplicateGoal", "invalid_request")]
    [InlineData("DuplicateInContext", "invalid_request")]
    [InlineData("MissingGoal", "invalid_request")]
    [InlineData("MissingObjects", "invalid_request")]
    [InlineData("MissingConstraints", "invalid_request")]
    [InlineData("MissingSuccessCriteria", "invalid_request")]
    [InlineData("MissingMissionExpiry", "invalid_request")]
    [InlineData("EmptyObjects", "invalid_request")]
    [InlineData("UnknownTopLevelMember", "invalid_request")]
    [InlineData("UnknownContextMember", "invalid_request")]
    [InlineData("MaxDerivationsZeroString", "invalid_request")]
    [InlineData("MaxDerivationsZeroInteger", "invalid_request")]
    [InlineData("Oversize", "invalid_request")]
    [InlineData("GoalTooLong", "invalid_request")]
    [InlineData("DuplicateConstraints", "invalid_request")]
    [InlineData("ExpiryInThePast", "invalid_request")]
    [InlineData("ExpiryNotADate", "invalid_request")]
    [InlineData("UnregisteredPurpose", "invalid_request")]
    [InlineData("NullPurpose", "invalid_request")]
    [InlineData("NullContextMember", "invalid_request")]
    [InlineData("OnlyUnknownObjects", "invalid_authorization_details")]
    public async Task Par_InvalidIntent_IsRefusedAndCreatesNothing(string variant, string expectedError)
    {
        var before = await Reference.CountMissionsAsync();

        var response = await Reference.PushAsync(InvalidIntent(variant), Pkce.Create());

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(expectedError, response.Member("error"));
        Assert.Equal(before, await Reference.CountMissionsAsync());
    }

    [Fact]
    public async Task Par_IntentWithAuthorizationDetails_IsRefused()
    {
        var before = await Reference.CountMissionsAsync();
        var details = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = ResourceCatalogue.DocsResource, ["actions"] = new JsonArray("create_doc") });

        var response = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, ("authorization_details", details.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Member("error"));
        Assert.Equal(before, await Reference.CountMissionsAsync());
    }

    [Fact]
    public async Task Par_WithoutMissionIntent_IsRefused()
    {
        var pkce = Pkce.Create();
        var response = await Reference.Client.PushAsync(RunningReference.Confidential,
            [new("response_type", "code"), new("redirect_uri", RunningReference.RedirectUri), new("code_challenge", pkce.Challenge), new("code_challenge_method", "S256")],
            RunningReference.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Member("error"));
    }

    [Fact]
    public async Task Par_ExtensionMembers_AreAccepted()
    {
        var intent = RunningReference.BoardPacketIntent();
        intent["x_ticket"] = "BOARD-42";
        intent["context"]!["x_cost_centre"] = "finance";
        intent["context"]!["max_derivations"] = 5;  // the first core draft's integer form (open point 7)

        var response = await Reference.PushAsync(intent.ToJsonString(), Pkce.Create());

        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    [Fact]
    public async Task Par_ResourceNotCoveredByDerivedAuthority_IsRefusedWithInvalidTarget()
    {
        var response = await Reference.PushAsync(RunningReference.BoardPacketIntent().ToJsonString(), Pkce.Create(), null, ("resource", "https://unrelated.example/api"));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_target", response.Member("error"));
    }

    [Fact]
    public async Task Par_MissingPkce_IsRefused()
    {
        var response = await Reference.Client.PushAsync(RunningReference.Public,
            [new("response_type", "code"), new("client_id", "agent-public"), new("redirect_uri", RunningReference.RedirectUri),
             new("mission_intent", RunningReference.BoardPacketIntent().ToJsonString())], RunningReference.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Member("error"));
    }

    [Fact]
    public async Task Authorize_FrontChannelMissionIntent_IsRefusedAndCreatesNothing()
    {
        var before = await Reference.CountMissionsAsync();

        var error = await Reference.FrontChannelIntentErrorAsync();

        Assert.Equal("invalid_request", error);
        Assert.Equal(before, await Reference.CountMissionsAsync());
    }

    [Fact]
    public async Task Authorize_FrontChannelAuthorizationDetailsOnRequestUri_AreIgnored()
    {
        var extra = new JsonArray(new JsonObject { ["type"] = "mission_resource_access", ["resource"] = "https://payments.example/api", ["actions"] = new JsonArray("pay") });

        var (pkce, consent) = await Reference.PushAndApproveAsync(frontChannelExtra:
            new Dictionary<string, string> { ["authorization_details"] = extra.ToJsonString(), ["scope"] = "payments:write" });
        var token = await Reference.RedeemAsync(consent.Code!, pkce.Verifier);

        var resources = token.Json.GetProperty("authorization_details").EnumerateArray().Select(e => e.GetProperty("resource").GetString()).ToList();
        Assert.DoesNotContain("https://payments.example/api", resources);
        Assert.Equal(3, resources.Count);
    }

    [Fact]
    public async Task Par_TwoIdenticalIntents_YieldTwoDistinctMissions()
    {
        var intent = RunningReference.BoardPacketIntent();

        var first = await Reference.ObtainAsync((JsonObject)intent.DeepClone());
        var second = await Reference.ObtainAsync((JsonObject)intent.DeepClone());

        Assert.NotEqual(first.MissionId, second.MissionId);
    }

    private static string InvalidIntent(string variant)
    {
        var intent = RunningReference.BoardPacketIntent();
        var valid = intent.ToJsonString();
        switch (variant)
        {
            case "MalformedJson": return "{goal:";
            case "NotAnObject": return "[" + valid + "]";
            case "DuplicateGoal": return valid.Replace("{\"goal\":", "{\"goal\":\"first\",\"goal\":", StringComparison.Ordinal);
            case "DuplicateInContext": return valid.Replace("{\"max_derivations\":\"50\"}", "{\"max_derivations\":\"50\",\"max_derivations\":\"9\"}", StringComparison.Ordinal);
            case "MissingGoal": intent.Remove("goal"); break;
            case "MissingObjects": intent.Remove("objects"); break;
            case "MissingConstraints": intent.Remove("constraints"); break;
            case "MissingSuccessCriteria": intent.Remove("success_criteria"); break;
            case "MissingMissionExpiry": intent.Remove("mission_expiry"); break;
            case "EmptyObjects": intent["objects"] = new JsonArray(); break;
            case "UnknownTopLevelMember": intent["foo"] = 1; break;
            case "UnknownContextMember": intent["context"]!["bar"] = 1; break;
            case "MaxDerivationsZeroString": intent["context"]!["max_derivations"] = "0"; break;
            case "MaxDerivationsZeroInteger": intent["context"]!["max_derivations"] = 0; break;
            case "Oversize": intent["x_filler"] = new string('x', 17_000); break;
            case "GoalTooLong": intent["goal"] = new string('g', 4097); break;
            case "DuplicateConstraints": intent["constraints"] = new JsonArray("same", "same"); break;
            case "ExpiryInThePast": intent["mission_expiry"] = RunningReference.Rfc3339(DateTimeOffset.UtcNow.AddHours(-1)); break;
            case "ExpiryNotADate": intent["mission_expiry"] = "next Tuesday"; break;
            case "UnregisteredPurpose": intent["purpose"] = "urn:example:purpose:unregistered"; break;
            case "NullPurpose": intent["purpose"] = null; break;
            case "NullContextMember": intent["context"]!["max_derivations"] = null; break;
            case "OnlyUnknownObjects": intent["objects"] = new JsonArray("https://unknown.example/api"); break;
            default: throw new ArgumentOutOfRangeException(nameof(variant), variant, "no such variant");
        }
        return intent.ToJsonString();
    }
}
