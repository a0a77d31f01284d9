using System.Globalization;
using System.Text;
using AmiAudit.Core.Evaluation;
using Spectre.Console;
using Spectre.Console.Rendering;
using static AmiAudit.Reporting.Escaping.ReportText;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// Human output for a terminal or a CI log. Rendered into a string through a Spectre.Console
/// instance of fixed width and fixed capabilities (never the real terminal's), so the same input
/// gives the same bytes on a laptop and in CI. All fact text goes through <see cref="Printable"/>
/// and <see cref="Text"/> renderables: never Spectre markup, so "[" in a unit name cannot break it.
/// </summary>
internal sealed class ConsoleScanReporter : IScanReporter
{
    /// <summary>From this width on, subject and location get their own columns.</summary>
    private const int WideLayout = 120;
    private const int SeverityWidth = 8;   // "critical"
    private const int NarrowRuleWidth = 22;

    public string Format => "console";
    public string FileExtension => ".txt";

    public string Render(ScanResult result, ReportContext ctx)
    {
        result = ScanView.Redacted(result);
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = ctx.Color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ctx.Color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            // Enrichers sniff CI environment variables; output must not depend on where it runs.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        var width = Math.Max(60, ctx.Width);
        console.Profile.Width = width;
        console.Profile.Height = 24;
        console.Profile.Capabilities.Unicode = true;
        console.Profile.Capabilities.Links = false;

        var summary = ScanSummary.From(result);
        var shown = ScanView.Ordered(result.Findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Error or FindingStatus.Waived));
        var compact = summary.Failed == 0 && summary.Errors == 0;

        console.Write(Header(result, summary, ctx));
        console.WriteLine();

        if (!compact)
        {
            console.Write(width >= WideLayout ? WideTable(shown) : NarrowTable(shown, width));
        }
        else
        {
            // Nothing failed: one line per waiver is all the detail worth a reader's time.
            foreach (var f in shown)
                console.Write(Indented($"waived {Printable(ScanView.CaseName(f))} — {Printable(ScanView.WaiverText(f))}", Dim));
        }

        WriteRemediation(console, shown);
        WriteSkipped(console, ScanView.Ordered(result.Findings.Where(f => f.Status == FindingStatus.Skipped)));

        foreach (var line in Evidence.TimelineView.ConsoleLines(result.Timeline))
            console.Write(new Text(line + "\n"));

        foreach (var d in result.Diagnostics
                     .OrderBy(d => d.Source, StringComparer.Ordinal).ThenBy(d => d.Code, StringComparer.Ordinal)
                     .ThenBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Message, StringComparer.Ordinal))
        {
            var path = string.IsNullOrEmpty(d.Path) ? "" : $" ({Printable(d.Path)})";
            console.Write(Indented($"{Printable(d.Level)}: {Printable(d.Source)}/{Printable(d.Code)}: {Printable(d.Message)}{path}", Dim));
        }

        console.Write(new Text((compact ? "✓ " : "") + summary.Sentence + "\n", summary.Failed > 0 ? Failed : Ok));
        if (summary.ErrorNote is { } errors)
            console.Write(new Text(errors + "\n", Warn));
        if (ScanView.GateLine(result) is { } gate)
            console.Write(new Text(gate + "\n", result.GateFailed ? Failed : Ok));

        return Finish(writer.ToString());
    }

    /// <summary>Skipped rules listed here; the rest are counted (every one is in json and markdown).</summary>
    internal const int MaxSkippedShown = 20;

    /// <summary>What to do about each failing rule, once per rule (the text is the rule's, not the subject's), as
    /// markdown and JSON carry it.</summary>
    private static void WriteRemediation(IAnsiConsole console, IReadOnlyList<Finding> shown)
    {
        var fixes = shown.Where(f => f.Status == FindingStatus.Fail && !string.IsNullOrWhiteSpace(f.Remediation))
            .GroupBy(f => f.RuleId, StringComparer.Ordinal)
            .Select(g => (Rule: g.Key, Text: OneLine(g.First().Remediation!)))
            .ToList();
        if (fixes.Count == 0) return;
        console.Write(new Text("Remediation\n", Bold));
        foreach (var (rule, text) in fixes) console.Write(Indented($"{Printable(rule)}: {Printable(text)}", Style.Plain));
    }

    /// <summary>Why rules were not judged (a live-only fact on an image root, a guard the target does not meet).</summary>
    private static void WriteSkipped(IAnsiConsole console, IReadOnlyList<Finding> skipped)
    {
        if (skipped.Count == 0) return;
        console.Write(new Text("Skipped (not judgeable here)\n", Bold));
        foreach (var f in skipped.Take(MaxSkippedShown))
        {
            var id = string.IsNullOrEmpty(f.Subject) ? f.RuleId : $"{f.RuleId} [{f.Subject}]";
            console.Write(Indented($"{Printable(id)}: {Printable(f.Message)}", Dim));
        }
        if (skipped.Count > MaxSkippedShown)
            console.Write(Indented($"… {N(skipped.Count - MaxSkippedShown)} more (see --format json or markdown)", Dim));
    }

    /// <summary>Policy text is YAML prose, often folded over lines: one line for the console (Spectre re-wraps it).</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static IRenderable Header(ScanResult result, ScanSummary summary, ReportContext ctx)
    {
        var t = result.Target;
        // Identity facts the target name does not already show (it is often "host (ami-…)").
        var identity = new[] { t.ImageId, t.AvailabilityZone, t.InstanceId }
            .Where(s => !string.IsNullOrEmpty(s) && !result.TargetName.Contains(s, StringComparison.Ordinal))
            .Select(s => Printable(s))
            .ToList();
        var policies = result.Policies.Count;
        identity.Add($"{N(summary.Total)} {(summary.Total == 1 ? "check" : "checks")}, {N(policies)} {(policies == 1 ? "policy" : "policies")}");
        return new Rows(
            new Text($"amiaudit {Printable(ctx.ToolVersion)} · {Printable(result.TargetName)}", new Style(decoration: Decoration.Bold)),
            new Text(string.Join(" · ", identity), Dim));
    }

    /// <summary>
    /// 80 columns: severity | rule with the subject under it | message with the location under it.
    /// Fixed widths let paths and URLs be broken at '/' rather than mid-word.
    /// </summary>
    private static Table NarrowTable(IReadOnlyList<Finding> findings, int width)
    {
        var ruleWidth = Math.Min(NarrowRuleWidth,
            findings.SelectMany(f => new[] { f.RuleId.Length, Printable(f.Subject).Length }).DefaultIfEmpty(4).Max());
        ruleWidth = Math.Max(ruleWidth, 8);
        // 4 borders + 2 padding per column.
        var findingWidth = width - SeverityWidth - ruleWidth - 4 - 6;
        var table = new Table { Border = TableBorder.Rounded, Expand = true };
        table.AddColumn(new TableColumn("Sev").Width(SeverityWidth).NoWrap());
        table.AddColumn(new TableColumn("Rule").Width(ruleWidth));
        table.AddColumn(new TableColumn("Finding").Width(findingWidth));
        foreach (var f in findings)
        {
            var ruleCell = new List<IRenderable> { new Text(Printable(f.RuleId)) };
            if (!string.IsNullOrEmpty(f.Subject))
                ruleCell.Add(new Text(BreakAtSlashes(Printable(f.Subject), ruleWidth), Dim));
            var findingCell = new List<IRenderable> { new Text(MessageOf(f), f.Status == FindingStatus.Waived ? Dim : Style.Plain) };
            if (ScanView.LocationText(f) is { } location)
                findingCell.Add(new Text(BreakAtSlashes("at " + Printable(location), findingWidth), Dim));
            table.AddRow(new Text(SeverityLabel(f), SeverityStyle(f)), new Rows(ruleCell), new Rows(findingCell));
        }
        return table;
    }

    private static Table WideTable(IReadOnlyList<Finding> findings)
    {
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn("Sev").NoWrap());
        table.AddColumn(new TableColumn("Rule").NoWrap());
        table.AddColumn(new TableColumn("Subject"));
        table.AddColumn(new TableColumn("Finding"));
        table.AddColumn(new TableColumn("Location"));
        foreach (var f in findings)
        {
            table.AddRow(
                new Text(SeverityLabel(f), SeverityStyle(f)),
                new Text(Printable(f.RuleId)),
                new Text(Printable(f.Subject)),
                new Text(MessageOf(f), f.Status == FindingStatus.Waived ? Dim : Style.Plain),
                new Text(Printable(ScanView.LocationText(f) ?? ""), Dim));
        }
        return table;
    }

    private static string MessageOf(Finding f) =>
        Printable(f.Status == FindingStatus.Waived ? $"waived: {ScanView.WaiverText(f)}" : f.Message);

    /// <summary>
    /// Pre-wraps a path or URL after '/' so it fits <paramref name="width"/>; Spectre would
    /// otherwise fold it at an arbitrary character. A segment longer than the width is left
    /// for Spectre to fold.
    /// </summary>
    internal static string BreakAtSlashes(string text, int width)
    {
        if (text.Length <= width || width < 8)
            return text;
        var sb = new StringBuilder(text.Length + 8);
        var lineLength = 0;
        var start = 0;
        while (start < text.Length)
        {
            var slash = text.IndexOf('/', start);
            var end = slash < 0 ? text.Length : slash + 1;
            var piece = text[start..end];
            if (lineLength > 0 && lineLength + piece.Length > width)
            {
                sb.Append('\n');
                lineLength = 0;
            }
            sb.Append(piece);
            lineLength += piece.Length;
            start = end;
        }
        return sb.ToString();
    }

    private static IRenderable Indented(string text, Style style) =>
        new Padder(new Text(text, style), new Padding(2, 0, 0, 0));

    private static string SeverityLabel(Finding f) => f.Status switch
    {
        FindingStatus.Waived => "waived",
        FindingStatus.Error => "error",
        _ => f.Severity.ToName(),
    };

    private static Style SeverityStyle(Finding f) => f.Status switch
    {
        FindingStatus.Waived => Dim,
        FindingStatus.Error => Warn,
        _ => f.Severity switch
        {
            Severity.Critical => new Style(Color.Red, decoration: Decoration.Bold),
            Severity.High => new Style(Color.Red),
            Severity.Medium => new Style(Color.Yellow),
            _ => Style.Plain,
        },
    };

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static readonly Style Dim = new(Color.Grey);
    private static readonly Style Bold = new(decoration: Decoration.Bold);
    private static readonly Style Failed = new(Color.Red, decoration: Decoration.Bold);
    private static readonly Style Warn = new(Color.Yellow);
    private static readonly Style Ok = new(Color.Green);
}
