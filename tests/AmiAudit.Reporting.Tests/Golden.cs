namespace AmiAudit.Reporting.Tests;

/// <summary>Golden files of this project live under its Golden/ folder; the switch is the shared one.</summary>
public static class Golden
{
    public static bool Updating => AmiAudit.Testing.GoldenFile.Updating;

    public static string Directory { get; } = Path.Combine(AmiAudit.Testing.RepoPaths.Root, "tests", "AmiAudit.Reporting.Tests", "Golden");

    public static void Assert(string name, string actual) => AmiAudit.Testing.GoldenFile.Assert(Path.Combine(Directory, name), actual);
}
