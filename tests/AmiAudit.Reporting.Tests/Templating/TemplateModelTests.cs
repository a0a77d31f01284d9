using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Scan;
using AmiAudit.Reporting.Templates;
using AmiAudit.Reporting.Tests.Diff;
using AmiAudit.Reporting.Tests.Scan;
using Scriban.Runtime;

// Not ".Templates": that would shadow AmiAudit.Reporting.Templates for the other tests in this project.
namespace AmiAudit.Reporting.Tests.Templating;

/// <summary>
/// The template reporters must render under NativeAOT, where Scriban reads a plain .NET object inside a
/// ScriptObject as one without members and a .NET dictionary as empty — silently, no error. Under the
/// JIT those just work, so these tests check what the engine is handed: only ScriptObject, ScriptArray
/// and scalars, built from the checked <see cref="TemplateObject"/> model. The published binary renders
/// every template in NativeAotEquivalenceTests.
/// </summary>
public class TemplateModelTests
{
    public static TheoryData<string> Reports() => [.. ScanFixtures.All().Select(x => "scan:" + x.Name), "diff:markdown", "diff:html"];

    [Theory]
    [MemberData(nameof(Reports))]
    public void Every_template_report_hands_the_engine_only_script_objects_arrays_and_scalars(string report)
    {
        var (template, model, encode, helpers) = Case(report);
        var script = TemplateRenderer.ToScript(model);
        var foreign = new List<string>();
        Walk(script, "model", foreign);
        foreign.ShouldBeEmpty();
        TemplateRenderer.Render(TemplateSource.LoadEmbedded(template), model, encode, helpers).Length.ShouldBeGreaterThan(500);
    }

    private static void Walk(object? value, string path, List<string> foreign)
    {
        switch (value)
        {
            case null or string or bool or int:
                return;
            case ScriptArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{path}[{i}]", foreign);
                return;
            case ScriptObject o:
                foreach (var key in o.Keys) Walk(o[key], $"{path}.{key}", foreign);
                return;
            default:
                foreign.Add($"{path}: {value.GetType()}");
                return;
        }
    }

    // What a user's copy of a template might do beyond ours: objects and lists written whole, an
    // object's members walked with object.keys (the AOT-safe way), indexed, counted; missing paths.
    public static TheoryData<string, string> OddTemplates() => new()
    {
        { "{{ for k in gate | object.keys }}{{ k }}={{ gate[k] }};{{ end }}", "set=true;failOn=high;failed=true;verdict=FAILED;onError=fail;onErrorEffect=they fail the gate;" },
        { "{{ target.facts.size }} {{ target.facts[0].label }} {{ target.name | string.size }}", "6 Kind 36" },
        { "{{ missing.deeper }}|{{ for x in missing }}x{{ end }}|{{ if missing.x }}y{{ else }}n{{ end }}|{{ upper (lower missing) }}", "||n|" },
        { "{{ summary.bySeverity[0].name }} {{ join policies[0].name \"+\" }} {{ code \"a`b\" }}", "critical bootstrap-hygiene ``a`b``" },
        { "{{ raw \"<b>\" }} {{ \"<b>\" }}", "<b> \\<b\\>" },
    };

    [Theory]
    [MemberData(nameof(OddTemplates))]
    public void Restyled_templates_render_from_the_same_model(string template, string expected)
    {
        var model = MarkdownScanReporter.Model(ScanFixtures.DlamiGateFailed(), ScanFixtures.Context);
        TemplateRenderer.Render(template, model, MarkdownTextEncoder.EscapeInline, MarkdownScanReporter.Helpers).ShouldBe(expected);
    }

    [Fact]
    public void Handlebars_truth_empty_strings_lists_and_zero_are_false()
    {
        var model = new TemplateObject { ["s"] = "", ["l"] = new TemplateList(), ["z"] = 0, ["n"] = null, ["f"] = false, ["t"] = "x", ["one"] = new TemplateList { "a" } };
        TemplateRenderer.Render("{{ if s || l || z || n || f }}wrong{{ else }}ok{{ end }} {{ if t && one }}ok{{ end }} {{ one }}", model, s => s ?? "")
            .ShouldBe("ok ok a");
    }

    [Fact]
    public void A_template_that_does_not_parse_names_every_problem_with_file_line_and_column()
    {
        var e = Should.Throw<TemplateException>(() => TemplateRenderer.Render("# title\n{{ if target.name }}\nx\n{{ for }}\n", new TemplateObject(), s => s ?? "", templatePath: "my.md.scriban"));
        e.Problems.ShouldNotBeEmpty();
        e.Problems.ShouldAllBe(p => p.StartsWith("my.md.scriban:", StringComparison.Ordinal));
        e.Problems.ShouldContain(p => p.StartsWith("my.md.scriban:4:", StringComparison.Ordinal)); // the "for" without a variable
    }

    [Fact]
    public void A_template_that_fails_while_rendering_names_file_line_and_column()
    {
        var e = Should.Throw<TemplateException>(() => TemplateRenderer.Render("ok\n  {{ 1 | nosuch }}", new TemplateObject(), s => s ?? "", templatePath: "t.scriban"));
        e.Problems.ShouldHaveSingleItem().ShouldBe("t.scriban:2:10: The function `nosuch` was not found");
    }

    [Theory]
    [MemberData(nameof(ForeignValues))]
    public void Template_objects_and_lists_refuse_values_outside_the_model(object value)
    {
        Should.Throw<ArgumentException>(() => new TemplateObject { ["x"] = value }).Message.ShouldContain("NativeAOT");
        Should.Throw<ArgumentException>(() => new TemplateList { value });
        Should.Throw<ArgumentException>(() => new[] { value }.ToTemplateList());
    }

    public static TheoryData<object> ForeignValues() =>
    [
        new { name = "x" }, new PolicySummaryLike("x"), 1.5, 3L, Severity.High, DateTimeOffset.UnixEpoch,
        new List<string> { "a" }, new Dictionary<string, object?>(), new object(),
    ];

    [Fact]
    public void Template_objects_hold_the_model_values_and_each_name_once()
    {
        var o = new TemplateObject { ["s"] = "x", ["b"] = true, ["i"] = 1, ["n"] = null, ["o"] = new TemplateObject(), ["l"] = new TemplateList { "a", 2 } };
        o["s"].ShouldBe("x");
        o.ToString().ShouldBe("{ s = x, b = True, i = 1, n = , o = { }, l = AmiAudit.Reporting.Templates.TemplateList }");
        Should.Throw<InvalidOperationException>(() => new TemplateObject { ["name"] = "a", ["Name"] = "b" });
    }

    [Fact]
    public void Only_the_template_renderer_uses_Scriban()
    {
        // Everything else goes through TemplateRenderer, so nothing else can hand Scriban a .NET object.
        var src = Path.Combine(AmiAudit.Testing.RepoPaths.Root, "src");
        var users = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("using Scriban", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        users.ShouldBe(["AmiAudit.Reporting/Templates/TemplateRenderer.cs"]);
    }

    private sealed record PolicySummaryLike(string Name);

    private static (string Template, TemplateObject Model, Func<string?, string> Encode, IReadOnlyList<TemplateHelper>? Helpers) Case(string report)
    {
        var ctx = ScanFixtures.Context;
        return report switch
        {
            "diff:markdown" => (MarkdownDiffReporter.TemplateFile, DiffView.Build(DiffReporterTests.Incident(), ctx), MarkdownTextEncoder.EscapeInline, null),
            "diff:html" => (HtmlDiffReporter.TemplateFile, DiffView.Build(DiffReporterTests.Incident(), ctx), HtmlDiffReporter.Encode, null),
            _ => (MarkdownScanReporter.TemplateFile, MarkdownScanReporter.Model(ScanFixtures.ByName(report["scan:".Length..]), ctx),
                MarkdownTextEncoder.EscapeInline, MarkdownScanReporter.Helpers),
        };
    }
}
