using System.Text;

namespace AmiAudit.Reporting.Escaping;

/// <summary>
/// What <c>{{value}}</c> does in a Markdown template: makes any fact safe as inline Markdown that
/// may sit in a table cell. Control chars become visible escapes, newlines flatten to spaces'
/// worth of <c>\n</c>, "|" is escaped so it cannot split a table cell, and Markdown/HTML
/// punctuation is backslash-escaped so a unit named "&lt;img src=x&gt;" or "*evil*" renders as text
/// (an '&amp;' only when it would start an entity).
/// <c>{{{value}}}</c> bypasses it (for fenced code blocks, which need no escaping).
/// </summary>
public static class MarkdownTextEncoder
{
    public static string EscapeInline(string? text)
    {
        var printable = ReportText.Printable(text);
        var sb = new StringBuilder(printable.Length + 8);
        for (var i = 0; i < printable.Length; i++)
        {
            var c = printable[i];
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~')
                sb.Append('\\');
            // Only an '&' that would start an entity ("&lt;") needs escaping; "&&" stays readable.
            if (c == '&' && LooksLikeEntity(printable, i))
            {
                sb.Append("&amp;");
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool LooksLikeEntity(string s, int amp)
    {
        var i = amp + 1;
        if (i < s.Length && s[i] == '#') i++;
        var start = i;
        while (i < s.Length && char.IsAsciiLetterOrDigit(s[i])) i++;
        return i > start && i < s.Length && s[i] == ';';
    }
}
