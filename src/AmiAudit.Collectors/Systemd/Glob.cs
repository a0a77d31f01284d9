using System.Text;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// The parts of glob(3) that ConditionPathExistsGlob= uses (GLOB_BRACE): "{a,b}" alternatives, and
/// per path component "*", "?", "[...]" (with "!"/"^" negation and ranges) and "\" escapes; a
/// leading "." is matched only by a literal "." (glob never lets a wildcard match it).
/// </summary>
internal static class Glob
{
    public static bool HasMagic(string part)
    {
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '\\') { i++; continue; }
            if (part[i] is '*' or '?' or '[') return true;
        }
        return false;
    }

    public static string Unescape(string part)
    {
        if (!part.Contains('\\')) return part;
        var sb = new StringBuilder(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '\\' && i + 1 < part.Length) i++;
            sb.Append(part[i]);
        }
        return sb.ToString();
    }

    /// <summary>GLOB_BRACE: every alternative of every "{…,…}" (nested), at most <paramref name="limit"/> of them.</summary>
    public static List<string> ExpandBraces(string pattern, int limit)
    {
        var results = new List<string>();
        var work = new Stack<string>();
        work.Push(pattern);
        while (work.Count > 0 && results.Count < limit)
        {
            var p = work.Pop();
            var open = FindOpenBrace(p);
            if (open < 0)
            {
                results.Add(p);
                continue;
            }
            var close = MatchingBrace(p, open);
            if (close < 0)
            {
                results.Add(p); // an unbalanced brace is an ordinary character
                continue;
            }
            var alternatives = SplitTopLevel(p, open + 1, close);
            for (var i = alternatives.Count - 1; i >= 0; i--)
                work.Push(string.Concat(p.AsSpan(0, open), alternatives[i], p.AsSpan(close + 1)));
        }
        return results;
    }

    private static int FindOpenBrace(string p)
    {
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == '{') return i;
        }
        return -1;
    }

    private static int MatchingBrace(string p, int open)
    {
        var depth = 0;
        for (var i = open; i < p.Length; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == '{') depth++;
            else if (p[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    private static List<string> SplitTopLevel(string p, int start, int end)
    {
        var parts = new List<string>();
        var depth = 0;
        var from = start;
        for (var i = start; i < end; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == '{') depth++;
            else if (p[i] == '}') depth--;
            else if (p[i] == ',' && depth == 0)
            {
                parts.Add(p[from..i]);
                from = i + 1;
            }
        }
        parts.Add(p[from..end]);
        return parts;
    }

    /// <summary>
    /// fnmatch(3): "*", "?", "[...]"; "\" escapes unless <paramref name="noEscape"/> (FNM_NOESCAPE);
    /// with <paramref name="period"/> (FNM_PERIOD, what glob(3) uses) a leading "." must be matched
    /// literally. Backtracks only to the last "*", so it is O(pattern × name) on any input, where a
    /// recursive matcher is exponential in the number of "*".
    /// </summary>
    public static bool Match(string pattern, string name, bool period = false, bool noEscape = false)
    {
        if (period && name.Length > 0 && name[0] == '.' && !(pattern.Length > 0 && pattern[0] == '.') && !(!noEscape && pattern.StartsWith("\\.", StringComparison.Ordinal)))
            return false;
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '*')
                {
                    starP = ++p;
                    starN = n;
                    continue;
                }
                if (c == '?')
                {
                    p++;
                    n++;
                    continue;
                }
                if (c == '[' && MatchClass(pattern, p, name[n], out var next, noEscape))
                {
                    p = next;
                    n++;
                    continue;
                }
                if (c != '[')
                {
                    var literal = c;
                    var width = 1;
                    if (c == '\\' && !noEscape && p + 1 < pattern.Length)
                    {
                        literal = pattern[p + 1];
                        width = 2;
                    }
                    if (literal == name[n])
                    {
                        p += width;
                        n++;
                        continue;
                    }
                }
            }
            if (starP < 0) return false;
            p = starP;
            n = ++starN;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>A "[...]" bracket expression at <paramref name="open"/>; false when it does not match (or is unterminated and "[" does not match literally).</summary>
    private static bool MatchClass(string pattern, int open, char ch, out int next, bool noEscape)
    {
        var i = open + 1;
        var negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate) i++;
        var matched = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var lo = pattern[i];
            if (lo == '\\' && !noEscape && i + 1 < pattern.Length) lo = pattern[++i];
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var hi = pattern[i + 2];
                if (ch >= lo && ch <= hi) matched = true;
                i += 3;
            }
            else
            {
                if (ch == lo) matched = true;
                i++;
            }
        }
        if (i >= pattern.Length)
        {
            // No closing "]": the "[" is an ordinary character.
            next = open + 1;
            return ch == '[';
        }
        next = i + 1;
        return matched != negate;
    }
}
