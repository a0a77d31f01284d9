namespace AmiAudit.Collectors.Systemd;

/// <summary>One <c>Key=Value</c> assignment as systemd's config_parse sees it (key and value stripped).</summary>
internal sealed record UnitEntry(string Section, string Key, string Value, int Line);

/// <summary>A parsed unit file or drop-in: assignments in file order, plus what systemd would refuse.</summary>
internal sealed record UnitFileText(string Path, IReadOnlyList<UnitEntry> Entries, string? Error, int ErrorLine)
{
    public static readonly UnitFileText Empty = new("", [], null, 0);

    public IEnumerable<UnitEntry> In(string section)
    {
        foreach (var e in Entries) if (e.Section == section) yield return e;
    }
}

/// <summary>
/// Port of the line handling of systemd's config_parse() (src/shared/conf-parser.c): comments start
/// with '#' or ';' (also in the middle of a continuation, where they are dropped), a line ending in an
/// unescaped backslash continues on the next line (the backslash becomes a space), "[Section]"
/// headers, "Key=Value" with both sides stripped. A malformed section header makes systemd refuse the
/// whole file, which it then reports as "bad"; that is kept as <see cref="UnitFileText.Error"/>.
/// Lines without '=' or outside a section are ignored, as systemd does (with a warning).
/// </summary>
internal static class UnitFileParser
{
    public static UnitFileText Parse(string path, string text)
    {
        var entries = new List<UnitEntry>();
        string? section = null;
        // A continuation is built in place: "continuation + raw" per line, and a scan of the whole
        // accumulated text for the final backslash, made 150,000 backslash-newline lines quadratic (a hang found by fuzzing).
        System.Text.StringBuilder? continuation = null;
        var continuationLine = 0;
        var lines = text.Split('\n');
        // A final "\n" does not start another line.
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            var raw = lines[i];
            if (i == 0 && raw.StartsWith('\uFEFF')) raw = raw[1..];
            if (raw.EndsWith('\r')) raw = raw[..^1];

            var trimmedStart = raw.TrimStart(Whitespace);
            if (trimmedStart.Length > 0 && (trimmedStart[0] == '#' || trimmedStart[0] == ';')) continue;

            if (continuation is null) continuationLine = i + 1;
            // A continuation ends in the space that replaced its backslash, so only this line can
            // end in an unescaped backslash.
            if (EndsEscaped(raw))
            {
                (continuation ??= new System.Text.StringBuilder()).Append(raw, 0, raw.Length - 1).Append(' ');
                continue;
            }
            var p = continuation is null ? raw : continuation.Append(raw).ToString();
            continuation = null;

            var error = ParseLine(p.Trim(Whitespace), continuationLine, ref section, entries);
            if (error is not null) return new UnitFileText(path, entries, error, continuationLine);
        }
        if (continuation is not null)
        {
            // File ended inside a continuation: what was collected is still one logical line.
            var error = ParseLine(continuation.ToString().Trim(Whitespace), continuationLine, ref section, entries);
            if (error is not null) return new UnitFileText(path, entries, error, continuationLine);
        }
        return new UnitFileText(path, entries, null, 0);
    }

    private static readonly char[] Whitespace = [' ', '\t', '\n', '\r'];

    private static bool EndsEscaped(string s)
    {
        var escaped = false;
        foreach (var c in s)
        {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
        }
        return escaped;
    }

    /// <summary>Returns an error message when systemd would refuse the file, else null.</summary>
    private static string? ParseLine(string l, int line, ref string? section, List<UnitEntry> entries)
    {
        if (l.Length == 0) return null;
        if (l[0] == '[')
        {
            if (l[^1] != ']') return $"Invalid section header '{l}'";
            var name = l[1..^1];
            foreach (var c in name)
                if (c < ' ' || c == 127 || c == '\\' || c == '"' || c == '\'') return $"Bad characters in section header '{l}'";
            section = name;
            return null;
        }
        if (section is null) return null;
        var eq = l.IndexOf('=');
        if (eq <= 0) return null;
        entries.Add(new UnitEntry(section, l[..eq].Trim(Whitespace), l[(eq + 1)..].Trim(Whitespace), line));
        return null;
    }

    /// <summary>
    /// Splits a value into words the way extract_first_word(EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE)
    /// does for list settings: whitespace separates, single or double quotes group, a backslash keeps
    /// itself and the next character. A word with an unterminated quote ends the list (systemd logs
    /// "Invalid syntax" and keeps the words before it); <paramref name="complete"/> is then false.
    /// </summary>
    public static List<string> SplitWords(string value, out bool complete)
    {
        var words = new List<string>();
        var sb = new System.Text.StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (quote != '\0')
            {
                if (c == quote) { quote = '\0'; continue; }
                if (c == '\\' && i + 1 < value.Length) { sb.Append(c).Append(value[++i]); continue; }
                sb.Append(c);
                continue;
            }
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord) { words.Add(sb.ToString()); sb.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c is '"' or '\'') { quote = c; continue; }
            if (c == '\\' && i + 1 < value.Length) { sb.Append(c).Append(value[++i]); continue; }
            sb.Append(c);
        }
        complete = quote == '\0';
        if (complete && inWord) words.Add(sb.ToString());
        return words;
    }

    public static List<string> SplitWords(string value) => SplitWords(value, out _);
}
