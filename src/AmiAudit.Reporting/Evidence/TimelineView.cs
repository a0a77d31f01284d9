using System.Globalization;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Reporting.Evidence;

/// <summary>
/// How every human format shows a post-mortem timeline: UTC times, a folded run as "from … to …", the
/// newest entries kept when it is long (the end of the story is what killed the node). Text is redacted
/// again and made printable — it comes from a hostile root's logs.
/// </summary>
public static class TimelineView
{
    /// <summary>Entries a console report shows; the snapshot keeps them all.</summary>
    public const int ConsoleEntries = 25;

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"2026-03-03 14:02:00Z" or "2026-03-03 14:02:00Z → 2026-03-04 14:01:50Z".</summary>
    public static string When(TimelineEntry e) =>
        e.Until is { } u && u != e.Time ? $"{Time(e.Time)} → {Time(u)}" : Time(e.Time);

    public static string Subject(TimelineEntry e) => ReportText.Printable(Redactor.RedactText(e.Subject));

    public static string Event(TimelineEntry e) => ReportText.Printable(Redactor.RedactText(e.Event));

    /// <summary>The last <paramref name="max"/> entries in time order, and how many earlier ones were left out.</summary>
    public static (IReadOnlyList<TimelineEntry> Shown, int Hidden) Tail(IReadOnlyList<TimelineEntry> entries, int max)
    {
        var ordered = entries.OrderBy(e => e.Time).ThenBy(e => e.Source, StringComparer.Ordinal)
            .ThenBy(e => e.Subject, StringComparer.Ordinal).ThenBy(e => e.Event, StringComparer.Ordinal).ToList();
        return ordered.Count <= max ? (ordered, 0) : (ordered[^max..], ordered.Count - max);
    }

    /// <summary>Plain lines for a console, two per entry so 80 columns hold the when and what:
    /// "  2026-03-03 14:02:00Z → 2026-03-04 14:01:50Z  journal  ecs.service" / "      restarted 8,640 times (360/h)".</summary>
    public static IEnumerable<string> ConsoleLines(IReadOnlyList<TimelineEntry> entries, int max = ConsoleEntries)
    {
        if (entries.Count == 0) yield break;
        var (shown, hidden) = Tail(entries, max);
        yield return "Timeline (from the logs the node left on its root, UTC):";
        if (hidden > 0) yield return $"  … {hidden} earlier entries in the snapshot (evidence.timeline)";
        foreach (var e in shown)
        {
            yield return $"  {When(e)}  {ReportText.Printable(e.Source)}  {Subject(e)}";
            yield return $"      {Event(e)}";
        }
    }
}
