namespace AmiAudit.Testing;

/// <summary>
/// The one golden-file switch for every test project: compare output with a committed file, or with
/// AMIAUDIT_UPDATE_GOLDEN=1 rewrite the file instead (and pass) — then review the git diff.
/// </summary>
public static class GoldenFile
{
    public static bool Updating => Environment.GetEnvironmentVariable("AMIAUDIT_UPDATE_GOLDEN") == "1";

    public static void Assert(string path, string actual)
    {
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        File.Exists(path).ShouldBeTrue($"golden file {path} is missing; run the tests with AMIAUDIT_UPDATE_GOLDEN=1 to create it");
        actual.ShouldBe(File.ReadAllText(path), $"{path} differs; if the change is intended, run with AMIAUDIT_UPDATE_GOLDEN=1 and review the diff");
    }
}
