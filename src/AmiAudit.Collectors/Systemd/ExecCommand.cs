using System.Text;

namespace AmiAudit.Collectors.Systemd;

/// <summary>The executable of one ExecStart=/ExecStartPre= line (systemd.service(5) "Command lines").</summary>
internal static class ExecCommand
{
    /// <summary>
    /// Strips the special prefixes ("-", "@", ":", "+", "!", "!!" in any order), then takes the first
    /// word with shell-like quoting and C escapes. Returns null for an empty command.
    /// </summary>
    public static string? Executable(string value)
    {
        var i = 0;
        while (i < value.Length && value[i] is '-' or '@' or ':' or '+' or '!' or '|') i++;
        var words = UnitFileParser.SplitWords(value[i..], out _);
        if (words.Count == 0) return null;
        return CUnescape(words[0]);
    }

    private static string CUnescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            var n = s[++i];
            switch (n)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 's': sb.Append(' '); break;
                case 'x' when i + 2 < s.Length && byte.TryParse(s.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b):
                    sb.Append((char)b);
                    i += 2;
                    break;
                default: sb.Append(n); break;
            }
        }
        return sb.ToString();
    }
}
