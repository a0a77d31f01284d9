using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Reporting.Tests.Scan;

public partial class ConsoleScanReporterTests
{
    private static string Render(string fixture, bool color = false, int width = 80) =>
        ScanReporters.Get("console").Render(ScanFixtures.ByName(fixture), ScanFixtures.Context with { Color = color, Width = width });

    [Theory]
    [InlineData("dlami-gate-failed", false, 80)]
    [InlineData("dlami-gate-failed", true, 80)]
    [InlineData("clean-pass", true, 80)]
    [InlineData("no-gate-relative-root", false, 80)]
    [InlineData("dlami-gate-failed", false, 60)]
    [InlineData("dlami-gate-failed", true, 132)]
    public void No_line_is_wider_than_the_console(string fixture, bool color, int width)
    {
        foreach (var line in Render(fixture, color, width).Split('\n'))
            VisibleWidth(line).ShouldBeLessThanOrEqualTo(width, line);
    }

    [Fact]
    public void Failed_scan_shows_the_findings_summary_and_gate()
    {
        var text = Render("dlami-gate-failed");
        var lines = text.Split('\n');
        lines[0].ShouldContain(ScanFixtures.DlamiTarget);
        lines[0].ShouldContain("ami-0d2a1d1a7f3b9c001");
        text.ShouldContain("ECS-001");
        text.ShouldContain("ecs.service");
        text.ShouldContain("/lib/systemd/system/ecs.service");
        text.ShouldContain("critical");
        text.ShouldContain("team-ml-platform"); // waived rows say who owns the waiver
        text.ShouldNotContain("UNIT-001");     // passes are counted, not listed
        text.ShouldContain("\n4 failed (1 critical, 1 high, 1 medium, 1 low), 1 passed, 1 waived, 1 skipped\n1 rule could not be evaluated\n");
        // The fixture has an error finding: the gate line says what errors do (fail it, by default).
        text.ShouldEndWith("gate: FAILED at --fail-on high, --on-error fail\n");
    }

    [Fact]
    public void Clean_scan_is_compact()
    {
        var text = Render("clean-pass");
        text.ShouldNotContain("╭"); // no table
        text.ShouldContain("waived UNIT-010");
        text.ShouldContain("0 failed, 1 passed, 1 waived, 1 skipped");
        text.ShouldEndWith("gate: passed at --fail-on high\n");
        text.ShouldNotContain("Sev");
        var lines = text.TrimEnd('\n').Split('\n');
        lines[0].ShouldStartWith("amiaudit 0.1.0-test · ");
        lines[^2].ShouldStartWith("✓ ");
    }

    [Fact]
    public void No_gate_line_without_fail_on()
    {
        Render("no-gate-relative-root").ShouldNotContain("gate:");
    }

    [Fact]
    public void Without_color_there_are_no_escape_sequences_even_from_hostile_evidence()
    {
        Render("dlami-gate-failed").ShouldNotContain("\u001b");
        Render("no-gate-relative-root").ShouldNotContain("\u001b");
        Render("no-gate-relative-root").ShouldContain("found <b>weird</b> & odd unit\\nsecond");
    }

    [Fact]
    public void Color_output_uses_ansi()
    {
        Render("dlami-gate-failed", color: true).ShouldContain("\u001b[");
    }

    /// <summary>Columns a terminal would use: ANSI sequences stripped, wide (CJK) chars count 2 — none here.</summary>
    private static int VisibleWidth(string line) =>
        new StringInfo(Ansi().Replace(line, "")).LengthInTextElements;

    [GeneratedRegex(@"\u001b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();
}
