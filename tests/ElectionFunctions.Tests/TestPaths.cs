namespace ElectionFunctions.Tests;

internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ElectionFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root (ElectionFunctions.sln) not found.");
    }
}
