using System.Text;

namespace AmiAudit.Collectors.Systemd;

/// <summary>The special executable prefixes of systemd.service(5) "Table 1" (ExecCommandFlags).</summary>
[Flags]
internal enum ExecFlags
{
    None = 0,
    /// <summary>"-": a failing exit (or a missing executable) is recorded but has no effect.</summary>
    IgnoreFailure = 1,
    /// <summary>"@": the second word is argv[0]; the executable is still the first.</summary>
    SeparateArgv0 = 2,
    /// <summary>":": no environment variable substitution.</summary>
    NoEnvExpand = 4,
    /// <summary>"+": full privileges.</summary>
    FullyPrivileged = 8,
    /// <summary>"!": no user/group change.</summary>
    NoSetuid = 16,
    /// <summary>"!!": ambient capabilities fallback.</summary>
    AmbientMagic = 32,
}

/// <summary>One command of an Exec*= line: the executable as written (quotes and C escapes resolved,
/// specifiers not yet), its prefixes, and the line it came from.</summary>
internal sealed record ExecCommand(string Setting, string RawPath, ExecFlags Flags, string Line)
{
    public bool IgnoresFailure => (Flags & ExecFlags.IgnoreFailure) != 0;
}

/// <summary>
/// config_parse_exec() of src/core/load-fragment.c: an Exec*= value is one or more commands separated
/// by a lone ";" word; the first word of each (unquoted, C-unescaped) carries the prefixes
/// "-", "@", ":", "+", "!" and "!!" in any order, each at most once ("+" excludes "!" and "!!"). A
/// command systemd rejects makes it refuse the whole unit, unless the command carries "-", in which
/// case only that line is dropped; <see cref="Parse"/> reports both through <paramref name="error"/>.
/// </summary>
internal static class ExecLine
{
    /// <summary>Commands of one assignment. <paramref name="error"/> is set when systemd would
    /// reject it; <paramref name="fatal"/> then says whether the unit (not just the line) is refused.</summary>
    public static List<ExecCommand> Parse(string setting, string value, out string? error, out bool fatal)
    {
        error = null;
        fatal = false;
        var commands = new List<ExecCommand>();
        var complete = Tokenize(value, out var tokens, out var syntax);
        var end = tokens.Count;
        if (!complete)
        {
            // extract_first_word() failed on a word. In the first word of a command systemd just stops
            // (the commands before stand); in an argument it rejects the command: the unit, unless "-".
            error = syntax;
            var lastSeparator = tokens.FindLastIndex(t => t.Raw == ";");
            if (lastSeparator + 1 < tokens.Count)
            {
                fatal = (Prefixes(tokens[lastSeparator + 1].Word, out _) & ExecFlags.IgnoreFailure) == 0;
                end = lastSeparator + 1;
            }
        }
        var i = 0;
        while (i < end)
        {
            var (word, _) = tokens[i++];
            var flags = Prefixes(word, out var path);
            var ignore = (flags & ExecFlags.IgnoreFailure) != 0;
            if (path.Length == 0 || path.EndsWith('/') || !IsSafe(path) || !(path.StartsWith('/') || IsValidFilename(path)))
            {
                error = path.Length == 0 ? "empty executable path"
                    : path.EndsWith('/') ? $"executable path {path} names a directory"
                    : $"{path} is neither a valid executable name nor an absolute path";
                fatal = !ignore;
                return commands;
            }
            commands.Add(new ExecCommand(setting, path, flags, value));
            // Arguments up to a lone ";" (an escaped "\;" or a quoted ";" is an argument).
            while (i < end && tokens[i].Raw != ";") i++;
            if (i < end) i++; // the separator
        }
        return commands;
    }

    /// <summary>The prefix loop of config_parse_exec(); returns the flags and the rest of the word.</summary>
    public static ExecFlags Prefixes(string word, out string path)
    {
        var flags = ExecFlags.None;
        var i = 0;
        for (; i < word.Length; i++)
        {
            var c = word[i];
            if (c == '-' && (flags & ExecFlags.IgnoreFailure) == 0) flags |= ExecFlags.IgnoreFailure;
            else if (c == '@' && (flags & ExecFlags.SeparateArgv0) == 0) flags |= ExecFlags.SeparateArgv0;
            else if (c == ':' && (flags & ExecFlags.NoEnvExpand) == 0) flags |= ExecFlags.NoEnvExpand;
            else if (c == '+' && (flags & (ExecFlags.FullyPrivileged | ExecFlags.NoSetuid | ExecFlags.AmbientMagic)) == 0) flags |= ExecFlags.FullyPrivileged;
            else if (c == '!' && (flags & (ExecFlags.FullyPrivileged | ExecFlags.NoSetuid | ExecFlags.AmbientMagic)) == 0) flags |= ExecFlags.NoSetuid;
            else if (c == '!' && (flags & (ExecFlags.FullyPrivileged | ExecFlags.AmbientMagic)) == 0)
            {
                flags &= ~ExecFlags.NoSetuid;
                flags |= ExecFlags.AmbientMagic;
            }
            else break;
        }
        path = word[i..];
        return flags;
    }

    /// <summary>The executable of the first command (prefixes dropped), or null when systemd would reject the line.</summary>
    public static string? Executable(string value)
    {
        var commands = Parse("ExecStart", value, out var error, out _);
        return error is null && commands.Count > 0 ? commands[0].RawPath : null;
    }

    /// <summary>string_is_safe(): no control characters, quotes or backslashes.</summary>
    private static bool IsSafe(string s)
    {
        foreach (var c in s)
            if (c < ' ' || c == 127 || c is '\\' or '"' or '\'') return false;
        return true;
    }

    /// <summary>filename_is_valid(): one path component, not "." or "..", at most 255 bytes.</summary>
    private static bool IsValidFilename(string s) =>
        s.Length is > 0 and <= 255 && s is not ("." or "..") && !s.Contains('/');

    /// <summary>
    /// extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) over the whole value: whitespace separates,
    /// quotes group, C escapes are resolved inside and outside quotes. Each token keeps its raw text
    /// so a bare ";" can be told from a quoted or escaped one. An unterminated quote is a syntax error.
    /// </summary>
    private static bool Tokenize(string value, out List<(string Word, string Raw)> tokens, out string? error)
    {
        tokens = [];
        error = null;
        var i = 0;
        while (true)
        {
            while (i < value.Length && value[i] is ' ' or '\t' or '\n' or '\r') i++;
            if (i >= value.Length) return true;
            var start = i;
            var sb = new StringBuilder();
            var quote = '\0';
            for (; i < value.Length; i++)
            {
                var c = value[i];
                if (quote == '\0' && c is ' ' or '\t' or '\n' or '\r') break;
                if (c == '\\' && i + 1 < value.Length)
                {
                    i = Unescape(value, i, sb);
                    continue;
                }
                if (quote != '\0' && c == quote) { quote = '\0'; continue; }
                if (quote == '\0' && c is '"' or '\'') { quote = c; continue; }
                sb.Append(c);
            }
            if (quote != '\0')
            {
                error = $"unterminated quote in \"{value}\"";
                return false;
            }
            tokens.Add((sb.ToString(), value[start..i]));
        }
    }

    /// <summary>cunescape_one(): appends the character(s) an escape at <paramref name="i"/> stands for; returns the index of its last character.</summary>
    private static int Unescape(string s, int i, StringBuilder sb)
    {
        var n = s[i + 1];
        switch (n)
        {
            case 'a': sb.Append('\a'); return i + 1;
            case 'b': sb.Append('\b'); return i + 1;
            case 'f': sb.Append('\f'); return i + 1;
            case 'n': sb.Append('\n'); return i + 1;
            case 'r': sb.Append('\r'); return i + 1;
            case 't': sb.Append('\t'); return i + 1;
            case 'v': sb.Append('\v'); return i + 1;
            case 's': sb.Append(' '); return i + 1;
            case 'x' when i + 3 < s.Length && byte.TryParse(s.AsSpan(i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var b):
                sb.Append((char)b);
                return i + 3;
            case >= '0' and <= '7' when i + 3 < s.Length && IsOctal(s[i + 2]) && IsOctal(s[i + 3]):
                sb.Append((char)(((n - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0')));
                return i + 3;
            default:
                sb.Append(n); // \\ \" \' \; and anything else stand for themselves
                return i + 1;
        }
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
