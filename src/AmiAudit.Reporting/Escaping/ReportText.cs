using System.Globalization;
using System.Text;
using System.Xml;

namespace AmiAudit.Reporting.Escaping;

/// <summary>
/// Text hygiene shared by every reporter. Evidence comes from a hostile image root: an ESC sequence
/// or a bidi override in a unit name must not repaint the operator's terminal or hide text in a
/// rendered report, and a stray control char must not make the JUnit XML unparseable.
/// </summary>
public static class ReportText
{
    /// <summary>
    /// One printable line: control characters (C0, DEL, C1, incl. newline and tab), bidi
    /// overrides/isolates and lone surrogates become visible escapes (<c>\n</c>, <c>\t</c>, <c>\u001b</c>).
    /// Lossless enough to debug, never interpreted by a terminal or Markdown renderer.
    /// </summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (!IsUnsafe(c))
            {
                sb.Append(c);
                continue;
            }
            sb.Append(EscapeChar(c));
        }
        return sb.ToString();
    }

    /// <summary>The visible form of one unsafe character: <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>.</summary>
    public static string EscapeChar(char c) => c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Keeps newlines and tabs but replaces every character XML 1.0 cannot carry (and terminal
    /// controls) with a visible <c>\uXXXX</c> escape, so any string is safe inside an XML document.
    /// </summary>
    public static string XmlSafe(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (c is '\n' or '\t' || (XmlConvert.IsXmlChar(c) && !IsUnsafe(c)))
                sb.Append(c);
            else if (c == '\r')
                continue; // CRLF in evidence → LF; a lone CR would be normalised away by XML parsers anyway
            else
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>LF line ends, no trailing blanks on any line, exactly one trailing newline.</summary>
    public static string Finish(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var sb = new StringBuilder(text.Length + 1);
        foreach (var line in lines)
            sb.Append(line.TrimEnd(' ', '\t')).Append('\n');
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    private static bool NeedsEscape(string text)
    {
        foreach (var c in text)
            if (IsUnsafe(c) || char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>A character a terminal (or a bidi-aware viewer) would act on instead of showing it.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)                         // C0, DEL, C1 (0x9b is a one-byte CSI on some terminals)
        || c is >= '\u202a' and <= '\u202e'       // bidi embeddings/overrides ("trojan source")
        || c is >= '\u2066' and <= '\u2069'       // bidi isolates
        || c is '\u200e' or '\u200f' or '\u061c'  // direction marks
        || char.IsSurrogate(c);                   // reached only for a lone surrogate
}
