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
            if (Glob.Match(pattern, name, noEscape: true)) return enable ? "enabled" : "disabled";
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
