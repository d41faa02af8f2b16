using System.Text.Json.Nodes;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Storage;

namespace MissionConformance.Reference.Missions;

/// <summary>
/// The structured consent disclosure (oauth-profile.md §5 step 3). The consent page is rendered from
/// this object and consent_rendering_hash is computed over it, so the hash covers what was shown.
/// </summary>
public static class ConsentDisclosure
{
    /// <param name="superseded">For a Mission Expansion's successor, the Mission it replaces: the page then shows what approval adds to it.</param>
    public static JsonObject Build(MissionRecord mission, TestAccount subject, TestAccount approver, ResourceCatalogue catalogue,
        MissionRecord? superseded = null)
    {
        var intent = JsonNode.Parse(mission.IntentJson)!.AsObject();
        var client = TestPrincipals.FindClient(mission.ClientId);
        var disclosure = new JsonObject
        {
            ["client"] = new JsonObject { ["client_id"] = mission.ClientId, ["name"] = client?.DisplayName ?? mission.ClientId },
            ["goal"] = intent["goal"]?.DeepClone(),
            ["objects"] = intent["objects"]?.DeepClone(),
            ["constraints"] = intent["constraints"]?.DeepClone(),
            ["success_criteria"] = intent["success_criteria"]?.DeepClone(),
        };
        disclosure["mission_expiry"] = intent["mission_expiry"]?.DeepClone();
        if (intent["purpose"] is { } purpose) disclosure["purpose"] = purpose.DeepClone();
        if (mission.Supersedes is { } prior)
        {
            disclosure["supersedes"] = prior;
            // oauth-profile.md §13: the successor is shown as a diff against the current Mission.
            if (superseded?.Id == prior) disclosure["expansion"] = new JsonObject { ["adds"] = Added(superseded, mission, catalogue) };
        }
        if (intent["context"] is JsonObject context)
        {
            var bounds = new JsonObject();
            foreach (var name in new[] { "max_derivations", "acr", "aal" })
            {
                if (context[name] is { } value) bounds[name] = value.DeepClone();
            }
            disclosure["context_bounds"] = bounds;
        }

        var authority = new JsonArray();
        foreach (var entry in JsonNode.Parse(mission.AuthoritySetJson)!.AsArray())
        {
            var resource = (string)entry!["resource"]!;
            authority.Add(new JsonObject
            {
                ["resource"] = resource,
                ["name"] = catalogue.Find(resource)?.Name ?? resource,
                ["actions"] = entry["actions"]?.DeepClone(),
                ["constraints"] = entry["constraints"]?.DeepClone() ?? new JsonObject(),
            });
        }
        disclosure["authority"] = authority;
        disclosure["narrowing"] = JsonNode.Parse(mission.NarrowingJson);
        disclosure["subject"] = new JsonObject { ["id"] = subject.Subject, ["name"] = subject.DisplayName };  // oauth-profile.md §5 step 2, MC-AS-APR-104
        disclosure["approver"] = new JsonObject { ["id"] = approver.Subject, ["name"] = approver.DisplayName };
        disclosure["policy_version"] = mission.PolicyVersion;
        return disclosure;
    }

    /// <summary>The successor's resources the prior has no entry for, and its actions the prior's entry for that resource lacks.</summary>
    private static JsonArray Added(MissionRecord prior, MissionRecord successor, ResourceCatalogue catalogue)
    {
        var before = JsonNode.Parse(prior.AuthoritySetJson)!.AsArray()
            .ToLookup(e => (string)e!["resource"]!, e => e!["actions"]!.AsArray().Select(a => (string)a!), StringComparer.Ordinal);
        var added = new JsonArray();
        foreach (var entry in JsonNode.Parse(successor.AuthoritySetJson)!.AsArray())
        {
            var resource = (string)entry!["resource"]!;
            var known = before[resource].SelectMany(a => a).ToHashSet(StringComparer.Ordinal);
            var actions = entry["actions"]!.AsArray().Select(a => (string)a!).Where(a => !known.Contains(a)).ToList();
            if (actions.Count == 0) continue;
            added.Add(new JsonObject
            {
                ["resource"] = resource,
                ["name"] = catalogue.Find(resource)?.Name ?? resource,
                ["actions"] = new JsonArray([.. actions.Select(a => (JsonNode?)a)]),
                ["new_resource"] = !before.Contains(resource),
            });
        }
        return added;
    }
}
