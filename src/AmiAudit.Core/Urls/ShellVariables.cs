using System.Text;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Urls;

/// <summary>
/// The simple <c>NAME=value</c> assignments of one script, so <c>curl "$KUBELET_URL"</c> can be resolved
/// to the URL it downloads. Deliberately not a shell: no command substitution, no arithmetic. What it
/// does follow is the control flow that decides a value (<see cref="ShellStatements"/>): a use sees the
/// assignments above it back to the nearest one that always runs before it (same or enclosing block);
/// assignments in branches on the way (<c>if/elif/else</c> per region, <c>case</c> arms, <c>a &amp;&amp; X=1 || X=2</c>)
/// are all kept, so a URL built from them yields one URL per possible value. A value that cannot be read
/// (<c>$(…)</c>, backticks, arrays) is <see cref="Unknown"/>: the URL stays a template. A use with no assignment
/// above takes the first one anywhere (functions defined before their variables are set). Expansion is bounded
/// in depth, length and number of results, and its work in a script is linear: a use finds its statement and the
/// assignments above it by binary search, walks back over at most <see cref="MaxLookback"/> of them, expands each
/// name once per use, and the script's total expanded text is capped by <see cref="MaxExpandedTotal"/> (past it,
/// uses stay as written: templates, never a wrong concrete URL).
/// </summary>
public sealed partial class ShellVariables
{
    private const int MaxDepth = 8;
    private const int MaxExpandedLength = 8 * 1024;
    /// <summary>Most URLs one use expands to (every combination of branch values, capped).</summary>
    public const int MaxResults = 16;
    /// <summary>Stands for a value the script computes at run time ($(…), backticks): a URL holding it is a template.</summary>
    public const string Unknown = "$(…)";
    /// <summary>Most assignments of one name a use walks back over (branch after branch without one that always runs).
    /// The nearest ones are kept: walking all of them made each of n uses after n conditional assignments O(n).</summary>
    public const int MaxLookback = 64;
    /// <summary>Expanded characters one script may produce in all (16 MiB): every use after that stays unexpanded.</summary>
    public const long MaxExpandedTotal = 16L * 1024 * 1024;

    private long _expandedTotal;

    private readonly Dictionary<string, List<(ShellStatement At, string Value)>> _assignments = new(StringComparer.Ordinal);
    private readonly List<ShellStatement> _statements;

    private ShellVariables(List<ShellStatement> statements) => _statements = statements;

    public static ShellVariables FromLines(IReadOnlyList<string> lines) => FromStatements(ShellStatements.Parse(lines));

    public static ShellVariables FromStatements(List<ShellStatement> statements)
    {
        var vars = new ShellVariables(statements);
        foreach (var st in statements)
        {
            if (st.Heredoc) continue;
            var m = AssignmentStatement().Match(st.Text);
            if (!m.Success) continue;
            var value = Unquote(m.Groups["value"].Value) ?? Unknown;
            var name = m.Groups["name"].Value;
            if (!vars._assignments.TryGetValue(name, out var list)) vars._assignments[name] = list = [];
            list.Add((st, value));
        }
        return vars;
    }

    public bool IsEmpty => _assignments.Count == 0;

    /// <summary>The statement's assignment target, when it is an assignment ("KUBELET_URL" for <c>export KUBELET_URL=…</c>).</summary>
    public static string? AssignedName(string statement)
    {
        var m = AssignmentStatement().Match(statement);
        return m.Success ? m.Groups["name"].Value : null;
    }

    /// <summary>Replaces $NAME and ${NAME} (also ${NAME:-default}'s NAME) with known values; unknown ones stay as written.
    /// One result per line (the last assignment above the line): the single-valued view.</summary>
    public string Expand(string text, int line)
    {
        var at = StatementAt(line) ?? new ShellStatement(line, int.MaxValue, "", [], false);
        var all = ExpandAll(text, at);
        return all.Count > 0 ? all[0] : text;
    }

    /// <summary>Every value <paramref name="text"/> can take at <paramref name="at"/> (at most <see cref="MaxResults"/>), in script order of
    /// the branches. Unknown references stay as written ("$X"), run-time values as <see cref="Unknown"/>.</summary>
    public IReadOnlyList<string> ExpandAll(string text, ShellStatement at)
    {
        if (_expandedTotal > MaxExpandedTotal || !text.Contains('$')) return [text];
        var all = Expand(text, at, 0, new Dictionary<(string, int), List<string>>());
        foreach (var r in all) _expandedTotal += r.Length;
        return all;
    }

    /// <summary>The last statement on or before <paramref name="line"/> (statements are in line order): binary search,
    /// where a scan per call made expanding every line of a script quadratic.</summary>
    private ShellStatement? StatementAt(int line)
    {
        int lo = 0, hi = _statements.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_statements[mid].Line <= line) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : _statements[found];
    }

    /// <summary>Names referenced in <paramref name="text"/> ($X, ${X}, ${X:-d}).</summary>
    public static IEnumerable<string> References(string text)
    {
        foreach (Match m in Reference().Matches(text))
            yield return m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
    }

    /// <param name="memo">Each name's values at <paramref name="at"/>, expanded, per depth: without it a name whose values refer to
    /// names with several values each was expanded again under every combination (16 per level, 8 levels).</param>
    private List<string> Expand(string text, ShellStatement at, int depth, Dictionary<(string, int), List<string>> memo)
    {
        if (depth >= MaxDepth || !text.Contains('$')) return [text];
        var results = new List<StringBuilder> { new() };
        var last = 0;
        foreach (Match m in Reference().Matches(text))
        {
            var literal = text[last..m.Index];
            foreach (var r in results) r.Append(literal);
            last = m.Index + m.Length;
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            List<string> options;
            if (!memo.TryGetValue((name, depth), out var known))
            {
                var values = Lookup(name, at);
                known = values.Count == 0 ? [] : [.. values.SelectMany(v => v == Unknown ? [Unknown] : Expand(v, at, depth + 1, memo)).Distinct(StringComparer.Ordinal).Take(MaxResults)];
                memo[(name, depth)] = known;
            }
            if (known.Count == 0)
                options = m.Groups["default"].Success ? Expand(m.Groups["default"].Value, at, depth + 1, memo) : [m.Value];
            else
                options = known;
            // Abandoned as soon as a result passes the cap: replacing every reference first and checking the
            // length after let 100,000 "$A" with an 8 KB A build an 800 MB string from a 200 KB script
            // (fuzzing, Crashes/urls).
            if (options.Count == 1)
            {
                foreach (var r in results) r.Append(options[0]);
                if (results[0].Length > MaxExpandedLength) return [text];
                continue;
            }
            var next = new List<StringBuilder>();
            foreach (var r in results)
                foreach (var o in options)
                    if (next.Count < MaxResults) next.Add(new StringBuilder(r.ToString()).Append(o));
            results = next;
            if (results.Count > 0 && results.Max(r => r.Length) > MaxExpandedLength) return [text];
        }
        var tail = text[last..];
        var output = new List<string>(results.Count);
        foreach (var r in results)
        {
            r.Append(tail);
            output.Add(r.Length > MaxExpandedLength ? text : r.ToString());
        }
        return [.. output.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Values of <paramref name="name"/> possible at <paramref name="at"/>: walking back from the use, every assignment in a
    /// branch is kept and the first one that always runs before the use ends the walk.</summary>
    private List<string> Lookup(string name, ShellStatement at)
    {
        if (!_assignments.TryGetValue(name, out var list)) return [];
        // The last assignment above the use (the list is in statement order).
        int lo = 0, hi = list.Count - 1, last = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (list[mid].At.Index < at.Index) { last = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        var values = new List<string>();
        for (var i = last; i >= 0 && i > last - MaxLookback && values.Count < MaxResults; i--)
        {
            var (st, value) = list[i];
            if (!values.Contains(value)) values.Insert(0, value);
            if (st.Dominates(at)) return values;
        }
        if (values.Count > 0) return values;
        return [list[0].Value];
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
    private static partial Regex AssignmentStatement();

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?[-=](?<default>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Reference();
}
