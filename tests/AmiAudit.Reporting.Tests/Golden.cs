namespace AmiAudit.Reporting.Tests;

/// <summary>
/// Golden-file comparison against files committed under this project's Golden/ folder.
/// AMIAUDIT_UPDATE_GOLDEN=1 rewrites them instead (and the test passes); review the diff.
/// </summary>
public static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("AMIAUDIT_UPDATE_GOLDEN") == "1";

    /// <summary>Folder of committed golden files (found by walking up from the test binary to the .csproj).</summary>
    public static string Directory { get; } = Path.Combine(ProjectDirectory(), "Golden");

    public static void Assert(string name, string actual)
    {
        var path = Path.Combine(Directory, name);
        if (Updating)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        File.Exists(path).ShouldBeTrue($"golden file {path} is missing; run with AMIAUDIT_UPDATE_GOLDEN=1 to create it");
        actual.ShouldBe(File.ReadAllText(path), $"{name} differs from its golden file; if the change is intended, run with AMIAUDIT_UPDATE_GOLDEN=1 and review the diff");
    }

    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AmiAudit.Reporting.Tests.csproj")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find AmiAudit.Reporting.Tests.csproj above " + AppContext.BaseDirectory);
    }
}
