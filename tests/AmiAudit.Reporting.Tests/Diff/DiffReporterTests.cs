using AmiAudit.Core.Model;
using AmiAudit.Reporting.Diff;

namespace AmiAudit.Reporting.Tests.Diff;

// Inside the namespace: Shouldly brings a global 'DiffEngine' namespace that would otherwise win.
using AmiAudit.Core.Diff;

public class DiffReporterTests
{
    private static readonly ReportContext Ctx = new() { ToolVersion = "0.1.0", GeneratedAt = new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero), Width = 80 };

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AmiAudit.sln"))) return dir.FullName;
            throw new InvalidOperationException("AmiAudit.sln not found");
        }
    }

    /// <summary>The committed incident example, loaded from disk the way the CLI does.</summary>
    internal static DiffResult Incident()
    {
        IEnumerable<Snapshot> Load(string zone) =>
            Directory.GetFiles(Path.Combine(Root, "examples", "incident", zone), "*.json").Order(StringComparer.Ordinal)
                .Select(f => SnapshotJson.Deserialize(File.ReadAllText(f), f));
        return DiffEngine.Compare(Load("zone-a"), Load("zone-b"), new DiffOptions { NameA = "zone-a", NameB = "zone-b" });
    }

    [Theory]
    [InlineData("console", "incident.console.txt")]
    [InlineData("json", "incident.json")]
    [InlineData("markdown", "incident.md")]
    [InlineData("html", "incident.html")]
    public void Incident_renders_as_its_golden_file(string format, string golden) =>
        Golden.Assert(Path.Combine("Diff", golden), DiffReporters.Get(format).Render(Incident(), Ctx));

    [Fact]
    public void Console_fits_80_columns_and_leads_with_both_chains()
    {
        var text = DiffReporters.Get("console").Render(Incident(), Ctx);
        // 80 columns, except a line holding one token that must not be split (a URL): it overflows whole.
        text.Split('\n').ShouldAllBe(l => l.Length <= 80 || !l.Trim().Contains(' '));
        text.ShouldNotContain("\u001b[");
        var lines = text.Split('\n');
        lines.ShouldContain("  zone-b: ecs.service never started");
        lines.ShouldContain(l => l.Trim() == "\u2190 bootstrap.service failed (exit 1, \"metric push failed\")");
        lines.ShouldContain(l => l.Trim() == "\u2192 68,440 dying memcgs [known mechanism]");
        text.IndexOf("Why they differ", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("Divergences, ranked", StringComparison.Ordinal));
    }

    [Fact]
    public void Console_colour_is_only_there_when_asked() =>
        DiffReporters.Get("console").Render(Incident(), Ctx with { Color = true }).ShouldContain("\u001b[1m");

    [Fact]
    public void Html_is_self_contained()
    {
        var html = DiffReporters.Get("html").Render(Incident(), Ctx);
        html.ShouldNotContain("<script");
        html.ShouldNotContain("src=");
        html.ShouldNotContain("href=");
        html.ShouldNotContain("<link");
        html.ShouldContain("ecs.service never started");
    }

    [Fact]
    public void Hostile_values_are_escaped_in_every_format()
    {
        var evil = "x|<img src=x onerror=alert(1)>\u001b[31m";
        var result = new DiffResult
        {
            A = new DiffSide { Name = "a", Nodes = 1 },
            B = new DiffSide { Name = "b", Nodes = 1 },
            Divergences = [new Divergence { Key = $"unit/{evil}/activeState", Class = DivergenceClass.Consistent, A = [new ValueCount { Value = evil, Count = 1 }], B = [new ValueCount { Value = "active", Count = 1 }] }],
        };
        DiffReporters.Get("html").Render(result, Ctx).ShouldNotContain("<img");
        var md = DiffReporters.Get("markdown").Render(result, Ctx);
        // Markdown-escaped as "\<img": shown as text, never parsed as a tag.
        System.Text.RegularExpressions.Regex.IsMatch(md, @"(?<!\\)<img").ShouldBeFalse();
        md.ShouldContain("\\<img");
        md.ShouldNotContain("\u001b");
        DiffReporters.Get("console").Render(result, Ctx).ShouldNotContain("\u001b");
    }

    [Fact]
    public void Identical_sides_say_so()
    {
        var result = new DiffResult { A = new DiffSide { Name = "a", Nodes = 2 }, B = new DiffSide { Name = "b", Nodes = 2 }, KeysCompared = 12 };
        DiffReporters.Get("console").Render(result, Ctx).ShouldContain("a and b are identical in the 12 keys compared.");
        DiffReporters.Get("markdown").Render(result, Ctx).ShouldNotContain("## Divergences");
    }

    [Fact]
    public void A_template_directory_overrides_the_embedded_template()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-tpl-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, MarkdownDiffReporter.TemplateFile), "custom {{ a }} vs {{ b }}: {{ keys }}");
            DiffReporters.Get("markdown").Render(Incident(), Ctx with { TemplateDirectory = dir }).ShouldStartWith("custom zone-a vs zone-b: ");
            // A directory without the file falls back to the embedded copy.
            DiffReporters.Get("html").Render(Incident(), Ctx with { TemplateDirectory = dir }).ShouldStartWith("<!DOCTYPE html>");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_documented_format_is_registered() =>
        DiffReporters.Formats.ShouldBe(["console", "html", "json", "markdown"]);
}
