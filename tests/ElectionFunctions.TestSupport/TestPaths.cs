namespace ElectionFunctions.TestSupport;

public static class TestPaths
{
    public static string RepositoryRoot { get; } = Find();

    /// <summary>The OASIS STIX 2.1 schemas in ../shared beside the checkout (read from there, never copied).</summary>
    public static string StixSchemas => Path.Combine(RepositoryRoot, "..", "shared", "stix-2.1-schemas", "schemas");

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ElectionFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root (ElectionFunctions.sln) not found.");
    }
}
