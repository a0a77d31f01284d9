namespace AmiAudit.Core.Urls;

/// <summary>One simple command of a script line, with where it sits in the script's control flow.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Index">Order of the statement in the whole script.</param>
/// <param name="Text">The statement's text (comment removed).</param>
/// <param name="Block">Path of enclosing blocks (if/elif/else branches, case arms, loops, function bodies), outermost first;
/// each branch of an if has its own id, so two branches are never on one path.</param>
/// <param name="Heredoc">True for a line of a here-document body: text, not a command.</param>
public sealed record ShellStatement(int Line, int Index, string Text, int[] Block, bool Heredoc)
{
    /// <summary>True when this statement runs whenever <paramref name="later"/> runs (its block encloses the later one's).</summary>
    public bool Dominates(ShellStatement later)
    {
        if (Block.Length > later.Block.Length) return false;
        for (var i = 0; i < Block.Length; i++) if (Block[i] != later.Block[i]) return false;
        return true;
    }
}

/// <summary>
/// Splits a shell script into simple statements and tracks the control flow that matters for "which value
/// can this variable have here": <c>if/elif/else/fi</c>, <c>case … ;; … esac</c>, loops and function bodies open
/// blocks, and each branch of an if or arm of a case is a block of its own. Deliberately not a shell: quotes are
/// respected when splitting on <c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>|</c> and comments, here-document bodies are
/// marked as text, and nothing is evaluated.
/// </summary>
public static class ShellStatements
{
    private static readonly string[] Openers = ["if", "while", "until", "for", "case", "select"];

    public static List<ShellStatement> Parse(IReadOnlyList<string> lines)
    {
        var result = new List<ShellStatement>();
        var stack = new List<int>();
        var nextBlock = 1;
        string? heredoc = null;
        var heredocTabs = false;
        var index = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (heredoc is not null)
            {
                var t = heredocTabs ? line.TrimStart('\t') : line;
                if (t.TrimEnd() == heredoc) { heredoc = null; continue; }
                result.Add(new ShellStatement(i + 1, index++, line, [.. stack], Heredoc: true));
                continue;
            }
            foreach (var (raw, conditional) in Split(line))
            {
                var text = CasePattern(raw.Trim());
                if (text.Length == 0) continue;
                if (text == ";;")
                {
                    // Next case arm: a sibling block.
                    if (stack.Count > 0) stack[^1] = nextBlock++;
                    continue;
                }
                var word = FirstWord(text);
                switch (word)
                {
                    case "then" or "do" or "in":
                        text = text[word.Length..].Trim();
                        word = FirstWord(text);
                        break;
                    case "else" or "elif":
                        if (stack.Count > 0) stack[^1] = nextBlock++;
                        text = word == "else" ? text[4..].Trim() : text;
                        word = FirstWord(text);
                        break;
                    case "fi" or "done" or "esac" or "}":
                        if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
                        continue;
                }
                if (text.Length == 0) continue;
                if (Openers.Contains(word) && word != "elif")
                {
                    // The condition belongs to the enclosing block; what follows "then/do/in" to the new one.
                    result.Add(new ShellStatement(i + 1, index++, text, [.. stack], false));
                    stack.Add(nextBlock++);
                    continue;
                }
                if (text.EndsWith('{') && (text.Contains("()", StringComparison.Ordinal) || word == "function"))
                {
                    stack.Add(nextBlock++);
                    continue;
                }
                // "test && A=1 || A=2": each side may not run, like a branch of its own.
                result.Add(new ShellStatement(i + 1, index++, text, conditional ? [.. stack, nextBlock++] : [.. stack], false));
                var here = HeredocStart(text);
                if (here is not null) { heredoc = here.Value.Delimiter; heredocTabs = here.Value.Tabs; }
            }
        }
        return result;
    }

    public static string FirstWord(string text)
    {
        var end = 0;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != ';') end++;
        return text[..end];
    }

    /// <summary>"us-iso-east-1) S3_DOMAIN=…" — a case arm's pattern in front of its first command.</summary>
    private static string CasePattern(string text)
    {
        var close = text.IndexOf(')');
        if (close <= 0 || close + 1 >= text.Length || !char.IsWhiteSpace(text[close + 1])) return text;
        var pattern = text.AsSpan(text[0] == '(' ? 1 : 0, close - (text[0] == '(' ? 1 : 0));
        foreach (var ch in pattern) if (char.IsWhiteSpace(ch) || ch is '(' or '=' or '$' or '"' or '\'') return text;
        return text[(close + 1)..].Trim();
    }

    /// <summary>A line's statements: split on ; &amp;&amp; || | (and ;; kept as its own piece) outside quotes, up to a comment.
    /// A statement after &amp;&amp; or || is conditional.</summary>
    public static List<(string Text, bool Conditional)> Split(string line)
    {
        var parts = new List<(string, bool)>();
        var conditional = false;
        var start = 0;
        char quote = '\0';
        var depth = 0; // $( … ) and ${ … } nesting: separators inside belong to the substitution
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') { i++; continue; }
                if (c == quote) quote = '\0';
                continue;
            }
            switch (c)
            {
                case '\\': i++; continue;
                case '\'' or '"' or '`': quote = c; continue;
                case '$' when i + 1 < line.Length && line[i + 1] is '(' or '{': depth++; i++; continue;
                case ')' or '}' when depth > 0: depth--; continue;
                case '#' when depth == 0 && (i == 0 || char.IsWhiteSpace(line[i - 1]) || line[i - 1] == ';'):
                    parts.Add((line[start..i], conditional));
                    return parts;
            }
            if (depth > 0) continue;
            if (c == ';' && i + 1 < line.Length && line[i + 1] == ';')
            {
                parts.Add((line[start..i], conditional));
                parts.Add((";;", false));
                conditional = false;
                i++;
                start = i + 1;
            }
            else if (c == ';' || (c == '&' && i + 1 < line.Length && line[i + 1] == '&') || (c == '|' && i + 1 < line.Length && line[i + 1] == '|'))
            {
                parts.Add((line[start..i], conditional));
                conditional = c != ';';
                if (c != ';') i++;
                start = i + 1;
            }
            else if (c == '|')
            {
                parts.Add((line[start..i], conditional));
                start = i + 1;
            }
        }
        parts.Add((line[start..], conditional));
        return parts;
    }

    private static (string Delimiter, bool Tabs)? HeredocStart(string text)
    {
        var at = text.IndexOf("<<", StringComparison.Ordinal);
        if (at < 0 || (at + 2 < text.Length && text[at + 2] == '<')) return null; // <<< is a here-string
        var rest = text[(at + 2)..];
        var tabs = rest.StartsWith('-');
        if (tabs) rest = rest[1..];
        rest = rest.TrimStart();
        var word = new string([.. rest.TakeWhile(ch => !char.IsWhiteSpace(ch) && ch is not (';' or '>' or '|' or '&'))]).Trim('\'', '"', '\\');
        return word.Length == 0 ? null : (word, tabs);
    }
}
