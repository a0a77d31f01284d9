namespace AmiAudit.Collectors.Live;

/// <summary>
/// Unit names from <c>systemctl list-units --all --plain --no-legend</c>: the first column. Some
/// versions still print a status glyph (● or *) before failed / not-found units even with
/// --plain, so a leading glyph token is skipped.
/// </summary>
public static class SystemctlListUnitsParser
{
    public static IReadOnlyList<string> Parse(string text)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var tokens = raw.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var i = 0;
            if (tokens.Length > 0 && tokens[0] is "●" or "*" or "○") i = 1;
            if (i < tokens.Length && UnitNames.IsValidInstanceName(tokens[i])) names.Add(tokens[i]);
        }
        return [.. names];
    }
}
