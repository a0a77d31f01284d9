using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Templates;
using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// Markdown for PR comments, job summaries and wikis, rendered by the Scriban template
/// <c>templates/scan.markdown.scriban</c> (or the user's, <c>--template FILE</c>). This class only
/// builds the view model (camelCase, all strings, already ordered); the template decides the layout.
/// <c>{{ x }}</c> is Markdown-escaped (<see cref="MarkdownTextEncoder"/>); evidence goes into fenced
/// blocks via <c>{{ raw x }}</c>.
/// Helpers: <c>upper</c>, <c>lower</c>, <c>join list sep</c>, <c>code x</c> (inline code span),
/// <c>codecell x</c> (inline code span inside a table cell). Each item carries <c>fence</c>, a
/// ``` run longer than any inside its evidence.
/// </summary>
internal sealed partial class MarkdownScanReporter : IScanReporter
{
    public const string TemplateFile = "scan.markdown.scriban";

    public string Format => "markdown";
    public string FileExtension => ".md";

    public string Render(ScanResult result, ReportContext ctx)
    {
        var (template, name) = TemplateSource.For(TemplateFile, ctx);
        var text = TemplateRenderer.Render(template, Model(result, ctx), MarkdownTextEncoder.EscapeInline, Helpers, name);
        // Templates are easier to read with blank lines around blocks; collapse the runs they leave.
        // (Fenced blocks never contain blank lines: evidence values are single-line.)
        return ReportText.Finish(BlankRuns().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n\n"));
    }

    internal static readonly TemplateHelper[] Helpers =
    [
        new("upper", args => Arg(args, 0).ToUpperInvariant()),
        new("lower", args => Arg(args, 0).ToLowerInvariant()),
        new("join", args =>
        {
            var separator = args.Count > 1 ? Arg(args, 1) : ", ";
            return args.Count > 0 && args[0] is System.Collections.IEnumerable items and not string
                ? string.Join(separator, items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)))
                : Arg(args, 0);
        }),
        // Raw (already safe), so a helper result is not escaped a second time.
        new("code", args => CodeSpan(Arg(args, 0), inTable: false), Raw: true),
        new("codecell", args => CodeSpan(Arg(args, 0), inTable: true), Raw: true),
    ];

    private static string Arg(IReadOnlyList<object?> args, int i) =>
        args.Count > i ? Convert.ToString(args[i], CultureInfo.InvariantCulture) ?? "" : "";

    /// <summary>Inline code that survives any content: delimiter longer than the longest backtick
    /// run inside. In a table cell "|" is escaped (GFM splits cells on it even inside code spans);
    /// elsewhere it must not be, because a code span shows the backslash literally.</summary>
    public static string CodeSpan(string text, bool inTable)
    {
        var printable = ReportText.Printable(text);
        if (printable.Length == 0) return "";
        var fence = new string('`', LongestRun(printable, '`') + 1);
        var body = inTable ? printable.Replace("|", "\\|", StringComparison.Ordinal) : printable;
        var pad = body.StartsWith('`') || body.EndsWith('`') ? " " : "";
        return $"{fence}{pad}{body}{pad}{fence}";
    }

    private static int LongestRun(string s, char c)
    {
        int best = 0, run = 0;
        foreach (var ch in s)
        {
            run = ch == c ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        return best;
    }

    /// <summary>The view model the template sees (secrets already redacted).</summary>
    internal static TemplateObject Model(ScanResult result, ReportContext ctx)
    {
        result = ScanView.Redacted(result);
        var summary = ScanSummary.From(result);
        var ordered = ScanView.Ordered(result.Findings);
        var t = result.Target;
        return new TemplateObject
        {
            ["tool"] = new TemplateObject { ["name"] = ReportInfo.ToolName, ["version"] = ctx.ToolVersion },
            ["generatedAt"] = ctx.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            ["target"] = new TemplateObject
            {
                ["name"] = result.TargetName,
                ["kind"] = t.Kind,
                ["facts"] = new (string Label, string? Value)[]
                    {
                        ("Kind", t.Kind), ("Image", t.ImageId), ("Availability zone", t.AvailabilityZone),
                        ("Instance", t.InstanceId), ("Hostname", t.Hostname), ("Root", t.Root),
                    }
                    .Where(x => !string.IsNullOrEmpty(x.Value))
                    .Select(x => new TemplateObject { ["label"] = x.Label, ["value"] = x.Value! })
                    .ToTemplateList(),
            },
            ["gate"] = new TemplateObject
            {
                ["set"] = result.FailOn is not null,
                ["failOn"] = result.FailOn?.ToName() ?? "",
                ["failed"] = result.GateFailed,
                ["verdict"] = result.GateFailed ? "FAILED" : result.FailOn is null ? "no gate" : "passed",
                ["onError"] = result.OnError.ToName(),
                ["onErrorEffect"] = result.OnError == OnError.Fail ? "they fail the gate" : "they are reported only",
            },
            ["summary"] = new TemplateObject
            {
                ["sentence"] = summary.Sentence,
                ["errorNote"] = summary.ErrorNote ?? "",
                ["total"] = N(summary.Total),
                ["failed"] = N(summary.Failed),
                ["passed"] = N(summary.Passed),
                ["waived"] = N(summary.Waived),
                ["skipped"] = N(summary.Skipped),
                ["errors"] = N(summary.Errors),
                ["hasErrors"] = summary.Errors > 0,
                ["bySeverity"] = ScanView.SeveritiesDescending
                    .Select(s => new TemplateObject { ["name"] = s.ToName(), ["count"] = N(summary.FailedBySeverity[s]) })
                    .ToTemplateList(),
            },
            ["policies"] = result.Policies.OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new TemplateObject
                {
                    ["name"] = p.Name, ["description"] = p.Description ?? "", ["file"] = p.File ?? "",
                    ["rules"] = N(p.Rules), ["rulesText"] = p.Rules == 1 ? "1 rule" : $"{N(p.Rules)} rules",
                })
                .ToTemplateList(),
            ["timeline"] = Evidence.TimelineView.Tail(result.Timeline, MaxTimeline).Shown
                .Select(e => new TemplateObject
                {
                    ["when"] = Evidence.TimelineView.When(e), ["source"] = e.Source, ["subject"] = Evidence.TimelineView.Subject(e),
                    ["event"] = Evidence.TimelineView.Event(e),
                })
                .ToTemplateList(),
            ["timelineHidden"] = Evidence.TimelineView.Tail(result.Timeline, MaxTimeline).Hidden is var hidden and > 0 ? N(hidden) : "",
            ["hasFailures"] = summary.Failed > 0,
            ["failureGroups"] = ScanView.SeveritiesDescending
                .Select(s => (Severity: s, Items: ordered.Where(f => f.Status == FindingStatus.Fail && f.Severity == s).Select(Item).ToTemplateList()))
                .Where(g => g.Items.Count > 0)
                .Select(g => new TemplateObject { ["severity"] = g.Severity.ToName(), ["items"] = g.Items })
                .ToTemplateList(),
            ["errors"] = ordered.Where(f => f.Status == FindingStatus.Error).Select(Item).ToTemplateList(),
            ["waived"] = ordered.Where(f => f.Status == FindingStatus.Waived).Select(Item).ToTemplateList(),
            ["skipped"] = ordered.Where(f => f.Status == FindingStatus.Skipped).Select(Item).ToTemplateList(),
            ["diagnostics"] = result.Diagnostics
                .OrderBy(d => d.Source, StringComparer.Ordinal).ThenBy(d => d.Code, StringComparer.Ordinal)
                .ThenBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Message, StringComparer.Ordinal)
                .Select(d => new TemplateObject { ["level"] = d.Level, ["source"] = d.Source, ["code"] = d.Code, ["message"] = d.Message, ["path"] = d.Path ?? "" })
                .ToTemplateList(),
        };
    }

    private static TemplateObject Item(Finding f)
    {
        var evidence = f.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Field: ReportText.Printable(kv.Key), Value: ReportText.Printable(kv.Value)))
            .ToList();
        var blockText = new StringBuilder(ReportText.Printable(f.Expected));
        foreach (var e in evidence) blockText.Append(e.Field).Append(e.Value);
        return new TemplateObject
        {
            ["ruleId"] = f.RuleId,
            ["title"] = f.Title,
            ["severity"] = f.Severity.ToName(),
            ["policy"] = f.Policy,
            ["subject"] = f.Subject,
            ["message"] = f.Message,
            ["expected"] = ReportText.Printable(f.Expected),
            ["evidence"] = evidence.Select(e => new TemplateObject { ["field"] = e.Field, ["value"] = e.Value }).ToTemplateList(),
            ["hasEvidence"] = evidence.Count > 0 || !string.IsNullOrEmpty(f.Expected),
            // Fenced block delimiter longer than any backtick run in the block, so hostile
            // evidence cannot close the fence early.
            ["fence"] = new string('`', Math.Max(3, LongestRun(blockText.ToString(), '`') + 1)),
            ["location"] = ScanView.LocationText(f) ?? "",
            ["remediation"] = f.Remediation?.Trim() ?? "",
            ["rationale"] = f.Rationale?.Trim() ?? "",
            ["waiverReason"] = f.WaiverReason ?? "",
            ["waiverOwner"] = f.WaiverOwner ?? "",
            ["fingerprint"] = f.Fingerprint,
        };
    }

    /// <summary>Timeline rows a Markdown report shows (the newest); the snapshot keeps them all.</summary>
    private const int MaxTimeline = 100;

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\n[ \t]*\n(?:[ \t]*\n)+")]
    private static partial Regex BlankRuns();
}
