using AmiAudit.Testing;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// reports/ holds example outputs of the bundled incident image in every format, and they double as
/// the CLI's golden files: a change in any output shows up here. AMIAUDIT_UPDATE_GOLDEN=1 rewrites them.
/// </summary>
public class ExampleReportsTests
{
    public static TheoryData<string, string> Formats => new()
    {
        { "console", "dlami-root.scan.txt" },
        { "json", "dlami-root.scan.json" },
        { "junit", "dlami-root.scan.junit.xml" },
        { "sarif", "dlami-root.scan.sarif" },
        { "markdown", "dlami-root.scan.md" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Example_report_is_current(string format, string file)
    {
        // Relative root keeps absolute checkout paths out of the committed reports.
        var r = InRepo(() => CliHarness.Run("scan", "--root", "examples/dlami-root", "--fail-on", "high", "--format", format));
        r.ExitCode.ShouldBe(1, r.Error);
        GoldenFile.Assert(Path.Combine(CliHarness.RepoRoot, "reports", file), r.Out);
    }

    [Fact]
    public void Example_snapshot_is_current()
    {
        var r = InRepo(() => CliHarness.Run("collect", "--root", "examples/dlami-root"));
        r.ExitCode.ShouldBe(0, r.Error);
        GoldenFile.Assert(Path.Combine(CliHarness.RepoRoot, "reports", "dlami-root.snapshot.json"), r.Out);
    }

    private static readonly object CwdLock = new();

    internal static T InRepo<T>(Func<T> action)
    {
        lock (CwdLock)
        {
            var old = Directory.GetCurrentDirectory();
            Directory.SetCurrentDirectory(CliHarness.RepoRoot);
            try { return action(); }
            finally { Directory.SetCurrentDirectory(old); }
        }
    }
}
