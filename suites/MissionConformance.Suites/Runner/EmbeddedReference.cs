using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MissionConformance.Harness.Engine;
using MissionConformance.Harness.Targets;
using MissionConformance.Reference;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Security;

namespace MissionConformance.Suites.Runner;

/// <summary>
/// The reference AS started on 127.0.0.1 as a target, with the target file it would need. It shares
/// an <see cref="OffsetClock"/> with the harness, so expiry scenarios advance time instead of waiting.
/// </summary>
public sealed class EmbeddedReference : IAsyncDisposable
{
    private readonly ReferenceStack _stack;

    private EmbeddedReference(ReferenceStack stack, OffsetClock clock, ConsentSettings consent)
    {
        _stack = stack;
        Clock = clock;
        Target = TargetFor(stack.Issuer, $"embedded reference AS{(stack.Faults.Active.Count == 0 ? "" : " with faults " + string.Join(",", stack.Faults.Active))}", consent);
    }

    public Target Target { get; }

    public OffsetClock Clock { get; }

    public Func<TimeSpan, CancellationToken, Task> Wait => (duration, _) =>
    {
        Clock.Advance(duration);
        return Task.CompletedTask;
    };

    /// <param name="consent">How consent is driven; by default in the browser with the reference script, as a user's target file would.</param>
    public static async Task<EmbeddedReference> StartAsync(FaultSet faults, CancellationToken ct, ConsentSettings? consent = null)
    {
        var clock = new OffsetClock();
        var stack = await ReferenceStack.StartAsync(new ReferenceStackOptions { Faults = faults, Clock = clock }, ct);
        return new EmbeddedReference(stack, clock, consent ?? ConsentSettings.Reference);
    }

    /// <summary>The target file for a reference instance at <paramref name="issuer"/> (fixtures/targets/reference.json says the same).</summary>
    public static Target TargetFor(Uri issuer, string name, ConsentSettings consent)
    {
        TargetClient Client(string role, string clientId)
        {
            var registered = TestPrincipals.FindClient(clientId)!;
            var key = TestClientKeys.PrivateJwk(clientId) is { } jwk ? new JsonWebKey(jwk) : null;
            return new TargetClient(role, clientId, registered.IsPublic ? "none" : "client_secret_basic", registered.ClientSecret, key);
        }
        var alice = TestPrincipals.Accounts[0];
        var bob = TestPrincipals.Accounts[1];
        var carol = TestPrincipals.Accounts.Single(a => a.Represents.Contains(alice.Subject));
        var catalogue = ResourceCatalogue.BoardPacket;
        var intent = new JsonObject
        {
            ["goal"] = "Prepare the Q3 2026 board packet and ask the CFO to review it",
            ["objects"] = new JsonArray(catalogue.Resources.Select(r => (JsonNode)r.Resource).ToArray()),
            ["constraints"] = new JsonArray("Q3 2026 figures only", "read-only on financial systems"),
            ["success_criteria"] = new JsonArray("board packet draft created", "CFO review requested"),
            ["purpose"] = TestPrincipals.BoardPurpose,
            ["context"] = new JsonObject { ["max_derivations"] = "50" },
        };
        var server = new AuthorizationServerTarget("reference-as", issuer, TestPrincipals.RedirectUri,
            [Client("agent", "agent-confidential"), Client("public", "agent-public"), Client("foreign", "agent-other"), Client("admin", "mission-admin")],
            [
                new TargetAccount("approver", alice.Username, alice.Password, alice.Subject, alice.SecondFactor, alice.DisplayName),
                new TargetAccount("other", bob.Username, bob.Password, bob.Subject, bob.SecondFactor),
                new TargetAccount("delegate", carol.Username, carol.Password, carol.Subject, carol.SecondFactor, OnBehalfOf: alice.Username),
            ],
            intent, new NarrowingProbe(60, "https://unknown.example/api", ["mission_expiry", "objects"]),
            TestPrincipals.BoardPurpose, "urn:example:purpose:unregistered", UsesInventory: true, consent);
        return new Target(name, "seed-2026-06", [server], Timeouts.Default,
            new ScopeStatement(["oauth"], [], null, ["seed-2026-06"], []));
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();
}
