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

[FaultHook(Fault.IgnoreIntentSizeLimit, "accepts a mission_intent larger than mission_intent_max_size", "MBO-AS-PAR-007")]
internal sealed class IgnoreIntentSizeLimit() : WaivedIntentRule(IntentRule.SizeLimit);

[FaultHook(Fault.AcceptUnknownMembers, "accepts unknown non-x_ members at the top level and in context", "MBO-AS-PAR-006")]
internal sealed class AcceptUnknownMembers() : WaivedIntentRule(IntentRule.KnownMembers);

[FaultHook(Fault.AcceptUnregisteredPurpose, "accepts an Intent whose purpose is not registered for the client", "MBO-AS-PAR-015")]
internal sealed class AcceptUnregisteredPurpose() : WaivedIntentRule(IntentRule.RegisteredPurpose);

[FaultHook(Fault.AcceptZeroMaxDerivations, "accepts context.max_derivations below 1", "MBO-AS-PAR-009")]
internal sealed class AcceptZeroMaxDerivations() : WaivedIntentRule(IntentRule.PositiveBudget);

/// <summary>Duplicate members are taken, the last one winning, where RFC 8259 leaves the meaning undefined (MBO-AS-PAR-004).</summary>
[FaultHook(Fault.AcceptDuplicateMembers, "accepts a mission_intent with duplicate member names", "MBO-AS-PAR-004")]
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
[FaultHook(
    Fault.AcceptMissingRequiredMembers,
    "does not require goal, constraints, success_criteria or mission_expiry: a missing one is filled in and the Intent admitted",
    "MBO-AS-PAR-005")]
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
[FaultHook(Fault.MalformedIntentServerError, "answers an unparseable mission_intent with 500 server_error", "MBO-AS-PAR-003")]
internal sealed class MalformedIntentServerError : IIntentHook
{
    public void Unparseable(string raw) => throw new InvalidOperationException("fault MalformedIntentServerError: unparseable mission_intent");
}

/// <summary>A mission_expiry before the policy ceiling is extended to it (MBO-AS-PAR-014: narrowing never widens).</summary>
[FaultHook(
    Fault.ExtendMissionExpiry,
    "narrowing sets mission_expiry to the policy ceiling even when the submitted value is earlier",
    "MBO-AS-PAR-014")]
internal sealed class ExtendMissionExpiry : IIntentHook
{
    public void ExpiryNarrowing(ExpiryNarrowing expiry)
    {
        if (expiry.Submitted < expiry.Ceiling) expiry.Validated = expiry.Ceiling;
    }
}

/// <summary>The validated Intent names an object the client never submitted (no authority derives from it).</summary>
[FaultHook(
    Fault.NarrowingAddsObject,
    "validation adds an object the client never submitted to the validated Intent the Mission records",
    "MBO-AS-PAR-014")]
internal sealed class NarrowingAddsObject : IIntentHook
{
    public void Narrowed(JsonObject validated) => validated["objects"]!.AsArray().Add("https://archive.board-packet.example/records");
}

/// <summary>The validated Intent loses the client's last constraint.</summary>
[FaultHook(
    Fault.NarrowingDropsConstraint,
    "validation removes the Intent's last client constraint from the validated Intent the Mission records (and renders)",
    "MBO-AS-PAR-014")]
internal sealed class NarrowingDropsConstraint : IIntentHook
{
    public void Narrowed(JsonObject validated)
    {
        if (validated["constraints"] is JsonArray { Count: > 0 } constraints) constraints.RemoveAt(constraints.Count - 1);
    }
}

/// <summary>Derived actions are not RFC 9396 action names (spaces and punctuation).</summary>
[FaultHook(Fault.InvalidActionName, "derived entries (and so the tokens) carry action names outside the action pattern", "MBO-AS-TOK-006")]
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
