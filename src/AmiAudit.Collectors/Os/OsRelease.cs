using System.Text;

namespace AmiAudit.Collectors.Os;

/// <summary>os-release(5) parser: KEY=value lines, values optionally single- or double-quoted with
/// backslash escapes inside double quotes; comments and malformed lines are ignored.</summary>
public static class OsRelease
{
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq].Trim();
            if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) continue;
            result[key] = Unquote(line[(eq + 1)..].Trim());
        }
        return result;
    }

    private static string Unquote(string v)
    {
        if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'') return v[1..^1];
        if (v.Length < 2 || v[0] != '"' || v[^1] != '"') return v;
        var sb = new StringBuilder(v.Length);
        for (var i = 1; i < v.Length - 1; i++)
        {
            if (v[i] == '\\' && i + 1 < v.Length - 1) i++;
            sb.Append(v[i]);
        }
        return sb.ToString();
    }
}
