namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// Units a script turns on: <c>systemctl [opts] enable|start|restart|reenable|try-restart|reload-or-restart
/// [--now] UNIT…</c>, also in cloud-config list form (<c>[ systemctl, enable, ecs ]</c>). A bare name gets
/// ".service" as systemctl gives it. Names built from variables are skipped (unknowable offline).
/// This is how a script can start ecs.service even when the unit itself is disabled.
/// </summary>
public static class SystemctlStarts
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal)
    {
        "enable", "start", "restart", "reenable", "try-restart", "reload-or-restart", "try-reload-or-restart", "unmask",
    };

    private static readonly string[] UnitSuffixes =
        [".service", ".socket", ".target", ".timer", ".path", ".mount", ".automount", ".swap", ".slice", ".scope", ".device"];

    private static readonly char[] Separators = [' ', '\t', ',', '[', ']', '"', '\'', '(', ')'];

    public static IReadOnlyList<string> Find(string text)
    {
        var units = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimStart();
            if (line.StartsWith('#')) continue;
            var at = 0;
            var parsedUntil = 0;
            while ((at = line.IndexOf("systemctl", at, StringComparison.Ordinal)) >= 0)
            {
                var ok = at == 0 || !(char.IsAsciiLetterOrDigit(line[at - 1]) || line[at - 1] == '-' || line[at - 1] == '_');
                at += "systemctl".Length;
                // A "systemctl" inside words an earlier one already took as unit names adds nothing new
                // (its words are a suffix of those), and re-reading the rest of the line for each of them
                // made "systemctl enable " × 20,000 quadratic (a hang found by fuzzing, Crashes/urls).
                if (ok && at >= parsedUntil) parsedUntil = Parse(line, at, units);
            }
        }
        return [.. units];
    }

    /// <summary>Reads words of <paramref name="line"/> from <paramref name="start"/>; returns where it stopped.</summary>
    private static int Parse(string line, int start, SortedSet<string> units)
    {
        var verbSeen = false;
        var i = start;
        while (true)
        {
            while (i < line.Length && Array.IndexOf(Separators, line[i]) >= 0) i++;
            if (i >= line.Length) return i;
            var end = line.IndexOfAny(Separators, i);
            if (end < 0) end = line.Length;
            var token = line[i..end];
            i = end;
            var last = false;
            if (token is ";" or "&&" or "||" or "|" or "&" || token.StartsWith('>') || token.StartsWith('<') || token.StartsWith('#')) return i;
            if (token.EndsWith(';') || token.EndsWith('&')) { token = token.TrimEnd(';', '&'); last = true; }
            if (token.StartsWith('-')) { if (last) return i; continue; }
            if (!verbSeen)
            {
                if (!Verbs.Contains(token)) return i;
                verbSeen = true;
            }
            else if (token.Length > 0 && !token.Contains('$') && !token.Contains('/') && !token.Contains('='))
            {
                units.Add(UnitSuffixes.Any(s => token.EndsWith(s, StringComparison.Ordinal)) ? token : token + ".service");
            }
            if (last) return i;
        }
    }
}
