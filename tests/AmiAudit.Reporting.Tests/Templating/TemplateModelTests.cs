using System.Diagnostics.CodeAnalysis;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Scan;
using AmiAudit.Reporting.Templates;
using AmiAudit.Reporting.Tests.Diff;
using AmiAudit.Reporting.Tests.Scan;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;
using HandlebarsDotNet.ObjectDescriptors;

// Not ".Templates": that would shadow AmiAudit.Reporting.Templates for the other tests in this project.
namespace AmiAudit.Reporting.Tests.Templating;

/// <summary>
/// The template reporters must render under NativeAOT, where Handlebars' reflection member access
/// (getters made with MakeGenericMethod) and its collection formatters (MakeGenericType) crash. Under
/// the JIT those paths just work, so these tests put a tripwire where Handlebars would fall back to
/// them: a provider registered under ours, which Handlebars asks only about a type ours declines.
/// </summary>
public class TemplateModelTests
{
    public static TheoryData<string> Reports() => [.. ScanFixtures.All().Select(x => "scan:" + x.Name), "diff:markdown", "diff:html"];

    [Theory]
    [MemberData(nameof(Reports))]
    public void Every_template_report_renders_without_reaching_Handlebars_reflection(string report)
    {
        var (template, model, encode, helpers) = Case(report);
        var text = TemplateRenderer.Create(Tripwired(), encode, helpers).Compile(TemplateSource.LoadEmbedded(template))(model);

        // The tripwire only watches: the text is the one the reporter renders without it.
        text.ShouldBe(TemplateRenderer.Render(TemplateSource.LoadEmbedded(template), model, encode, helpers));
        text.Length.ShouldBeGreaterThan(500);
    }

    [Theory]
    [MemberData(nameof(OddTemplates))]
    public void Restyled_templates_stay_off_reflection_too(string template)
    {
        var model = MarkdownScanReporter.Model(ScanFixtures.DlamiGateFailed(), ScanFixtures.Context);
        Should.NotThrow(() => TemplateRenderer.Create(Tripwired(), MarkdownTextEncoder.EscapeInline, MarkdownScanReporter.Helpers).Compile(template)(model));
    }

    // What a user's copy of a template might do beyond ours: objects and lists written whole,
    // iterated as objects, indexed, counted, looked up; a string's length; missing paths.
    public static TheoryData<string> OddTemplates() =>
    [
        "{{target}} {{target.facts}} {{gate}} {{join summary.bySeverity \", \"}}",
        "{{#each gate}}{{@key}}={{this}};{{/each}} {{#each target.facts}}{{@index}}{{@first}}{{@last}}{{label}}{{../target.name}}{{/each}}",
        "{{target.facts.count}} {{target.facts.[0].label}} {{target.name.length}} {{#each target.kind}}{{@key}}{{/each}}",
        "{{lookup target \"name\"}} {{#with target as |t|}}{{t.kind}}{{/with}} {{@root.tool.name}} {{TARGET.NAME}}",
        "{{missing.deeper}} {{#each missing}}x{{else}}none{{/each}} {{#if missing.x}}y{{/if}} {{upper (lower missing)}}",
    ];

    [Fact]
    public void A_model_Handlebars_would_read_by_reflection_is_refused()
    {
        // What a future reporter might hand the engine directly: an anonymous type, a record, the
        // dictionary the diff model used to be. Each works under the JIT and crashes under NativeAOT.
        object[] models =
        [
            new { name = "x" },
            new PolicySummaryLike("x"),
            new Dictionary<string, object?> { ["name"] = "x" },
        ];
        foreach (var model in models)
        {
            var production = TemplateRenderer.Create(new HandlebarsConfiguration(), MarkdownTextEncoder.EscapeInline, null).Compile("{{name}}");
            Should.Throw<Exception>(() => production(model)).ToString().ShouldContain("NativeAOT");
        }
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
        o["S"].ShouldBe("x"); // names ignore case, as Handlebars' reflection did
        o.ToString().ShouldBe("{ s = x, b = True, i = 1, n = , o = { }, l = AmiAudit.Reporting.Templates.TemplateList }");
        Should.Throw<InvalidOperationException>(() => new TemplateObject { ["name"] = "a", ["Name"] = "b" });
    }

    [Fact]
    public void Only_the_template_engine_files_use_Handlebars()
    {
        // Everything else goes through TemplateRenderer, so nothing else can hand Handlebars a model.
        var src = Path.Combine(AmiAudit.Testing.RepoPaths.Root, "src");
        var users = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("HandlebarsDotNet", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        users.ShouldBe([
            "AmiAudit.Reporting/Templates/TemplateModelDescriptors.cs",
            "AmiAudit.Reporting/Templates/TemplateModelFormatters.cs",
            "AmiAudit.Reporting/Templates/TemplateRenderer.cs",
        ]);
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

    /// <summary>A configuration whose reflection fallbacks are fenced off: registered first, the
    /// tripwires sit under the providers <see cref="TemplateRenderer.Create"/> adds, above the built-ins.</summary>
    private static HandlebarsConfiguration Tripwired()
    {
        var configuration = new HandlebarsConfiguration();
        configuration.ObjectDescriptorProviders.Add(new DescriptorTripwire());
        configuration.FormatterProviders.Add(new FormatterTripwire());
        return configuration;
    }

    private sealed class DescriptorTripwire : IObjectDescriptorProvider
    {
        public bool TryGetDescriptor(Type type, [NotNullWhen(true)] out ObjectDescriptor? value) =>
            throw new InvalidOperationException($"Handlebars fell back to its reflection-based descriptors for {type}");
    }

    /// <summary>Scalars and "undefined" have reflection-free built-in formatters; anything else would
    /// reach the collection formatters, which make generic types at run time.</summary>
    private sealed class FormatterTripwire : IFormatterProvider
    {
        public bool TryCreateFormatter(Type type, [NotNullWhen(true)] out IFormatter? formatter)
        {
            formatter = null;
            return type == typeof(int) || type == typeof(bool) || type == typeof(UndefinedBindingResult)
                ? false
                : throw new InvalidOperationException($"Handlebars fell back to its built-in formatters for {type}");
        }
    }
}
