using System.Globalization;
using System.Text.RegularExpressions;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Collectors.Evidence.Kernel;

/// <summary>
/// Kernel messages of a post-mortem, in log order, from any source (kern.log text, the journal's kernel
/// records, a saved dmesg): ENA events through <see cref="EnaAggregator"/> (the live probe's counting),
/// plus netdev watchdogs of any driver, soft/hard lockups, hung tasks and OOM kills. Times are placed on the
/// wall clock by the caller (<see cref="LogClock"/>); a line with only a dmesg stamp keeps it as uptime.
/// </summary>
public sealed partial class KernelEvents(int maxEvents)
{
    private readonly EnaAggregator _ena = new();
    private readonly List<KernelEvent> _events = [];
    private long _watchdogs, _softLockups, _hungTasks, _oomKills, _dropped;
    private DateTimeOffset? _first, _last;

    [GeneratedRegex(@"\bBUG: soft lockup - CPU#(?<cpu>\d+) stuck for (?<s>\d+)s! \[(?<comm>.+?):(?<pid>\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex SoftLockup();

    [GeneratedRegex(@"(?:Watchdog detected hard LOCKUP on cpu|NMI watchdog: Watchdog detected hard LOCKUP on cpu) (?<cpu>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex HardLockup();

    [GeneratedRegex(@"\bINFO: task (?<comm>.+?):(?<pid>\d+) blocked for more than (?<s>\d+) seconds", RegexOptions.CultureInvariant)]
    private static partial Regex HungTask();

    [GeneratedRegex(@"(?:^|: )Killed process (?<pid>\d+) \((?<comm>[^)]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex OomKilled();

    [GeneratedRegex(@"^(?:(?<drv2>\S+) \S+ (?<if2>[^\s:]+): )?NETDEV WATCHDOG: (?:(?<if>\S+) \((?<drv>[^)]*)\): |CPU: \d+: )?transmit queue (?<q>\d+) timed out", RegexOptions.CultureInvariant)]
    private static partial Regex Watchdog();

    public int EnaEvents => _ena.Count;

    /// <summary>One stripped kernel line. <paramref name="time"/> is its wall time when known; <paramref name="lineNumber"/>
    /// (0 = none) is appended to <paramref name="source"/> only for a line that becomes an event.</summary>
    public void Add(KernelLogLine line, DateTimeOffset? time, string source, long lineNumber = 0)
    {
        if (time is { } t)
        {
            if (_first is null || t < _first) _first = t;
            if (_last is null || t > _last) _last = t;
        }
        var text = line.Message;
        if (!Interesting(text)) return;
        var at = lineNumber > 0 ? new SourceRef(source, lineNumber) : new SourceRef(source, 0);
        if (EnaMessageParser.Parse(line) is { } e)
        {
            // The aggregator compares times within one kind: hand it the wall time when there is one.
            e = time is { } wall ? e with { Seconds = wall.ToUnixTimeMilliseconds() / 1000.0, TimeKind = LogTimeKind.Wall } : e;
            _ena.Add(e);
            if (e.Kind == EnaEventKind.NetdevWatchdog)
            {
                _watchdogs++;
                Event(time, line, "netdev-watchdog", e.Interface ?? "ena", $"transmit queue {e.Queue} timed out", at);
            }
            return;
        }
        Match m;
        if (text.Contains("NETDEV WATCHDOG", StringComparison.Ordinal) && (m = Watchdog().Match(text)).Success)
        {
            _watchdogs++;
            var iface = m.Groups["if"].Success ? m.Groups["if"].Value : m.Groups["if2"].Success ? m.Groups["if2"].Value : "?";
            var drv = m.Groups["drv"].Success ? m.Groups["drv"].Value : m.Groups["drv2"].Success ? m.Groups["drv2"].Value : null;
            Event(time, line, "netdev-watchdog", iface, $"transmit queue {m.Groups["q"].Value} timed out{(drv is null ? "" : $" ({drv})")}", at);
        }
        else if ((m = SoftLockup().Match(text)).Success)
        {
            _softLockups++;
            Event(time, line, "soft-lockup", "CPU " + m.Groups["cpu"].Value, $"stuck {m.Groups["s"].Value} s in {m.Groups["comm"].Value}", at);
        }
        else if ((m = HardLockup().Match(text)).Success)
        {
            _softLockups++;
            Event(time, line, "hard-lockup", "CPU " + m.Groups["cpu"].Value, "hard lockup", at);
        }
        else if ((m = HungTask().Match(text)).Success)
        {
            _hungTasks++;
            Event(time, line, "hung-task", m.Groups["comm"].Value, $"blocked for more than {m.Groups["s"].Value} s", at);
        }
        else if ((m = OomKilled().Match(text)).Success)
        {
            _oomKills++;
            var memcg = text.StartsWith("Memory cgroup", StringComparison.Ordinal) ? " (memory cgroup limit)" : "";
            Event(time, line, "oom-kill", m.Groups["comm"].Value, $"killed pid {m.Groups["pid"].Value}{memcg}", at);
        }
    }

    /// <summary>Where a line came from, formatted only when it becomes an event.</summary>
    private readonly record struct SourceRef(string Path, long Line)
    {
        public override string ToString() => Line > 0 ? $"{Path}:{Line.ToString(CultureInfo.InvariantCulture)}" : Path;
    }

    /// <summary>A line that is none of these is nothing this class reads.</summary>
    private static bool Interesting(string text) =>
        EnaMessageParser.MightBeEna(text) || text.Contains("lockup", StringComparison.Ordinal) || text.Contains("LOCKUP", StringComparison.Ordinal)
        || text.Contains("blocked for more than", StringComparison.Ordinal) || text.Contains("Killed process", StringComparison.Ordinal);

    private void Event(DateTimeOffset? time, KernelLogLine line, string kind, string subject, string detail, SourceRef source)
    {
        if (_events.Count >= maxEvents) { _dropped++; return; }
        _events.Add(new KernelEvent
        {
            Time = time,
            Uptime = line.TimeKind == LogTimeKind.Monotonic ? line.Seconds : line.Uptime,
            Kind = kind,
            Subject = Redactor.RedactText(subject),
            Detail = Redactor.RedactText(detail),
            Source = source.ToString(),
        });
    }

    /// <summary>The evidence, or null when no kernel line of interest was seen.</summary>
    public KernelEvidence? Build(IReadOnlyList<string> sources, out long droppedEvents)
    {
        var (interfaces, episodes, version) = _ena.Build();
        foreach (var ep in episodes)
        {
            if (_events.Count >= maxEvents) { _dropped++; continue; }
            var at = ep.TimeKind == LogTimeKind.Wall && ep.Seconds is { } s ? Probes.Ena.StampTime.FromUnixSeconds(s) : null;
            _events.Add(new KernelEvent
            {
                Time = at,
                Uptime = ep.TimeKind == LogTimeKind.Monotonic ? ep.Seconds : null,
                Kind = ep.Implied ? "ena-implied-reset" : ep.Failed ? "ena-reset-failed" : "ena-reset",
                Subject = ep.Interface,
                Detail = ep.Cause,
            });
        }
        droppedEvents = _dropped;
        if (_events.Count == 0 && interfaces.Count == 0) return null;
        return new KernelEvidence
        {
            Sources = [.. sources],
            First = _first,
            Last = _last,
            EnaDriverVersion = version,
            Ena = interfaces,
            NetdevWatchdogs = _watchdogs,
            SoftLockups = _softLockups,
            HungTasks = _hungTasks,
            OomKills = _oomKills,
            Events = [.. _events.OrderBy(e => e.Time ?? DateTimeOffset.MaxValue).ThenBy(e => e.Uptime ?? double.MaxValue)
                .ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Subject, StringComparer.Ordinal).ThenBy(e => e.Source, StringComparer.Ordinal)],
        };
    }

    internal static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}
