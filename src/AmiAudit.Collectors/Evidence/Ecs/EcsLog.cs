using System.Globalization;
using System.Text.RegularExpressions;
using AmiAudit.Collectors.Evidence.Units;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Collectors.Evidence.Ecs;

/// <summary>
/// amazon-ecs-init and ECS agent log lines (node-facts 5.2, T-ECS-04) in every shape they are kept in: the
/// files' seelog format "2026-03-03T12:00:01Z [INFO] msg", the 2024+ logfmt "level=info time=… msg=\"…\"", the
/// ANSI-coloured console variant, and either of those behind a syslog/journal prefix. ecs-init removes the
/// agent container and creates a new one before every "Starting Amazon Elastic Container Service Agent", so
/// those lines count container (re)creations — the loop Docker's RestartCount never shows.
/// </summary>
public sealed partial class EcsLog(Func<DateTimeOffset?, bool>? inBounds = null)
{
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _exitCodes = new(StringComparer.Ordinal);
    private long _starts, _exits, _terminal, _errorCount;
    private DateTimeOffset? _first, _last, _firstStart, _lastStart;

    [GeneratedRegex(@"\u001b\[[0-9;]*[A-Za-z]|\[\d+B blob data\]", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();

    [GeneratedRegex(@"^(?<t>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \[(?<lvl>[A-Za-z]+)\] (?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Seelog();

    /// <summary>The console variant (and a file line whose stamp a syslog prefix already carried): "[INFO] msg".</summary>
    [GeneratedRegex(@"^\[(?<lvl>[A-Za-z]+)\] (?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"(?:^|\s)level=(?<lvl>\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex LogfmtLevel();

    [GeneratedRegex(@"(?:^|\s)time=""?(?<t>[0-9T:.\-+Z]+)""?", RegexOptions.CultureInvariant)]
    private static partial Regex LogfmtTime();

    [GeneratedRegex(@"(?:^|\s)msg=(?:""(?<m>(?:[^""\\]|\\.)*)""|(?<m>\S+))", RegexOptions.CultureInvariant)]
    private static partial Regex LogfmtMsg();

    [GeneratedRegex(@"^Agent exited with code (?<c>-?\d+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Exited();

    [GeneratedRegex(@"\b\d{2,}\b|\b[0-9a-f]{12,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Volatile();

    public static readonly string[] Anchors =
    [
        "Amazon Elastic Container Service Agent", "Agent exited with", "agent exited with", "ECS Agent failed to start",
        "level=error", "level=crit", "[ERROR]", "[CRITICAL]", "[ERR]",
    ];

    /// <summary>Identifiers the ECS lines carry in syslog and the journal.</summary>
    public static bool IsEcsIdent(string? ident) => ident is "amazon-ecs-init" or "ecs-init" or "ecs_init" or "amazon-ecs-agent" or "ecs-agent";

    public bool Any => _starts + _exits + _terminal + _errorCount > 0;

    /// <summary>One line (a syslog/journal prefix already removed). <paramref name="time"/> is the outer stamp's time, used
    /// when the line has none of its own. Returns the line's time (null when unknown).</summary>
    public DateTimeOffset? Add(string line, DateTimeOffset? time)
    {
        if (line.Contains('\u001b') || line.Contains("blob data]", StringComparison.Ordinal)) line = Ansi().Replace(line, "");
        string level, msg;
        DateTimeOffset? own = null;
        var m = Seelog().Match(line);
        if (m.Success)
        {
            level = m.Groups["lvl"].Value.ToLowerInvariant();
            msg = m.Groups["msg"].Value;
            own = Time(m.Groups["t"].Value);
        }
        else if (Bracketed().Match(line.TrimStart()) is { Success: true } bm)
        {
            level = bm.Groups["lvl"].Value.ToLowerInvariant();
            msg = bm.Groups["msg"].Value;
        }
        else if (LogfmtMsg().Match(line) is { Success: true } lm)
        {
            var lvl = LogfmtLevel().Match(line);
            level = lvl.Success ? lvl.Groups["lvl"].Value.ToLowerInvariant() : "info";
            msg = Unquote(lm.Groups["m"].Value);
            var t = LogfmtTime().Match(line);
            if (t.Success) own = Time(t.Groups["t"].Value);
        }
        else
        {
            level = "info";
            msg = line.Trim();
        }
        var at = own ?? time;
        if (inBounds is not null && !inBounds(at)) return at;
        var counted = true;
        if (msg.StartsWith("Starting Amazon Elastic Container Service Agent", StringComparison.Ordinal))
        {
            _starts++;
            if (at is { } s)
            {
                if (_firstStart is null || s < _firstStart) _firstStart = s;
                if (_lastStart is null || s > _lastStart) _lastStart = s;
            }
        }
        else if ((m = Exited().Match(msg)).Success)
        {
            _exits++;
            var code = m.Groups["c"].Value;
            _exitCodes[code] = _exitCodes.GetValueOrDefault(code) + 1;
        }
        else if (msg.StartsWith("agent exited with terminal exit code", StringComparison.OrdinalIgnoreCase)) _terminal++;
        else counted = false;

        if (level is "error" or "err" or "crit" or "critical" or "fatal")
        {
            _errorCount++;
            var key = Clip(Volatile().Replace(Redactor.RedactText(msg), "N"), 200);
            _errors[key] = _errors.GetValueOrDefault(key) + 1;
            counted = true;
        }
        if (counted && at is { } when)
        {
            if (_first is null || when < _first) _first = when;
            if (_last is null || when > _last) _last = when;
        }
        return at;
    }

    public EcsEvidence Build(IEnumerable<string> sources) => new()
    {
        AgentStarts = _starts,
        AgentExits = _exits,
        ExitCodes = _exitCodes,
        TerminalExits = _terminal,
        Errors = _errorCount,
        TopErrors = [.. _errors.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(10)
            .Select(kv => kv.Value > 1 ? $"{kv.Key} (×{kv.Value.ToString(CultureInfo.InvariantCulture)})" : kv.Key)],
        First = _first,
        Last = _last,
        RecreatesPerHour = UnitLog.Rate(_starts, _firstStart, _lastStart),
        Sources = [.. sources],
    };

    private static DateTimeOffset? Time(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>Go %q escapes in a logfmt value (\" \\ \n \t); anything else is kept as written.</summary>
    private static string Unquote(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                var c = s[++i];
                sb.Append(c switch { 'n' or 't' or 'r' => ' ', _ => c });
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
