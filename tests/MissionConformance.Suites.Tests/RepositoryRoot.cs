namespace MissionConformance.Suites.Tests;

/// <summary>The checkout the tests run from: the first folder above the test binaries that holds MissionConformance.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MissionConformance.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (MissionConformance.sln) is not above " + AppContext.BaseDirectory);
    }
}
