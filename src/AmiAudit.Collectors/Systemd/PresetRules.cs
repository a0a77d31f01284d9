namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// systemd.preset(5) as read_presets()/query_presets() apply it (v252): *.preset files from the preset
/// directories, the first directory winning for a file name, files in name order, first matching
/// "enable PATTERN" / "disable PATTERN" line wins, no match means enable. Lines that are neither
/// (including the later "ignore" verb, which v252 does not know) are skipped.
/// </summary>
internal sealed class PresetRules
{
    private readonly List<(string Pattern, bool Enable)> _rules = [];

    public static PresetRules Load(UnitTree tree)
    {
        var rules = new PresetRules();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in UnitSearchPath.PresetDirs)
        {
            var view = tree.Dir(dir);
            foreach (var e in view.Entries)
                if (e.Name.EndsWith(".preset", StringComparison.Ordinal)) files.TryAdd(e.Name, view.Child(e.Name));
        }
        foreach (var path in files.Values)
        {
            var text = tree.Fs.ReadText(path, UnitTree.MaxUnitFileBytes);
            if (text is null) continue;
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.Trim(' ', '\t', '\r');
                if (line.Length == 0 || line[0] is '#' or ';') continue;
                if (FirstWord(line, "enable") is { } en)
                {
                    var words = UnitFileParser.SplitWords(en);
                    if (words.Count == 0) continue;
                    // "enable foo@.service a b" names instances; only a template may carry them.
                    if (words.Count > 1 && !UnitName.IsTemplate(words[0])) continue;
                    rules._rules.Add((words[0], true));
                }
                else if (FirstWord(line, "disable") is { } dis)
                {
                    if (dis.Length > 0) rules._rules.Add((dis, false));
                }
            }
        }
        return rules;
    }

    /// <summary>"enabled" or "disabled" for a unit name.</summary>
    public string Query(string name)
    {
        foreach (var (pattern, enable) in _rules)
            if (Glob.Match(pattern, name)) return enable ? "enabled" : "disabled";
        return "enabled";
    }

    /// <summary>first_word(): the line starts with the word followed by whitespace (or ends there).</summary>
    private static string? FirstWord(string line, string word)
    {
        if (!line.StartsWith(word, StringComparison.Ordinal)) return null;
        if (line.Length == word.Length) return "";
        if (line[word.Length] is not (' ' or '\t')) return null;
        return line[word.Length..].TrimStart(' ', '\t');
    }
}

/// <summary>fnmatch(3) with FNM_NOESCAPE and no flags: '*', '?', bracket expressions.</summary>
internal static class Glob
{
    public static bool Match(string pattern, string text) => Match(pattern, 0, text, 0);

    private static bool Match(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                for (var k = ti; k <= t.Length; k++)
                    if (Match(p, pi, t, k)) return true;
                return false;
            }
            if (ti >= t.Length) return false;
            if (c == '?')
            {
                pi++;
                ti++;
                continue;
            }
            if (c == '[' && TryBracket(p, pi, t[ti], out var next, out var matched))
            {
                if (!matched) return false;
                pi = next;
                ti++;
                continue;
            }
            if (c != t[ti]) return false;
            pi++;
            ti++;
        }
        return ti == t.Length;
    }

    private static bool TryBracket(string p, int start, char ch, out int next, out bool matched)
    {
        var i = start + 1;
        var negate = false;
        if (i < p.Length && p[i] is '!' or '^')
        {
            negate = true;
            i++;
        }
        var any = false;
        var first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            var lo = p[i];
            if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
            {
                if (ch >= lo && ch <= p[i + 2]) any = true;
                i += 3;
            }
            else
            {
                if (ch == lo) any = true;
                i++;
            }
        }
        if (i >= p.Length)
        {
            // No closing bracket: '[' is an ordinary character.
            next = start;
            matched = false;
            return false;
        }
        next = i + 1;
        matched = any != negate;
        return true;
    }
}
