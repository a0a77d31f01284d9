namespace AmiAudit.Core.Tests;

/// <summary>Golden-file comparison for Core tests; AMIAUDIT_UPDATE_GOLDEN=1 rewrites instead of comparing.</summary>
public static class Golden
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static void Assert(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable("AMIAUDIT_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        File.Exists(path).ShouldBeTrue($"{path} is missing; run the tests with AMIAUDIT_UPDATE_GOLDEN=1");
        actual.ShouldBe(File.ReadAllText(path), $"{path} is stale; regenerate with AMIAUDIT_UPDATE_GOLDEN=1 and review the diff");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AmiAudit.sln"))) return dir.FullName;
        throw new InvalidOperationException("AmiAudit.sln not found above " + AppContext.BaseDirectory);
    }
}
