using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence.Units;

/// <summary>
/// Counts unit lifecycle messages per unit, from one kind of source (the journal, or syslog text). A message
/// that names the unit only by its Description is mapped back through the descriptions the systemd collector
/// read from the root's unit files; a description no unit (or more than one) has is kept only for failed
/// starts, as "description:…", since "Started Session 5 of user …" is noise. Restart rate = restarts between the
/// first and the last restart, per hour, with at least one hour counted (one restart is not "3600 an hour").
/// </summary>
public sealed class UnitLog(IReadOnlyDictionary<string, string> unitByDescription)
{
    private readonly Dictionary<(string Unit, bool User), Acc> _units = [];

    /// <summary>Units by Description=, for "Started &lt;Description&gt;" lines; descriptions shared by two units are left out.</summary>
    public static Dictionary<string, string> DescriptionMap(IEnumerable<UnitFact> units)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in units)
        {
            if (string.IsNullOrWhiteSpace(u.Description) || u.AliasOf is not null) continue;
            var d = u.Description.Trim();
            if (map.TryGetValue(d, out var other) && other != u.Name) ambiguous.Add(d);
            else map[d] = u.Name;
        }
        foreach (var d in ambiguous) map.Remove(d);
        return map;
    }

    public int Count => _units.Count;

    public void Add(UnitMessage m, bool user, DateTimeOffset? time)
    {
        var unit = m.Unit;
        if (unit is null && m.Description is not null)
        {
            if (!unitByDescription.TryGetValue(m.Description, out unit))
            {
                if (m.Kind != UnitEventKind.FailedToStart) return;
                unit = "description:" + m.Description;
            }
        }
        if (unit is null) return;
        if (!_units.TryGetValue((unit, user), out var a)) _units[(unit, user)] = a = new Acc();
        a.Add(m, time);
    }

    public List<UnitEvidence> Build(string source) =>
    [
        .. _units.OrderBy(kv => kv.Key.Unit, StringComparer.Ordinal).ThenBy(kv => kv.Key.User)
            .Select(kv => kv.Value.Build(kv.Key.Unit, kv.Key.User, source)),
    ];

    private sealed class Acc
    {
        private long _starts, _stops, _failures, _failedStarts, _restarts, _limits, _exits;
        private long? _counter;
        private string? _exit, _result;
        private DateTimeOffset? _first, _last, _firstRestart, _lastRestart;

        public void Add(UnitMessage m, DateTimeOffset? t)
        {
            switch (m.Kind)
            {
                case UnitEventKind.Started: _starts++; break;
                case UnitEventKind.Stopped: _stops++; break;
                case UnitEventKind.Failed:
                    _failures++;
                    _result = m.Result ?? _result;
                    break;
                case UnitEventKind.FailedToStart: _failedStarts++; break;
                case UnitEventKind.RestartScheduled:
                    _restarts++;
                    if (m.Counter is { } c && (_counter is null || c > _counter)) _counter = c;
                    if (t is { } rt)
                    {
                        if (_firstRestart is null || rt < _firstRestart) _firstRestart = rt;
                        if (_lastRestart is null || rt > _lastRestart) _lastRestart = rt;
                    }
                    break;
                case UnitEventKind.StartLimitHit: _limits++; break;
                case UnitEventKind.ProcessExited:
                    _exits++;
                    _exit = m.Exit ?? _exit;
                    break;
                default: return; // Starting / Stopping: a job began, nothing happened yet
            }
            if (t is { } at)
            {
                if (_first is null || at < _first) _first = at;
                if (_last is null || at > _last) _last = at;
            }
        }

        public UnitEvidence Build(string unit, bool user, string source) => new()
        {
            Name = unit,
            UserManager = user,
            Starts = _starts,
            Stops = _stops,
            // "Failed with result" and "Failed to start" report one failure twice (start-limit-hit, oneshot):
            // the unit's own result lines count; the job line only where a systemd never wrote those.
            Failures = _failures > 0 ? _failures : _failedStarts,
            Restarts = _restarts,
            StartLimitHits = _limits,
            ProcessExits = _exits,
            RestartCounter = _counter,
            LastExit = _exit,
            LastResult = _result,
            First = _first,
            Last = _last,
            RestartsPerHour = Rate(_restarts, _firstRestart, _lastRestart),
            Sources = [source],
        };
    }

    /// <summary>Events per hour between the first and last of them; at least one hour counted; null when none happened.</summary>
    public static double? Rate(long count, DateTimeOffset? first, DateTimeOffset? last)
    {
        if (count <= 0) return null;
        var hours = first is { } f && last is { } l ? Math.Max(1.0, (l - f).TotalHours) : 1.0;
        return Math.Round(count / hours, 3, MidpointRounding.AwayFromZero);
    }
}
