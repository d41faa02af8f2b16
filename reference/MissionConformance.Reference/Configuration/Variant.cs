namespace MissionConformance.Reference.Configuration;

/// <summary>
/// design.md principle 8, the dual of faults: a choice the spec allows, made the other way. The reference can run in each
/// named variant, and the whole suite must pass it with the same coordinate as the default reference.
/// </summary>
public enum Variant
{
    AdminOnlyLifecycle,
    ErrorBodiesWithExtraMembers,
}

/// <summary>A variant, what the reference does differently in it, and what a target file says to be judged in it.</summary>
public sealed record VariantInfo(Variant Variant, string Behaviour, string TargetFile)
{
    public string Name => Variant.ToString();
}

public static class VariantCatalogue
{
    public static IReadOnlyList<VariantInfo> All { get; } =
    [
        new(Variant.AdminOnlyLifecycle,
            "lifecycle operations (suspend, resume, revoke, complete) are reserved to the admin client; the agent that requested a Mission gets the same 404 not_found as for an unknown one",
            "authorizationServers[0].lifecycleClient: \"admin\""),
        new(Variant.ErrorBodiesWithExtraMembers,
            "every JSON error body of the Authorization Server carries error_uri and an x_trace_id extension member beside error and error_description",
            "nothing: a client ignores members it does not understand"),
    ];

    public static VariantInfo? Find(string name) => All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The variants a reference instance runs in; none by default.</summary>
public sealed class VariantSet(IEnumerable<Variant> variants)
{
    private readonly HashSet<Variant> _active = [.. variants];

    public static VariantSet None { get; } = new([]);

    /// <summary>Parses a comma-separated list such as "AdminOnlyLifecycle".</summary>
    public static VariantSet Parse(string? list) => new((list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(name => VariantCatalogue.Find(name)?.Variant ?? throw new ReferenceConfigurationException(
            $"unknown variant \"{name}\"; `mission-conformance list variants` prints them")));

    public IReadOnlyCollection<Variant> Active => _active;

    public bool Has(Variant variant) => _active.Contains(variant);
}

/// <summary>
/// Who may operate a Mission's lifecycle once they may see it: its requesting client or an administrator, or under
/// <see cref="Variant.AdminOnlyLifecycle"/> an administrator only. oauth-profile.md leaves that policy to the deployment.
/// </summary>
public sealed record LifecycleOperators(bool AdminOnly)
{
    public bool MayOperate(TestClient client) => !AdminOnly || client.IsAdmin;
}
