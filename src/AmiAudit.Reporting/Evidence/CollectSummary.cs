using System.Globalization;
using System.Text;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Reporting.Evidence;

/// <summary>
/// <c>collect --format console|markdown</c>: what was collected, and for a root that left logs, the
/// post-mortem — what was read, the units and containers that looped, ENA resets, cloud-init's failure —
/// and the timeline. Pure: snapshot in, text out (LF, trailing newline); every string from the root is
/// redacted and made printable (Markdown-escaped for markdown).
/// </summary>
public static class CollectSummary
{
    public static string Render(Snapshot s, string format, string? writtenTo)
    {
        var md = format == "markdown";
        var sb = new StringBuilder();
        string E(string? t) => md ? MarkdownTextEncoder.EscapeInline(Redactor.RedactText(t ?? "")) : ReportText.Printable(Redactor.RedactText(t ?? ""));
        void Line(string t = "") => sb.Append(t).Append('\n');
        void Heading(string t)
        {
            if (md) { Line(); Line("## " + t); Line(); }
            else { Line(); Line(t + ":"); }
        }
        void Item(string t) => Line(md ? "- " + t : "  " + t);

        Line(md ? $"# AmiAudit collect: {E(s.Target.Root ?? s.Target.Kind)}" : $"amiaudit collect · {E(s.Target.Root ?? s.Target.Kind)}");
        if (md) Line();
        Line($"{N(s.Systemd.Units.Count)} units, {N(s.Containers.Count)} containers, {N(s.Bootstrap.Scripts.Count)} bootstrap scripts, {N(s.Packages.Items.Count)} packages, {N(s.Diagnostics.Count)} diagnostics"
             + (writtenTo is null ? "" : $"; snapshot written to {E(writtenTo)}"));

        if (s.Evidence is not { } e)
        {
            Line(md ? "" : "");
            Line("No logs on this root (journal, syslog, kernel, ECS, Docker, cloud-init): nothing for a post-mortem.");
            return sb.ToString();
        }

        Heading("Evidence read");
        if (e.Since is not null || e.Until is not null)
            Item($"bounded to {(e.Since is { } a ? TimelineView.Time(a) : "the start")} … {(e.Until is { } b ? TimelineView.Time(b) : "the end")}");
        if (e.Journal is { } j)
            Item($"journal: {E(j.Status)}{(j.Status == "read" ? $", {N(j.Records)} records in {N(j.Files.Count)} file(s)" : "")}{(j.Reason is { } why ? " — " + E(why) : "")}");
        foreach (var src in e.Sources.Where(x => x.Kind != "journal").OrderBy(x => x.Path, StringComparer.Ordinal))
            Item($"{E(src.Path)}: {E(src.Status)}, {N(src.Bytes)} bytes{(src.Detail is { } d ? " — " + E(d) : "")}");

        var loops = e.Units.Where(u => u.Restarts > 0 || u.Failures > 0 || u.StartLimitHits > 0).ToList();
        if (loops.Count > 0)
        {
            Heading("Units");
            foreach (var u in loops)
                Item($"{E(u.Name)}{(u.UserManager ? " (user)" : "")}: {N(u.Restarts)} restarts ({Rate(u.RestartsPerHour)}/h), {N(u.Failures)} failures, {N(u.Starts)} starts"
                     + (u.StartLimitHits > 0 ? $", start limit hit {N(u.StartLimitHits)}×" : "")
                     + (u.LastExit is { } x ? $"; last exit {E(x)}" : "")
                     + (u.First is { } f && u.Last is { } l ? $"; {TimelineView.Time(f)} → {TimelineView.Time(l)}" : ""));
        }
        if (e.Ecs is { } ecs && ecs.AgentStarts + ecs.Errors > 0)
        {
            Heading("ECS");
            Item($"agent container created {N(ecs.AgentStarts)} times ({Rate(ecs.RecreatesPerHour)}/h), {N(ecs.AgentExits)} exits"
                 + (ecs.ExitCodes.Count > 0 ? " (" + string.Join(", ", ecs.ExitCodes.Select(kv => $"code {E(kv.Key)} ×{N(kv.Value)}")) + ")" : "")
                 + $", {N(ecs.Errors)} errors");
            foreach (var err in ecs.TopErrors.Take(3)) Item("error: " + E(err));
        }
        if (e.Kernel is { } k)
        {
            Heading("Kernel");
            foreach (var i in k.Ena)
                Item($"ENA {E(i.Name)}: {N(i.Resets)} resets{(i.ImpliedResets > 0 ? $" ({N(i.ImpliedResets)} implied)" : "")}, {N(i.ResetFailures)} failed, "
                     + $"{N(i.TxTimeouts)} TX timeouts, {N(i.MissingTxCompletions)} missing-completion thresholds"
                     + (i.DriverVersion is { } v ? $", driver {E(v)}" : "")
                     + (i.NapiStarvationRatio is { } r ? $", NAPI delay {r.ToString("0.##", CultureInfo.InvariantCulture)}× threshold" : ""));
            var other = new[] { ("netdev watchdogs", k.NetdevWatchdogs), ("soft lockups", k.SoftLockups), ("hung tasks", k.HungTasks), ("OOM kills", k.OomKills) }
                .Where(x => x.Item2 > 0).Select(x => $"{N(x.Item2)} {x.Item1}").ToList();
            if (other.Count > 0) Item(string.Join(", ", other));
        }
        if (e.CloudInit is { } ci && (ci.FailedScript is not null || ci.FinishedAt is not null))
        {
            Heading("cloud-init");
            Item(ci.FailedScript is null
                ? $"finished{(ci.FinishedAt is { } fin ? " at " + TimelineView.Time(fin) : "")}"
                : $"{E(ci.FailedScript)} failed{(ci.ExitStatus is { } st ? $" with exit status {st}" : "")}{(ci.FailingCommand is { } c ? ": " + E(c) : "")}");
        }
        foreach (var c in e.Containers.Where(c => c.Created is not null))
        {
            if (c == e.Containers.First(x => x.Created is not null)) Heading("Containers");
            Item($"{E(c.Name)} ({E(c.Image ?? "?")}) created {TimelineView.Time(c.Created!.Value)}, {N(c.LogBytes)} bytes of log");
        }

        if (e.Timeline.Count > 0)
        {
            if (md)
            {
                var (shown, hidden) = TimelineView.Tail(e.Timeline, 100);
                Heading("Timeline (UTC)");
                if (hidden > 0) { Line($"{N(hidden)} earlier entries are in the snapshot (`evidence.timeline`)."); Line(); }
                Line("| Time | Source | Subject | Event |");
                Line("|---|---|---|---|");
                foreach (var t in shown)
                    Line($"| {TimelineView.When(t)} | {E(t.Source)} | {E(t.Subject)} | {E(t.Event)} |");
            }
            else
            {
                Line();
                foreach (var l in TimelineView.ConsoleLines(e.Timeline)) Line(l);
            }
        }
        return sb.ToString();
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
    private static string Rate(double? r) => (r ?? 0).ToString("0.##", CultureInfo.InvariantCulture);
}
