using System.Text;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// What an ExecStart= line runs: the program, and — when the program is a shell — the script file
/// it is given or the inline <c>-c</c> command. Prefixes (@ - : + !) are stripped as systemd does.
/// </summary>
public sealed record ExecCommand(string Program, string? ScriptArgument, string? InlineCommand)
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ash", "ksh", "busybox" };

    public static ExecCommand? Parse(string execLine)
    {
        var line = execLine.TrimStart();
        while (line.Length > 0 && "@-:+!|".Contains(line[0])) line = line[1..];
        var tokens = Tokenize(line);
        var i = 0;
        // /usr/bin/env [VAR=x …] bash script.sh
        if (i < tokens.Count && Base(tokens[i]) == "env")
        {
            i++;
            while (i < tokens.Count && (tokens[i].Contains('=') || tokens[i].StartsWith('-'))) i++;
        }
        if (i >= tokens.Count) return null;
        var program = tokens[i];
        if (!Shells.Contains(Base(program))) return new ExecCommand(program, null, null);

        for (var j = i + 1; j < tokens.Count; j++)
        {
            var t = tokens[j];
            if (t == "-c" || (t.StartsWith('-') && !t.StartsWith("--", StringComparison.Ordinal) && t.EndsWith('c')))
                return new ExecCommand(program, null, j + 1 < tokens.Count ? tokens[j + 1] : null);
            if (t.StartsWith('-') || (Base(program) == "busybox" && Shells.Contains(t))) continue;
            return new ExecCommand(program, t, null);
        }
        return new ExecCommand(program, null, null);
    }

    private static string Base(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>systemd's word splitting for the cases that matter: whitespace, "double" and 'single' quotes.</summary>
    private static List<string> Tokenize(string s)
    {
        var tokens = new List<string>();
        var sb = new StringBuilder();
        var inToken = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '"' or '\'')
            {
                var end = s.IndexOf(c, i + 1);
                if (end < 0) end = s.Length;
                sb.Append(s, i + 1, end - i - 1);
                i = end;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken) { tokens.Add(sb.ToString()); sb.Clear(); inToken = false; }
            }
            else
            {
                if (c == '\\' && i + 1 < s.Length) c = s[++i];
                sb.Append(c);
                inToken = true;
            }
        }
        if (inToken) tokens.Add(sb.ToString());
        return tokens;
    }
}
