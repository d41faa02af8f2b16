using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MissionConformance.Harness.Crypto;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// Generated malformed Intents: the AS answers each with a 4xx refusal, never a 5xx, and creates no
/// Mission record from any of them. Seeded, so a failure names a reproducible case.
/// </summary>
public sealed class FuzzTests
{
    private const int Cases = 1200;
    private const int Seed = 20261123;
    private static readonly string[] RequiredMembers = ["goal", "objects", "constraints", "success_criteria", "mission_expiry"];
    private static readonly string[] TypedMembers = ["goal", "objects", "constraints", "success_criteria", "mission_expiry", "purpose", "context"];
    private static readonly string[] BadExpiries = ["yesterday", "2020-01-01T00:00:00Z", "2026-13-45T99:99:99Z", "", "1795425283"];
    private static readonly string[] NotObjects = ["[]", "null", "42", "\"intent\"", "true", ""];

    [Fact]
    public async Task Par_GeneratedMalformedIntents_AreRefusedWithoutServerErrorsOrState()
    {
        await using var reference = await RunningReference.StartAsync();
        var before = await reference.CountMissionsAsync();
        var random = new Random(Seed);
        var failures = new List<string>();

        for (var i = 0; i < Cases; i++)
        {
            var (mutation, intent) = Malformed(random);
            var response = await reference.PushAsync(intent, Pkce.Create());
            if (response.Status != HttpStatusCode.BadRequest || response.Member("error") is not ("invalid_request" or "invalid_authorization_details"))
            {
                failures.Add($"case {i} ({mutation}): {(int)response.Status} {Truncate(response.Body)} for {Truncate(intent)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(10)) + Environment.NewLine + reference.Log);
        Assert.Equal(before, await reference.CountMissionsAsync());
    }

    /// <summary>One of several mutations, each of which makes the Intent invalid by construction.</summary>
    private static (string Mutation, string Intent) Malformed(Random random)
    {
        var intent = RunningReference.BoardPacketIntent();
        var text = intent.ToJsonString();
        switch (random.Next(14))
        {
            case 0: return ("truncated", text[..random.Next(0, text.Length - 1)]);
            case 1: return ("random bytes", RandomText(random, random.Next(1, 200)));
            case 2:
                var position = random.Next(1, text.Length - 1);
                return ("garbage inserted", text[..position] + "\u0001{[\"" + text[position..]);
            case 3: return ("duplicate member", text.Replace("\"constraints\":", "\"constraints\":[],\"constraints\":", StringComparison.Ordinal));
            case 4:
                intent.Remove(RequiredMembers[random.Next(RequiredMembers.Length)]);
                return ("required member missing", intent.ToJsonString());
            case 5:
                intent[TypedMembers[random.Next(TypedMembers.Length)]] = WrongType(random);
                return ("member of the wrong type", intent.ToJsonString());
            case 6:
                intent["unknown_" + RandomText(random, 6, alphanumeric: true)] = RandomText(random, 8);
                return ("unknown member", intent.ToJsonString());
            case 7:
                intent["context"]!["y_" + RandomText(random, 5, alphanumeric: true)] = 1;
                return ("unknown context member", intent.ToJsonString());
            case 8:
                intent["context"]!["max_derivations"] = new JsonNode?[] { "0", 0, -3, "-1", "1.5", 2.5, "ten", true, "" }[random.Next(9)];
                return ("bad max_derivations", intent.ToJsonString());
            case 9:
                intent["x_padding"] = new string('p', 16_400 + random.Next(5_000));
                return ("oversize", intent.ToJsonString());
            case 10:
                intent["mission_expiry"] = BadExpiries[random.Next(BadExpiries.Length)];
                return ("bad mission_expiry", intent.ToJsonString());
            case 11:
                return ("deep nesting", "{\"goal\":" + new string('[', 40 + random.Next(200)) + new string(']', 10));
            case 12:
                intent["objects"] = random.Next(2) == 0 ? new JsonArray() : new JsonArray("", "https://finance.board-packet.example/mcp");
                return ("bad objects", intent.ToJsonString());
            default:
                return ("not an object", NotObjects[random.Next(NotObjects.Length)]);
        }
    }

    private static JsonNode? WrongType(Random random) => random.Next(5) switch
    {
        0 => 42,
        1 => true,
        2 => new JsonObject { ["nested"] = "object" },
        3 => new JsonArray(1, 2, 3),
        _ => null,
    };

    private static string RandomText(Random random, int length, bool alphanumeric = false)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphanumeric ? Letters[random.Next(Letters.Length)] : (char)random.Next(1, 0x3000));
        }
        return builder.ToString();
    }

    private static string Truncate(string value) => value.Length <= 160 ? value : value[..160] + "…";
}
