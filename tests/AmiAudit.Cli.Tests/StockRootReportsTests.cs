using System.Diagnostics;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Testing;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// Issue 15: the built-in policies pass stock Debian roots (scripts/make-stock-root.sh) at the
/// strictest gate, and those scans are kept in reports/ as examples of a clean pass
/// (AMIAUDIT_UPDATE_GOLDEN=1 rewrites them; a rebuilt root with newer packages may change the counts).
/// The real boot behind "clean" is BootPrecisionTests in the collectors' real-part tests.
/// </summary>
[Trait("Category", "RealParts")]
public sealed class StockRootReportsTests
{
    public static TheoryData<string, string, string> Reports => new()
    {
        { "bookworm-stock", "console", "debian-bookworm-stock.scan.txt" },
        { "bookworm-stock", "markdown", "debian-bookworm-stock.scan.md" },
        { "bookworm-stock", "json", "debian-bookworm-stock.scan.json" },
        { "bookworm-systemd", "console", "debian-bookworm-systemd.scan.txt" },
        { "bookworm-systemd", "markdown", "debian-bookworm-systemd.scan.md" },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void A_stock_root_passes_the_strictest_gate(string root, string format, string file)
    {
        var path = Build(root);
        var r = CliHarness.Run("scan", "--root", path, "--fail-on", "info", "--format", format);
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Out + r.Error);
        r.Out.ShouldContain(format switch { "console" => "0 failed", "json" => "\"failed\": false", _ => "**Gate passed**" });
        GoldenFile.Assert(Path.Combine(CliHarness.RepoRoot, "reports", file), r.Out);
    }

    private static readonly Dictionary<string, string> Built = new(StringComparer.Ordinal);

    private static string Build(string name)
    {
        lock (Built)
        {
            if (Built.TryGetValue(name, out var dir)) return dir;
            dir = "/var/cache/amiaudit/debian-" + name;
            var psi = new ProcessStartInfo("bash", [Path.Combine(CliHarness.RepoRoot, "scripts", "make-stock-root.sh"), name, dir])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"make-stock-root.sh {name} failed ({p.ExitCode}):\n{output}{err.Result}");
            Built[name] = dir;
            return dir;
        }
    }
}
