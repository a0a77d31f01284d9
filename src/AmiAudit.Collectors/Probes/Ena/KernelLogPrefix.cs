using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Strips every outer prefix a log line can carry (node-facts 8 item 2, and the shapes public bug
/// reports show): raw /dev/kmsg "prio,seq,usec,flags;", "&lt;N&gt;", dmesg "[sec.usec]", "[+delta]", "[ctime]",
/// dmesg -H "[Jul14 14:17]", dmesg --time-format=iso (comma fraction), "kern  :err   : ", syslog
/// "Mon dd HH:MM:SS[.us] host ident[pid]: " (no year), rsyslog/journal ISO-8601 with "." or "," fractions,
/// with or without zone, journal short-full ("Tue 2026-03-03 12:00:01 UTC"), short-unix, short-monotonic,
/// OpenWrt logread "Www Mmm dd HH:MM:SS yyyy kern.crit kernel: ", a bare "kernel: " or "kernel: [uptime] ",
/// and an elided "[...]" / "[]" where someone trimmed the stamp. Prefixes nest (rsyslog + dmesg stamp), so
/// stripping repeats until nothing matches. After a syslog/journal stamp the "host ident[pid]: " header is
/// removed for any identifier (the systemd-message parser reads the same lines); the kernel's inner dmesg
/// stamp is then stripped too.
/// </summary>
public static partial class KernelLogPrefix
{
    [GeneratedRegex(@"^(\d+),(\d+),(\d+),[^;]*;")]
    private static partial Regex Kmsg();

    [GeneratedRegex(@"^<\d{1,3}>")]
    private static partial Regex Priority();

    [GeneratedRegex(@"^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*[:.]\s*(?:emerg|alert|crit|err|warn|warning|notice|info|debug)\s*:?\s?")]
    private static partial Regex Facility();

    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\]:?\s?")]
    private static partial Regex Monotonic();

    [GeneratedRegex(@"^\[\s*[+<]\s*\d+\.\d+(?:\s*>)?\]\s?")]
    private static partial Regex Delta();

    [GeneratedRegex(@"^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]\s?")]
    private static partial Regex CTime();

    [GeneratedRegex(@"^\[[A-Z][a-z]{2}\s*\d{1,2} \d{2}:\d{2}\]\s?")]
    private static partial Regex HumanStamp();

    /// <summary>"[]", "[...]", "[…]", "[ ... ]:" — a stamp someone cut out of a paste.</summary>
    [GeneratedRegex(@"^\[\s*(?:\.{2,}|…)?\s*\]:?\s?")]
    private static partial Regex Elided();

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:([.,])(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\s+")]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([A-Za-z]{1,6}|[+-]\d{2}:?\d{2})\s+")]
    private static partial Regex ShortFull();

    [GeneratedRegex(@"^(\d{9,11})\.(\d{1,9})\s+(?=\S+\s+\S+:)")]
    private static partial Regex ShortUnix();

    [GeneratedRegex(@"^([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s+")]
    private static partial Regex Syslog();

    [GeneratedRegex(@"^[A-Z][a-z]{2} ([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) [a-z]+\.[a-z]+ (?<ident>[^\s:\[]+)(?:\[(?<pid>\d+)\])?:\s?")]
    private static partial Regex OpenWrt();

    /// <summary>"host ident[pid]: " after a syslog/journal stamp (both always write the host). The identifier must
    /// have a lower-case letter, so "NETDEV WATCHDOG: …" after a bare stamp is not taken for host "NETDEV", ident "WATCHDOG".</summary>
    [GeneratedRegex(@"^(?<host>[A-Za-z0-9][A-Za-z0-9._\-]*)\s+(?<ident>[A-Za-z0-9_][A-Za-z0-9_.\-/@()]*?)(?:\[(?<pid>\d+)\])?:(?:\s|$)")]
    private static partial Regex Header();

    [GeneratedRegex(@"^kernel:\s?")]
    private static partial Regex BareKernel();

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly DateTimeOffset Nominal = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static KernelLogLine Strip(string line)
    {
        var text = line;
        double? seconds = null, uptime = null;
        var kind = LogTimeKind.None;
        var local = false;
        string? ident = null;
        int? pid = null;
        var headerExpected = false;
        // Most lines of a syslog file are "Mon DD HH:MM:SS host ident[pid]: ": read by hand, no regex.
        if (FastSyslog(line, out var consumed, out var fastSeconds, out var fastIdent, out var fastPid))
        {
            seconds = fastSeconds;
            kind = LogTimeKind.WallNoYear;
            local = true;
            ident = fastIdent;
            pid = fastPid;
            text = line[consumed..];
            if (ident != "kernel") return new KernelLogLine(text.TrimEnd(), seconds, kind) { Local = true, Ident = ident, Pid = pid };
        }
        for (var round = 0; round < 8; round++)
        {
            Match m;
            if (headerExpected)
            {
                headerExpected = false;
                m = Header().Match(text);
                if (m.Success && m.Groups["ident"].Value.Any(char.IsAsciiLetterLower))
                {
                    ident = m.Groups["ident"].Value;
                    pid = m.Groups["pid"].Success && int.TryParse(m.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
                    text = text[m.Length..];
                    if (ident != "kernel") break; // other programs' text is their own: no dmesg stamp inside
                    continue;
                }
            }
            if ((m = Kmsg().Match(text)).Success)
            {
                // A timestamp past long's range is junk, not a time (long.Parse threw; fuzzing, Crashes/kernel-log).
                if (long.TryParse(m.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
                    Set(ref seconds, ref kind, usec / 1e6, LogTimeKind.Monotonic);
            }
            else if ((m = Priority().Match(text)).Success || (m = Facility().Match(text)).Success
                     || (m = Delta().Match(text)).Success || (m = HumanStamp().Match(text)).Success || (m = Elided().Match(text)).Success)
            {
            }
            else if ((m = Monotonic().Match(text)).Success)
            {
                var v = double.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
                if (seconds is null) { seconds = v; kind = LogTimeKind.Monotonic; }
                else uptime ??= v;
                // journalctl -o short-monotonic: "[sec] host kernel: " — a header may follow.
                headerExpected = ident is null;
            }
            else if ((m = CTime().Match(text)).Success)
            {
                var collapsed = Spaces().Replace(m.Groups[1].Value, " ");
                if (DateTime.TryParseExact(collapsed, "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                {
                    if (seconds is null) local = true; // dmesg -T prints local time
                    Set(ref seconds, ref kind, new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0, LogTimeKind.Wall);
                }
            }
            else if ((m = Iso().Match(text)).Success)
            {
                if (IsoSeconds(m, out var v, out var zoned))
                {
                    if (seconds is null) local = !zoned;
                    Set(ref seconds, ref kind, v, LogTimeKind.Wall);
                }
                // dmesg --time-format=iso uses a comma and has no host; journal/rsyslog ISO stamps do.
                headerExpected = m.Groups[7].Value != "," && ident is null;
            }
            else if ((m = ShortFull().Match(text)).Success)
            {
                var zone = m.Groups[8].Value;
                if (StampTime.Utc(Int(m.Groups[1]), Int(m.Groups[2]), Int(m.Groups[3]), Int(m.Groups[4]), Int(m.Groups[5]), Int(m.Groups[6])) is { } t)
                {
                    var offset = zone is "UTC" or "GMT" or "Z" ? TimeSpan.Zero : ParseOffset(zone);
                    if (seconds is null) local = offset is null;
                    Set(ref seconds, ref kind, t.ToUnixTimeSeconds() - (offset ?? TimeSpan.Zero).TotalSeconds + Fraction(m.Groups[7]), LogTimeKind.Wall);
                }
                headerExpected = ident is null;
            }
            else if ((m = ShortUnix().Match(text)).Success)
            {
                Set(ref seconds, ref kind, double.Parse(m.Groups[1].Value + "." + m.Groups[2].Value, CultureInfo.InvariantCulture), LogTimeKind.Wall);
                headerExpected = ident is null;
            }
            else if ((m = OpenWrt().Match(text)).Success)
            {
                var month = Array.IndexOf(Months, m.Groups[1].Value) + 1;
                if (StampTime.UtcClampingDay(Int(m.Groups[6]), month, Int(m.Groups[2]), Int(m.Groups[3]), Int(m.Groups[4]), Int(m.Groups[5])) is { } t)
                {
                    if (seconds is null) local = true;
                    Set(ref seconds, ref kind, t.ToUnixTimeSeconds(), LogTimeKind.Wall);
                }
                ident ??= m.Groups["ident"].Value;
                if (m.Groups["pid"].Success) pid ??= Int(m.Groups["pid"]);
            }
            else if ((m = Syslog().Match(text)).Success && Array.IndexOf(Months, m.Groups[1].Value) >= 0)
            {
                var month = Array.IndexOf(Months, m.Groups[1].Value) + 1;
                // Nominal year 2000 (a leap year: Feb 29 stays); 12:80:01 is not a time (it was 13:20:01 by AddMinutes).
                if (StampTime.UtcClampingDay(2000, month, Int(m.Groups[2]), Int(m.Groups[3]), Int(m.Groups[4]), Int(m.Groups[5])) is { } t)
                {
                    if (seconds is null) local = true;
                    Set(ref seconds, ref kind, (t - Nominal).TotalSeconds + Fraction(m.Groups[6]), LogTimeKind.WallNoYear);
                }
                headerExpected = ident is null;
            }
            else if (ident is null && (m = BareKernel().Match(text)).Success)
            {
                ident = "kernel";
            }
            else break;
            text = text[m.Length..];
        }
        return new KernelLogLine(text.TrimEnd(), seconds, kind) { Local = local, Uptime = uptime, Ident = ident, Pid = pid };
    }

    /// <summary>"Mar  3 12:00:01[.123456] host ident[pid]: " → its length, seconds from 2000-01-01, ident and pid.</summary>
    private static bool FastSyslog(string line, out int consumed, out double seconds, out string ident, out int? pid)
    {
        consumed = 0; seconds = 0; ident = ""; pid = null;
        var s = line.AsSpan();
        if (s.Length < 20 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return false;
        var month = MonthIndex(s[..3]);
        if (month < 0) return false;
        if (!char.IsAsciiDigit(s[5]) || !(s[4] == ' ' || char.IsAsciiDigit(s[4]))) return false;
        var day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
        if (!TwoDigits(s, 7, out var hh) || !TwoDigits(s, 10, out var mm) || !TwoDigits(s, 13, out var ss)) return false;
        // Out-of-range fields ("12:80:01") are not a time: the regex path strips such a prefix without one.
        if (StampTime.UtcClampingDay(2000, month + 1, day, hh, mm, ss) is not { } t) return false;
        var i = 15;
        double frac = 0;
        if (s[i] == '.')
        {
            var start = ++i;
            long f = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && i - start < 9) { f = f * 10 + (s[i] - '0'); i++; }
            if (i == start) return false;
            frac = f / Math.Pow(10, i - start);
        }
        if (i >= s.Length || s[i] != ' ') return false;
        i++;
        var hostStart = i;
        while (i < s.Length && s[i] != ' ') i++;
        if (i == hostStart || i >= s.Length || s[hostStart..i].Contains(':')) return false;
        i++;
        var identStart = i;
        while (i < s.Length && s[i] is not (' ' or ':' or '[')) i++;
        if (i == identStart || i >= s.Length) return false;
        var identSpan = s[identStart..i];
        var lower = false;
        foreach (var c in identSpan) lower |= char.IsAsciiLetterLower(c);
        if (!lower) return false;
        if (s[i] == '[')
        {
            var pidStart = ++i;
            var p = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && i - pidStart < 9) { p = p * 10 + (s[i] - '0'); i++; }
            if (i == pidStart || i >= s.Length || s[i] != ']') return false;
            pid = p;
            i++;
        }
        if (i >= s.Length || s[i] != ':') return false;
        i++;
        if (i < s.Length && s[i] != ' ') return false; // "ident:" must end the header, as in the regex path
        if (i < s.Length) i++;
        seconds = (t - Nominal).TotalSeconds + frac;
        ident = identSpan.ToString();
        consumed = i;
        return true;
    }

    private static int MonthIndex(ReadOnlySpan<char> m)
    {
        for (var i = 0; i < Months.Length; i++) if (m.SequenceEqual(Months[i])) return i;
        return -1;
    }

    private static bool TwoDigits(ReadOnlySpan<char> s, int at, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(s[at]) || !char.IsAsciiDigit(s[at + 1])) return false;
        value = (s[at] - '0') * 10 + (s[at + 1] - '0');
        return true;
    }

    /// <summary>Month, day and time of a <see cref="LogTimeKind.WallNoYear"/> value.</summary>
    public static DateTime NoYearParts(double seconds) => Nominal.AddSeconds(seconds).DateTime;

    private static bool IsoSeconds(Match m, out double seconds, out bool zoned)
    {
        seconds = 0;
        zoned = m.Groups[9].Success;
        if (StampTime.Utc(Int(m.Groups[1]), Int(m.Groups[2]), Int(m.Groups[3]), Int(m.Groups[4]), Int(m.Groups[5]), Int(m.Groups[6])) is not { } t) return false;
        // An offset past ±14:00 or with minutes ≥ 60 is no zone: not a time (it read as UTC).
        var offset = !zoned || m.Groups[9].Value == "Z" ? TimeSpan.Zero : ParseOffset(m.Groups[9].Value);
        if (offset is null) return false;
        seconds = t.ToUnixTimeSeconds() - offset.Value.TotalSeconds + Fraction(m.Groups[8]);
        return true;
    }

    private static TimeSpan? ParseOffset(string zone)
    {
        if (zone.Length < 5 || (zone[0] != '+' && zone[0] != '-')) return null;
        var digits = zone.Replace(":", "", StringComparison.Ordinal);
        if (digits.Length != 5 || !int.TryParse(digits.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(digits.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mm) || h > 14 || mm > 59) return null;
        var span = new TimeSpan(h, mm, 0);
        return zone[0] == '-' ? -span : span;
    }

    private static double Fraction(Group g) =>
        g.Success && g.Length > 0 ? double.Parse("0." + g.Value, CultureInfo.InvariantCulture) : 0;

    private static int Int(Group g) => int.Parse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    // The first (outermost) stamp wins; a dmesg stamp inside a syslog line is the same event.
    private static void Set(ref double? seconds, ref LogTimeKind kind, double value, LogTimeKind k)
    {
        if (seconds is not null) return;
        seconds = value;
        kind = k;
    }

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
