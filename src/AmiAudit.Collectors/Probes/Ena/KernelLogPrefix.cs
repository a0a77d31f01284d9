using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Strips every outer prefix a kernel message can carry (node-facts 8 item 2): raw /dev/kmsg
/// "prio,seq,usec,flags;", dmesg "[sec.usec]", "[+delta]", "[ctime]", ISO stamps, "kern  :err   : ",
/// "&lt;N&gt;", syslog/journal "Mon dd HH:MM:SS[.us] host kernel: " (optionally followed by "[sec.usec]"),
/// journal short-iso/-precise/-monotonic and OpenWrt logread "Www Mmm dd HH:MM:SS yyyy kern.crit kernel: ".
/// Prefixes nest (rsyslog + dmesg stamp), so stripping repeats until nothing matches.
/// </summary>
public static partial class KernelLogPrefix
{
    [GeneratedRegex(@"^(\d+),(\d+),(\d+),[^;]*;")]
    private static partial Regex Kmsg();

    [GeneratedRegex(@"^<\d{1,3}>")]
    private static partial Regex Priority();

    [GeneratedRegex(@"^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?")]
    private static partial Regex Facility();

    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\]\s?")]
    private static partial Regex Monotonic();

    [GeneratedRegex(@"^\[\s*[+<]\s*\d+\.\d+(?:\s*>)?\]\s?")]
    private static partial Regex Delta();

    [GeneratedRegex(@"^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})\]\s?")]
    private static partial Regex CTime();

    [GeneratedRegex(@"^\[[A-Z][a-z]{2}\s*\d{1,2} \d{2}:\d{2}\]\s?")]
    private static partial Regex HumanStamp();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\s+")]
    private static partial Regex Iso();

    [GeneratedRegex(@"^([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s+")]
    private static partial Regex Syslog();

    [GeneratedRegex(@"^[A-Z][a-z]{2} ([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4}) kern\.[a-z]+ kernel:\s?")]
    private static partial Regex OpenWrt();

    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9._\-]*\s+)?kernel:\s?")]
    private static partial Regex HostKernel();

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static KernelLogLine Strip(string line)
    {
        var text = line;
        double? seconds = null;
        var kind = LogTimeKind.None;
        var stampSeen = false;
        for (var round = 0; round < 6; round++)
        {
            Match m;
            if ((m = Kmsg().Match(text)).Success)
            {
                // A timestamp past long's range is junk, not a time (long.Parse threw; fuzzing, Crashes/kernel-log).
                if (long.TryParse(m.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
                    Set(ref seconds, ref kind, usec / 1e6, LogTimeKind.Monotonic);
            }
            else if ((m = Priority().Match(text)).Success || (m = Facility().Match(text)).Success
                     || (m = Delta().Match(text)).Success || (m = HumanStamp().Match(text)).Success)
            {
            }
            else if ((m = Monotonic().Match(text)).Success)
            {
                Set(ref seconds, ref kind, double.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture), LogTimeKind.Monotonic);
            }
            else if ((m = CTime().Match(text)).Success)
            {
                var collapsed = Regex.Replace(m.Groups[1].Value, " +", " ");
                if (DateTime.TryParseExact(collapsed, "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                    Set(ref seconds, ref kind, new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0, LogTimeKind.Wall);
            }
            else if ((m = Iso().Match(text)).Success)
            {
                var iso = m.Groups[1].Value.Replace(',', '.');
                if (DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    || DateTimeOffset.TryParseExact(iso, "yyyy-MM-dd'T'HH:mm:sszzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out t))
                    Set(ref seconds, ref kind, t.ToUnixTimeMilliseconds() / 1000.0, LogTimeKind.Wall);
                stampSeen = true;
            }
            else if ((m = OpenWrt().Match(text)).Success)
            {
            }
            else if ((m = Syslog().Match(text)).Success && Array.IndexOf(Months, m.Groups[1].Value) >= 0)
            {
                // No year in syslog stamps: seconds within a nominal year are enough for a span.
                var month = Array.IndexOf(Months, m.Groups[1].Value) + 1;
                var day = int.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
                if (day is >= 1 and <= 31)
                {
                    var t = new DateTimeOffset(2000, month, Math.Min(day, DateTime.DaysInMonth(2000, month)), 0, 0, 0, TimeSpan.Zero)
                        .AddHours(int.Parse(m.Groups[3].ValueSpan, CultureInfo.InvariantCulture))
                        .AddMinutes(int.Parse(m.Groups[4].ValueSpan, CultureInfo.InvariantCulture))
                        .AddSeconds(int.Parse(m.Groups[5].ValueSpan, CultureInfo.InvariantCulture));
                    var frac = m.Groups[6].Success ? double.Parse("0." + m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
                    Set(ref seconds, ref kind, t.ToUnixTimeSeconds() + frac, LogTimeKind.Wall);
                }
                stampSeen = true;
            }
            else if (stampSeen && (m = HostKernel().Match(text)).Success)
            {
                stampSeen = false;
            }
            else break;
            text = text[m.Length..];
            // The journal's "[sec] host kernel: " (short-monotonic) has a host after the bracket.
            if (kind == LogTimeKind.Monotonic) stampSeen = true;
        }
        return new KernelLogLine(text.TrimEnd(), seconds, kind);
    }

    // The first (outermost) stamp wins; a dmesg stamp inside a syslog line is the same event.
    private static void Set(ref double? seconds, ref LogTimeKind kind, double value, LogTimeKind k)
    {
        if (seconds is not null) return;
        seconds = value;
        kind = k;
    }
}
