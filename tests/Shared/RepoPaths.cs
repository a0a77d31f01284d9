namespace AmiAudit.Testing;

/// <summary>Where the repository is, seen from a test binary (linked into every test project).</summary>
public static class RepoPaths
{
    /// <summary>The directory holding AmiAudit.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AmiAudit.sln"))) return dir.FullName;
        throw new InvalidOperationException("AmiAudit.sln not found above " + AppContext.BaseDirectory);
    }
}
