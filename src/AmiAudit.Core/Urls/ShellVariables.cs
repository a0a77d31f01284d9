using System.Text;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Urls;

/// <summary>
/// The simple <c>NAME=value</c> assignments of one script, so <c>curl "$KUBELET_URL"</c> can be resolved
/// to the URL it downloads. Deliberately not a shell: no command substitution, no arithmetic, no
/// control flow — a use takes the last literal assignment above it (or the first one anywhere, for
/// functions defined before their variables are set). Expansion is bounded in depth and length.
/// </summary>
public sealed partial class ShellVariables
{
    private const int MaxDepth = 8;
    private const int MaxExpandedLength = 8 * 1024;

    private readonly Dictionary<string, List<(int Line, string Value)>> _assignments = new(StringComparer.Ordinal);

    public static ShellVariables FromLines(IReadOnlyList<string> lines)
    {
        var vars = new ShellVariables();
        for (var i = 0; i < lines.Count; i++)
        {
            var m = AssignmentLine().Match(lines[i]);
            if (!m.Success) continue;
            var value = Unquote(m.Groups["value"].Value);
            if (value is null) continue;
            if (!vars._assignments.TryGetValue(m.Groups["name"].Value, out var list))
                vars._assignments[m.Groups["name"].Value] = list = [];
            list.Add((i + 1, value));
        }
        return vars;
    }

    public bool IsEmpty => _assignments.Count == 0;

    /// <summary>Replaces $NAME and ${NAME} (also ${NAME:-default}'s NAME) with known values; unknown ones stay as written.</summary>
    public string Expand(string text, int line) => Expand(text, line, 0);

    private string Expand(string text, int line, int depth)
    {
        if (depth >= MaxDepth || !text.Contains('$')) return text;
        // Built piece by piece and abandoned as soon as it passes the cap: replacing every reference
        // first and checking the length after let 100,000 "$A" with an 8 KB A build an 800 MB string
        // from a 200 KB script (fuzzing, Crashes/urls).
        var result = new StringBuilder();
        var last = 0;
        for (var m = Reference().Match(text); m.Success; m = m.NextMatch())
        {
            result.Append(text, last, m.Index - last);
            last = m.Index + m.Length;
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            var value = Lookup(name, line);
            // ${X:-default}: the default is the best literal guess when X is never assigned.
            result.Append(value is not null ? Expand(value, line, depth + 1)
                : m.Groups["default"].Success ? Expand(m.Groups["default"].Value, line, depth + 1) : m.Value);
            if (result.Length > MaxExpandedLength) return text;
        }
        result.Append(text, last, text.Length - last);
        return result.Length > MaxExpandedLength ? text : result.ToString();
    }

    private string? Lookup(string name, int line)
    {
        if (!_assignments.TryGetValue(name, out var list)) return null;
        string? best = null;
        foreach (var (l, v) in list)
        {
            if (l < line) best = v;
        }
        return best ?? list[0].Value;
    }

    /// <summary>The literal value of an assignment's right-hand side, or null when it is not literal ($(…), `…`, arrays).</summary>
    private static string? Unquote(string raw)
    {
        if (raw.Length == 0) return "";
        if (raw.StartsWith("$(", StringComparison.Ordinal) || raw.StartsWith('`') || raw.StartsWith('(')) return null;
        var sb = new StringBuilder(raw.Length);
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == '"')
            {
                var end = raw.IndexOf('"', i + 1);
                if (end < 0) return null;
                sb.Append(raw, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '\'')
            {
                var end = raw.IndexOf('\'', i + 1);
                if (end < 0) return null;
                sb.Append(raw, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (char.IsWhiteSpace(c) || c == ';' || c == '#' || c == '&' || c == '|')
            {
                break;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        var s = sb.ToString();
        return s.Contains("$(", StringComparison.Ordinal) || s.Contains('`') ? null : s;
    }

    [GeneratedRegex(@"^\s*(?:(?:export|local|readonly|declare(?:\s+-[A-Za-z]+)*)\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex AssignmentLine();

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?[-=](?<default>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Reference();
}
