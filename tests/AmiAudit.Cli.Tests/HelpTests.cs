namespace AmiAudit.Cli.Tests;

/// <summary>--help wraps at the terminal width (100 at most) and the root lists each verb by its summary line.</summary>
public class HelpTests
{
    public static TheoryData<string[]> Helps() => new()
    {
        new[] { "--help" }, new[] { "scan", "--help" }, new[] { "collect", "--help" }, new[] { "diff", "--help" },
        new[] { "probe", "--help" }, new[] { "policy", "validate", "--help" }, new[] { "fleet", "collect", "--help" },
    };

    [Theory]
    [MemberData(nameof(Helps))]
    public void Help_fits_the_width_and_never_more_than_100_columns(string[] args)
    {
        foreach (var (width, limit) in new[] { (80, 80), (100, 100), (180, 100) })
        {
            var text = TerminalWidthTests.RunAtWidth(width, args);
            text.ShouldNotBeEmpty();
            var wide = text.Split('\n').Where(l => l.Length > limit).ToList();
            wide.ShouldBeEmpty($"{string.Join(' ', args)} at {width} columns");
        }
    }

    [Fact]
    public void Root_help_lists_each_verb_by_its_first_line_with_no_stray_default()
    {
        var text = TerminalWidthTests.RunAtWidth(80, "--help");
        text.ShouldNotContain("[default:");
        var commands = text[text.IndexOf("Commands:", StringComparison.Ordinal)..];
        commands.ShouldContain("  probe    Run the node health probes");
        commands.ShouldNotContain("Examples:");
        commands.ShouldContain("  scan     Evaluate policies against an image root");
    }
}
