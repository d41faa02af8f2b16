using System.Text.Json;
using System.Text.Json.Nodes;
using MissionConformance.Reference.Missions;

namespace MissionConformance.Reference.Faults.Missions;

/// <summary>A rule of Intent admission that a fault waives.</summary>
internal abstract class WaivedIntentRule(IntentRule rule) : IIntentHook
{
    public void Checked(IntentCheck check)
    {
        if (check.Rule == rule) check.Refusal = null;
    }
}

[FaultHook(Fault.IgnoreIntentSizeLimit)]
internal sealed class IgnoreIntentSizeLimit() : WaivedIntentRule(IntentRule.SizeLimit);

[FaultHook(Fault.AcceptUnknownMembers)]
internal sealed class AcceptUnknownMembers() : WaivedIntentRule(IntentRule.KnownMembers);

[FaultHook(Fault.AcceptUnregisteredPurpose)]
internal sealed class AcceptUnregisteredPurpose() : WaivedIntentRule(IntentRule.RegisteredPurpose);

[FaultHook(Fault.AcceptZeroMaxDerivations)]
internal sealed class AcceptZeroMaxDerivations() : WaivedIntentRule(IntentRule.PositiveBudget);

/// <summary>Duplicate members are taken, the last one winning, where RFC 8259 leaves the meaning undefined (MBO-AS-PAR-004).</summary>
[FaultHook(Fault.AcceptDuplicateMembers)]
internal sealed class AcceptDuplicateMembers : WaivedIntentRule, IIntentHook
{
    public AcceptDuplicateMembers() : base(IntentRule.NoDuplicateMembers)
    {
    }

    public void Parsing(IntentParsing parsing) => parsing.Parse = LastMemberWins;

    private static JsonNode? LastMemberWins(string raw)
    {
        using var document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 32 });
        return Copy(document.RootElement);

        static JsonNode? Copy(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Aggregate(new JsonObject(), (obj, p) => { obj[p.Name] = Copy(p.Value); return obj; }),
            JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(Copy).ToArray()),
            _ => JsonValue.Create(element.Clone()),
        };
    }
}

/// <summary>An Intent missing required members is admitted, the missing ones given defaults (MBO-AS-PAR-005).</summary>
[FaultHook(Fault.AcceptMissingRequiredMembers)]
internal sealed class AcceptMissingRequiredMembers : WaivedIntentRule, IIntentHook
{
    public AcceptMissingRequiredMembers() : base(IntentRule.RequiredMembers)
    {
    }

    public void Parsed(ParsedIntent parsed)
    {
        var intent = parsed.Intent;
        if (intent["goal"] is null) intent["goal"] = "(no goal)";
        if (intent["constraints"] is null) intent["constraints"] = new JsonArray();
        if (intent["success_criteria"] is null) intent["success_criteria"] = new JsonArray();
        if (intent["mission_expiry"] is null) intent["mission_expiry"] = MissionIntentValidator.FormatRfc3339(parsed.Now + MissionIntentValidator.MaxMissionLifetime - TimeSpan.FromSeconds(1));
    }
}

/// <summary>An unparseable Intent makes the server fail (HTTP 500) instead of refusing it (MBO-AS-PAR-003).</summary>
[FaultHook(Fault.MalformedIntentServerError)]
internal sealed class MalformedIntentServerError : IIntentHook
{
    public void Unparseable(string raw) => throw new InvalidOperationException("fault MalformedIntentServerError: unparseable mission_intent");
}

/// <summary>A mission_expiry before the policy ceiling is extended to it (MBO-AS-PAR-014: narrowing never widens).</summary>
[FaultHook(Fault.ExtendMissionExpiry)]
internal sealed class ExtendMissionExpiry : IIntentHook
{
    public void ExpiryNarrowing(ExpiryNarrowing expiry)
    {
        if (expiry.Submitted < expiry.Ceiling) expiry.Validated = expiry.Ceiling;
    }
}

/// <summary>The validated Intent names an object the client never submitted (no authority derives from it).</summary>
[FaultHook(Fault.NarrowingAddsObject)]
internal sealed class NarrowingAddsObject : IIntentHook
{
    public void Narrowed(JsonObject validated) => validated["objects"]!.AsArray().Add("https://archive.board-packet.example/records");
}

/// <summary>The validated Intent loses the client's last constraint.</summary>
[FaultHook(Fault.NarrowingDropsConstraint)]
internal sealed class NarrowingDropsConstraint : IIntentHook
{
    public void Narrowed(JsonObject validated)
    {
        if (validated["constraints"] is JsonArray { Count: > 0 } constraints) constraints.RemoveAt(constraints.Count - 1);
    }
}

/// <summary>Derived actions are not RFC 9396 action names (spaces and punctuation).</summary>
[FaultHook(Fault.InvalidActionName)]
internal sealed class InvalidActionName : IIntentHook
{
    public void AuthorityDerived(JsonArray authoritySet)
    {
        foreach (var actions in authoritySet.Select(e => e!["actions"]!.AsArray()))
        {
            for (var i = 0; i < actions.Count; i++) actions[i] = ((string)actions[i]!).Replace('_', ' ') + "!";
        }
    }
}
