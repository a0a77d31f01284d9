using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>Console width: the terminal's on a TTY, COLUMNS otherwise, 80 as the fallback; injected, never read by reporters.</summary>
public class TerminalWidthTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    [Fact]
    public void A_terminal_gives_its_own_width_even_when_COLUMNS_says_otherwise() =>
        TerminalWidth.Resolve(true, () => 160, new Dictionary<string, string> { ["COLUMNS"] = "100" }).ShouldBe(160);

    [Fact]
    public void Without_a_terminal_COLUMNS_decides() =>
        TerminalWidth.Resolve(false, () => throw new InvalidOperationException("not asked"), new Dictionary<string, string> { ["COLUMNS"] = "132" }).ShouldBe(132);

    [Theory]
    [InlineData(null)]
    [InlineData("wide")]
    [InlineData("0")]
    public void Without_a_terminal_or_a_usable_COLUMNS_it_is_80(string? columns)
    {
        var env = columns is null ? NoEnv : new Dictionary<string, string> { ["COLUMNS"] = columns };
        TerminalWidth.Resolve(false, () => 200, env).ShouldBe(80);
    }

    [Fact]
    public void A_terminal_that_cannot_say_its_width_falls_back() =>
        TerminalWidth.Resolve(true, () => throw new IOException("no tty"), NoEnv).ShouldBe(80);

    /// <summary>The diff console used to be fixed at 80 columns whatever the terminal: now the context's width reaches it.</summary>
    [Fact]
    public void Diff_console_is_laid_out_for_the_context_width()
    {
        var zoneA = Path.Combine(CliHarness.Example("incident"), "zone-a");
        var zoneB = Path.Combine(CliHarness.Example("incident"), "zone-b");
        var narrow = RunAtWidth(80, "diff", zoneA, zoneB);
        var wide = RunAtWidth(160, "diff", zoneA, zoneB);
        narrow.Split('\n').Where(l => l.Contains(' ', StringComparison.Ordinal) && l.Trim().Contains(' ')).Max(l => l.Length).ShouldBeLessThanOrEqualTo(80);
        // The kubelet URL fits beside its side's name on a wide terminal; on 80 columns it goes on a line of its own.
        wide.ShouldContain("zone-a: https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet");
        narrow.ShouldNotContain("zone-a: https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet");
        wide.Split('\n').Max(l => l.Length).ShouldBeLessThanOrEqualTo(160);
        wide.Split('\n').Length.ShouldBeLessThan(narrow.Split('\n').Length);
    }

    internal static string RunAtWidth(int width, params string[] args)
    {
        var stdout = new StringWriter();
        var context = new CliContext
        {
            Out = stdout, Error = new StringWriter(), Environment = CliHarness.PinnedEnvironment(),
            Clock = TimeProvider.System, AppDirectory = AppContext.BaseDirectory, ConsoleWidth = width,
        };
        Program.Run(args, context);
        return stdout.ToString();
    }
}
