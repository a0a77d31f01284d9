using AmiAudit.Reporting.Scan;

namespace AmiAudit.Reporting.Tests.Scan;

/// <summary>Every fixture × every registered format against Golden/scan/&lt;fixture&gt;.&lt;format&gt;&lt;ext&gt;.</summary>
public class ScanGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in ScanFixtures.All())
            foreach (var format in ScanReporters.Formats)
                data.Add(name, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_golden_file(string fixture, string format)
    {
        var reporter = ScanReporters.Get(format);
        var actual = reporter.Render(ScanFixtures.ByName(fixture), ScanFixtures.Context);
        // clean-pass.json, clean-pass.sarif, clean-pass.junit.xml, clean-pass.console.txt …
        var suffix = reporter.FileExtension == "." + format ? reporter.FileExtension : $".{format}{reporter.FileExtension}";
        Golden.Assert($"scan/{fixture}{suffix}", actual);
    }

    [Theory]
    [InlineData("dlami-gate-failed.console-color.txt", true, 80)]
    [InlineData("dlami-gate-failed.console-wide.txt", false, 132)]
    [InlineData("clean-pass.console-color.txt", true, 80)]
    public void Console_variants_match_golden_files(string file, bool color, int width)
    {
        var fixture = file[..file.IndexOf(".console", StringComparison.Ordinal)];
        var actual = ScanReporters.Get("console").Render(ScanFixtures.ByName(fixture), ScanFixtures.Context with { Color = color, Width = width });
        Golden.Assert("scan/" + file, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_is_deterministic_lf_and_newline_terminated(string fixture, string format)
    {
        var reporter = ScanReporters.Get(format);
        var a = reporter.Render(ScanFixtures.ByName(fixture), ScanFixtures.Context);
        var b = reporter.Render(ScanFixtures.ByName(fixture), ScanFixtures.Context);
        a.ShouldBe(b);
        a.ShouldNotContain("\r");
        a.ShouldEndWith("\n");
        a.ShouldNotEndWith("\n\n");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_order_does_not_change_output(string fixture, string format)
    {
        var result = ScanFixtures.ByName(fixture);
        var shuffled = result with
        {
            Findings = [.. Enumerable.Reverse(result.Findings)],
            Diagnostics = [.. Enumerable.Reverse(result.Diagnostics)],
            Policies = [.. Enumerable.Reverse(result.Policies)],
        };
        var reporter = ScanReporters.Get(format);
        reporter.Render(shuffled, ScanFixtures.Context).ShouldBe(reporter.Render(result, ScanFixtures.Context));
    }
}
