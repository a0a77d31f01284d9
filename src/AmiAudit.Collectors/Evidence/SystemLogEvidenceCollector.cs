using AmiAudit.Collectors.Evidence.Ecs;
using AmiAudit.Collectors.Evidence.Kernel;
using AmiAudit.Collectors.Evidence.Units;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// The syslog-format text logs: <c>/var/log/kern.log*</c>, <c>/var/log/messages*</c> (Amazon Linux, RHEL) and
/// <c>/var/log/syslog*</c> (Debian, Ubuntu), rotations and .gz included. Each file is read once as bytes; only the
/// lines <see cref="SyslogLineFilter"/> keeps are decoded (<see cref="ByteLineScanner"/>); a line feeds the kernel parser (ENA, watchdogs, lockups, hung tasks, OOM
/// kills), systemd's own messages (unit lifecycle, <see cref="SystemdMessageParser"/>) and amazon-ecs-init's lines.
/// Kernel lines come from kern.log when the root has one (syslog repeats them), else from messages/syslog.
/// Records a paste ran together on one line are split first (<see cref="LogLineSplitter"/>); a wrapped ENA
/// message is joined with its next line. The journal, when read, stays the authority for a unit it knows.
/// </summary>
public sealed class SystemLogEvidenceCollector : ICollector
{
    public string Name => "evidence-syslog";
    public int Order => 42;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = EvidenceRun.For(context, Name);
        var kern = LogFiles.Find(run.Fs, "/var/log", "kern.log");
        var messages = LogFiles.Find(run.Fs, "/var/log", "messages");
        var syslog = LogFiles.Find(run.Fs, "/var/log", "syslog");
        if (kern.Count + messages.Count + syslog.Count == 0) return snapshot;

        var evidence = run.Current(snapshot);
        var rows = new List<EvidenceSource>();
        var units = new UnitLog(UnitLog.DescriptionMap(snapshot.Systemd.Units));
        var kernel = new KernelEvents(run.Limits.MaxEvents);
        var ecs = new EcsLog(run.InBounds);
        var all = messages.Count > 0 ? messages : syslog;
        var allKind = messages.Count > 0 ? "messages" : "syslog";
        var kernelFromAll = kern.Count == 0;
        var kernelSources = new List<string>();
        var textSources = new List<string>();

        // kern.log first (its own budget), then the all-messages family: each file read exactly once.
        var plan = new List<(LogFile File, bool Kernel, bool All, string Kind)>();
        if (!kernelFromAll) plan.AddRange(run.WithinBudget(kern, "kernel", rows).Select(f => (f, true, false, "kernel")));
        plan.AddRange(run.WithinBudget(all, allKind, rows).Select(f => (f, kernelFromAll, true, allKind)));

        foreach (var (file, readKernel, readAll, kind) in plan)
        {
            using var stream = LogStream.Open(run.Fs, file.Path, run.Limits, Name);
            if (stream is null) { rows.Add(new EvidenceSource { Path = file.Path, Kind = kind, Status = "unreadable" }); continue; }
            var clock = new LogClock(run.Zone, stream.Modified);
            DateTimeOffset? first = null, last = null;
            var scanner = new ByteLineScanner(run.Limits.MaxLineChars);
            scanner.Scan(stream.Stream, SyslogLineFilter.For(readKernel, readAll), (text, next, lineNo) =>
            {
                foreach (var piece in LogLineSplitter.Split(text))
                {
                    var stripped = KernelLogPrefix.Strip(piece);
                    var time = clock.Resolve(stripped);
                    if (!run.InBounds(time)) continue;
                    if (time is { } t)
                    {
                        if (first is null || t < first) first = t;
                        if (last is null || t > last) last = t;
                    }
                    if (readKernel && (stripped.Ident == "kernel" || (stripped.Ident is null && !readAll)))
                    {
                        if (next.Length > 0 && EnaMessageParser.Parse(stripped) is not null
                            && WrappedLines.TryJoin(stripped, KernelLogPrefix.Strip(next)) is { } joined)
                            stripped = joined;
                        kernel.Add(stripped, time, stream.Path, lineNo);
                        continue;
                    }
                    if (!readAll) continue;
                    var message = stripped.Message;
                    if (SystemdMessageParser.IsSystemd(stripped.Ident, stripped.Pid, ref message, out var user))
                    {
                        if (SystemdMessageParser.Parse(message) is { } m) units.Add(m, user, time);
                    }
                    else if (EcsLog.IsEcsIdent(stripped.Ident)) ecs.Add(message, time);
                }
            }, skipFirstLine: stream.SkippedHead > 0);
            rows.Add(run.Row(file.Path, kind, stream, scanner.Lines, scanner.Overlong) with { First = first, Last = last });
            if (readKernel) kernelSources.Add(file.Path);
            if (readAll) textSources.Add(file.Path);
        }

        // The journal is the authority for the units it knows; syslog fills in the rest.
        var fromText = units.Build(textSources.Count > 0 ? textSources[^1] : "syslog");
        var known = evidence.Units.Select(u => (u.Name, u.UserManager)).ToHashSet();
        var mergedUnits = evidence.Units.Concat(fromText.Where(u => !known.Contains((u.Name, u.UserManager))))
            .OrderBy(u => u.Name, StringComparer.Ordinal).ThenBy(u => u.UserManager).ToList();
        var kernelEvidence = kernel.Build(kernelSources, out var dropped);
        if (dropped > 0) run.Fs.Note(Name, "events-capped", $"{dropped} kernel events beyond {run.Limits.MaxEvents} were counted but not listed", kernelSources.LastOrDefault(), "info");

        return snapshot with
        {
            Evidence = evidence with
            {
                Sources = [.. evidence.Sources, .. rows],
                Units = mergedUnits,
                // Text kernel logs keep weeks of rotations; the journal's kernel records only stand in when there are none.
                Kernel = kernelEvidence ?? evidence.Kernel,
                Ecs = evidence.Ecs ?? (ecs.Any ? ecs.Build(textSources) : null),
            },
        };
    }
}
