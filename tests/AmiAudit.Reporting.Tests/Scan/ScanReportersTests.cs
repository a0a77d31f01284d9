using AmiAudit.Reporting.Scan;

namespace AmiAudit.Reporting.Tests.Scan;

public class ScanReportersTests
{
    [Fact]
    public void Discovers_every_format_the_issue_asks_for()
    {
        ScanReporters.Formats.ShouldBe(["console", "json", "junit", "markdown", "sarif"]);
    }

    [Theory]
    [InlineData("JUnit", "junit", ".xml")]
    [InlineData(" sarif ", "sarif", ".sarif")]
    [InlineData("markdown", "markdown", ".md")]
    [InlineData("json", "json", ".json")]
    [InlineData("console", "console", ".txt")]
    public void Get_is_case_insensitive_and_reports_its_extension(string asked, string format, string extension)
    {
        var reporter = ScanReporters.Get(asked);
        reporter.Format.ShouldBe(format);
        reporter.FileExtension.ShouldBe(extension);
    }

    [Fact]
    public void Unknown_format_names_the_known_ones()
    {
        var ex = Should.Throw<ArgumentException>(() => ScanReporters.Get("html5"));
        ex.Message.ShouldContain("\"html5\"");
        ex.Message.ShouldContain("console, json, junit, markdown, sarif");
        ScanReporters.TryGet("html5", out _).ShouldBeFalse();
    }
}
