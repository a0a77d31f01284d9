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
    /// <summary>
    /// Iterative, backtracking only to the last '*' (each other token matches exactly one character,
    /// so that is enough): O(pattern × text). The recursive version recursed once per '*' group and
    /// retried every split — a preset line of "*a" × 100,000 overflowed the stack, a process crash
    /// (found by fuzzing, tests/AmiAudit.Fuzz.Tests/Crashes/preset-glob).
    /// </summary>
    public static bool Match(string p, string t)
    {
        int pi = 0, ti = 0, starP = -1, starT = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                (starP, starT) = (pi, ti);
                continue;
            }
            if (pi < p.Length && One(p, pi, t[ti], out var next))
            {
                pi = next;
                ti++;
                continue;
            }
            if (starP < 0) return false;
            pi = starP;
            ti = ++starT;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    /// <summary>Whether the single-character token at <paramref name="pi"/> ('?', a bracket expression or a
    /// literal; a '[' that opens no valid expression is literal) matches <paramref name="ch"/>.</summary>
    private static bool One(string p, int pi, char ch, out int next)
    {
        next = pi + 1;
        var c = p[pi];
        if (c == '?') return true;
        if (c == '[' && TryBracket(p, pi, ch, out var end, out var matched))
        {
            next = end;
            return matched;
        }
        return c == ch;
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
