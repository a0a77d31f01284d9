namespace AmiAudit.Cli.Tests;

/// <summary><c>--template FILE</c> on scan and diff: the user's Scriban template replaces the built-in
/// one; a template error is exit 3 naming file:line:col; a template for a non-template format is a usage error.</summary>
public class UserTemplateTests
{
    private static string Template(string name) => Path.Combine(CliHarness.RepoRoot, "tests", "AmiAudit.Cli.Tests", "Fixtures", "templates", name);
    private static string Repo(params string[] parts) => Path.Combine([CliHarness.RepoRoot, .. parts]);

    [Fact]
    public void Scan_renders_the_users_template_from_the_same_model()
    {
        var r = CliHarness.Run("scan", "--root", CliHarness.Example("dlami-root"), "--fail-on", "high", "--format", "markdown", "--template", Template("scan-summary.md.scriban"));
        (r.ExitCode, r.Error).ShouldBe((1, ""));
        r.Out.ShouldStartWith("# DLAMI-BUILD: FAILED\n\n- set: true\n- failOn: high\n- failed: true\n");
        r.Out.ShouldContain("## critical (");
        r.Out.ShouldContain("- `ECS-001` ");
        r.Out.ShouldContain("Policies: ");
        r.Out.ShouldNotContain("{{");
    }

    [Fact]
    public void Diff_html_renders_the_users_template_with_values_html_encoded()
    {
        var r = CliHarness.Run("diff", Repo("examples", "incident", "zone-a"), Repo("examples", "incident", "zone-b"), "--format", "html", "--template", Template("diff-rows.html.scriban"));
        (r.ExitCode, r.Error).ShouldBe((0, ""));
        r.Out.ShouldStartWith("<ul>\n<li class=\"");
        r.Out.ShouldContain("side direction arrow summary links");
        r.Out.ShouldContain("&#215;"); // the "×" of "active ×3", encoded as every value is
    }

    [Fact]
    public void A_template_that_does_not_parse_is_invalid_input_with_file_line_and_column()
    {
        var file = Template("broken.md.scriban");
        var r = CliHarness.Run("scan", "--snapshot", Repo("reports", "dlami-root.snapshot.json"), "--format", "markdown", "--template", file);
        r.ExitCode.ShouldBe(3);
        r.Out.ShouldBeEmpty();
        r.Error.ShouldContain($"{file}:4:");
    }

    [Fact]
    public void A_template_that_fails_while_rendering_is_invalid_input_and_nothing_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-tpl-").FullName;
        try
        {
            var file = Path.Combine(dir, "t.scriban");
            File.WriteAllText(file, "ok\n{{ target.name | nosuch }}\n");
            var output = Path.Combine(dir, "report.md");
            var r = CliHarness.Run("scan", "--snapshot", Repo("reports", "dlami-root.snapshot.json"), "--format", "markdown", "--template", file, "-o", output);
            r.ExitCode.ShouldBe(3);
            r.Error.ShouldContain($"{file}:2:18: The function `nosuch` was not found");
            File.Exists(output).ShouldBeFalse();
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("scan", "json")]
    [InlineData("diff", "console")]
    public void A_template_for_a_format_that_is_not_template_based_is_a_usage_error(string verb, string format)
    {
        string[] args = verb == "scan"
            ? ["scan", "--snapshot", Repo("reports", "dlami-root.snapshot.json"), "--format", format, "--template", Template("scan-summary.md.scriban")]
            : ["diff", Repo("examples", "incident", "zone-a"), Repo("examples", "incident", "zone-b"), "--format", format, "--template", Template("diff-rows.html.scriban")];
        var r = CliHarness.Run(args);
        r.ExitCode.ShouldBe(2);
        r.Error.ShouldContain("--template applies to --format markdown or html");
    }

    [Fact]
    public void A_missing_template_file_is_invalid_input()
    {
        var r = CliHarness.Run("scan", "--snapshot", Repo("reports", "dlami-root.snapshot.json"), "--format", "markdown", "--template", "/nonexistent/amiaudit.scriban");
        r.ExitCode.ShouldBe(3);
        r.Error.ShouldContain("--template /nonexistent/amiaudit.scriban: no such file");
    }
}
