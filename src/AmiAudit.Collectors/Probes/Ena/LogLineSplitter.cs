using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Records a copy/paste (or a terminal without line wrap) ran together on one line — "… restart counter is
/// at 7. Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: …" — are split again before each record
/// header: a syslog "Mon DD HH:MM:SS host ident[pid]: ", an ISO-8601 journal/rsyslog "YYYY-MM-DDTHH:MM:SS… host
/// ident[pid]: ", or a dmesg "[ sec.usec] " stamp — but not the dmesg stamp rsyslog writes after "kernel: " (the
/// same record). A header must follow whitespace, so a stamp at the very start of a line is left alone.
/// </summary>
public static partial class LogLineSplitter
{
    [GeneratedRegex(@"(?<=\S)[ \t]+(?=(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]?\d \d\d:\d\d:\d\d(?:\.\d{1,9})? [A-Za-z0-9][A-Za-z0-9._\-]* [A-Za-z0-9_][A-Za-z0-9_.\-/@()]*(?:\[\d+\])?: |\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? [A-Za-z0-9][A-Za-z0-9._\-]* [A-Za-z0-9_][A-Za-z0-9_.\-/@()]*(?:\[\d+\])?: ))|(?<=[^\s:])[ \t]+(?=\[\s*\d{1,8}\.\d{6}\] )", RegexOptions.CultureInvariant)]
    private static partial Regex Boundary();

    /// <summary>The line itself when it holds one record (the common case, decided without a regex when it cannot hold two).</summary>
    public static IEnumerable<string> Split(string line)
    {
        if (line.Length < 40 || !MayHoldTwo(line)) return [line];
        var parts = Boundary().Split(line);
        return parts.Length == 1 ? [line] : parts.Where(p => p.Length > 0);
    }

    // Two records need two "HH:MM:SS" times or two "[sec.usec]" stamps; one linear pass decides (the regex only
    // runs on the rare line that has them — this is on the path of every anchor line of a 1 GiB log).
    private static bool MayHoldTwo(string line)
    {
        int times = 0, stamps = 0;
        var s = line.AsSpan();
        for (var i = 2; i + 5 < s.Length; i++)
        {
            var c = s[i];
            if (c == ':' && s[i + 3] == ':' && char.IsAsciiDigit(s[i - 1]) && char.IsAsciiDigit(s[i - 2]) && char.IsAsciiDigit(s[i + 1])
                && char.IsAsciiDigit(s[i + 2]) && char.IsAsciiDigit(s[i + 4]) && char.IsAsciiDigit(s[i + 5]))
            {
                if (++times >= 2) return true;
                i += 5;
            }
            else if (c == '.' && i + 7 < s.Length && s[i + 7] == ']' && char.IsAsciiDigit(s[i - 1]))
            {
                if (++stamps >= 2) return true;
            }
        }
        return false;
    }
}
