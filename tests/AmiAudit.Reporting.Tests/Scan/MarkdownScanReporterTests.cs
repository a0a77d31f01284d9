using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Scan;

namespace AmiAudit.Reporting.Tests.Scan;

public class MarkdownScanReporterTests
{
    private static string Render(ScanResult r, ReportContext? ctx = null) =>
        ScanReporters.Get("markdown").Render(r, ctx ?? ScanFixtures.Context);

    [Fact]
    public void Shows_verdict_summary_failures_by_severity_waivers_and_diagnostics()
    {
        var md = Render(ScanFixtures.DlamiGateFailed());
        md.ShouldStartWith("# AmiAudit scan: ");
        md.ShouldContain("**Gate FAILED** at `--fail-on high`");
        md.ShouldContain("### CRITICAL");
        md.IndexOf("### CRITICAL", StringComparison.Ordinal).ShouldBeLessThan(md.IndexOf("### HIGH", StringComparison.Ordinal));
        md.ShouldContain("#### ECS-001: The ECS agent is not enabled on a Kubernetes node — `ecs.service`");
        md.ShouldContain("- **Location:** `/lib/systemd/system/ecs.service`");
        md.ShouldContain("**Remediation:** systemctl disable ecs.service && systemctl mask ecs.service");
        md.ShouldContain("## Waived");
        md.ShouldContain("## Collection diagnostics");
        md.ShouldContain("fifo-skipped");
    }

    [Fact]
    public void Table_cells_escape_pipes_so_columns_do_not_shift()
    {
        var md = Render(ScanFixtures.DlamiGateFailed());
        var waivedRow = md.Split('\n').Single(l => l.StartsWith("| `UNIT-002`", StringComparison.Ordinal));
        // 5 columns → 6 unescaped pipes; the "|" inside the waiver reason must be escaped.
        System.Text.RegularExpressions.Regex.Matches(waivedRow, @"(?<!\\)\|").Count.ShouldBe(6, waivedRow);
    }

    [Fact]
    public void Hostile_text_cannot_inject_html_or_break_fences()
    {
        var md = Render(ScanFixtures.NoGateRelativeRoot());
        md.ShouldNotContain("<b>");
        md.ShouldContain("\\<b\\>weird\\</b\\>");
        md.ShouldNotContain("\u001b");
        // Evidence contains ``` so the fence must be longer.
        md.ShouldContain("````text");
        md.ShouldContain("> **No gate set**");
        // Outside a table a code span shows backslashes literally, so the pipe stays bare there…
        md.ShouldContain("— ``weird|unit`name.service``");
        // …and "Policies:" is prose, where the escaped pipe renders as a pipe.
        md.ShouldContain("Policies: `custom | pipes` (1 rule)");
    }

    [Theory]
    [InlineData("a && b", "a && b")]
    [InlineData("&lt;script&gt;", "&amp;lt;script&amp;gt;")]
    [InlineData("&#60;", "&amp;\\#60;")]
    [InlineData("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>")]
    [InlineData("a|b *c* _d_ [e](f) `g`", "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\`")]
    [InlineData("esc\u001b[2J", "esc\\\\u001b\\[2J")]
    public void Inline_escaping_neutralises_markdown_and_html(string input, string expected) =>
        AmiAudit.Reporting.Escaping.MarkdownTextEncoder.EscapeInline(input).ShouldBe(expected);

    [Fact]
    public void Template_directory_overrides_the_embedded_template()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-tpl-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, MarkdownScanReporter.TemplateFile),
                "custom {{ upper target.name }} {{ join policies \"+\" }} {{ summary.failed }}\n");
            var md = Render(ScanFixtures.CleanPass(), ScanFixtures.Context with { TemplateDirectory = dir.FullName });
            md.ShouldStartWith("custom AMI-0EKS5E1EC7ED00042 ");
            md.ShouldEndWith(" 0\n");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Missing_template_in_directory_falls_back_to_the_embedded_copy()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-tpl-");
        try
        {
            Render(ScanFixtures.CleanPass(), ScanFixtures.Context with { TemplateDirectory = dir.FullName })
                .ShouldBe(Render(ScanFixtures.CleanPass()));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Embedded_template_is_the_repository_file()
    {
        var repoTemplate = Path.Combine(Golden.Directory, "..", "..", "..", "templates", MarkdownScanReporter.TemplateFile);
        Templates.TemplateSource.LoadEmbedded(MarkdownScanReporter.TemplateFile).ShouldBe(File.ReadAllText(repoTemplate));
    }
}
