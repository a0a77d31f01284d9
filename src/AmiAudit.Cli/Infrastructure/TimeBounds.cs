using System.CommandLine;
using System.Globalization;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// <c>--since/--until</c> for log evidence: an instant ("2026-03-03T14:00:00Z", "2026-03-03 14:00" read as UTC,
/// "@1772546400" Unix seconds) or a duration back from now ("24h", "7d" — the syntax of <see cref="Durations"/>).
/// </summary>
public static class TimeBounds
{
    public static Option<string?> Since() => new("--since")
    {
        Description = "Only log evidence at or after this time: 2026-03-03T14:00:00Z, @UNIX-SECONDS, or a duration back from now (24h, 7d).",
    };

    public static Option<string?> Until() => new("--until")
    {
        Description = "Only log evidence at or before this time (same forms as --since).",
    };

    public static DateTimeOffset? Parse(string? text, DateTimeOffset now, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.StartsWith('@') && long.TryParse(t.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unix)
            && unix is > -62135596800 and < 253402300799)
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        if (char.IsAsciiDigit(t[0]) && t.Length >= 8 && t[4] == '-'
            && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at;
        if (Durations.TryParse(t, out var back)) return now - back;
        throw new UsageException($"{option}: '{text}' is neither a time (2026-03-03T14:00:00Z, @1772546400) nor a duration (24h, 7d)");
    }

    /// <summary>Both bounds, checked for order.</summary>
    public static (DateTimeOffset? Since, DateTimeOffset? Until) Parse(string? since, string? until, DateTimeOffset now)
    {
        var s = Parse(since, now, "--since");
        var u = Parse(until, now, "--until");
        if (s is { } a && u is { } b && b < a) throw new UsageException($"--until ({b:O}) is before --since ({a:O})");
        return (s, u);
    }
}
