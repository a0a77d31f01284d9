namespace AmiAudit.Core.Tests.Diff;

internal static class RepoPaths
{
    /// <summary>The checkout root (the directory holding AmiAudit.sln), found from the test binary upward.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AmiAudit.sln"))) return dir.FullName;
            throw new InvalidOperationException("AmiAudit.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static bool UpdateGolden => Environment.GetEnvironmentVariable("AMIAUDIT_UPDATE_GOLDEN") == "1";
}
