namespace MissionConformance.Suites.Tests;

/// <summary>fixtures/targets/reference.json, the worked example, as a test rewrites it for servers it starts itself.</summary>
internal static class ExampleTarget
{
    /// <summary>Its text, with the key files it names by absolute path, so the rewritten file may live in any folder.</summary>
    public static string Text()
    {
        return File.ReadAllText(Path.Combine(RepositoryRoot.Path, "fixtures/targets/reference.json"))
            .Replace("\"../keys/", "\"" + Path.Combine(RepositoryRoot.Path, "fixtures/keys/"), StringComparison.Ordinal);
    }
}
