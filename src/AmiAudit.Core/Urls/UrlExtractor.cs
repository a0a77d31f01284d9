using System.Text.RegularExpressions;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Urls;

/// <summary>
/// Finds the http(s):// and s3:// URLs a script mentions — written out, or assembled from simple
/// <c>VAR="…"</c> assignments and used as <c>"$VAR"</c> / <c>${VAR}.sha256</c> — and turns each into a
/// <see cref="UrlFact"/>: redacted, normalised, classified, S3 location parsed. Pure: text in, facts out.
/// </summary>
public static partial class UrlExtractor
{
    /// <summary>Characters shells and prose put around a URL that are never its last character.</summary>
    private const string TrailingPunctuation = ".,;:!?*";

    /// <param name="text">Script text (never stored).</param>
    /// <param name="source">Path inside the root, recorded on every fact.</param>
    /// <param name="firstLine">Line number of the text's first line in <paramref name="source"/> (MIME parts start mid-file).</param>
    public static IReadOnlyList<UrlFact> Extract(string text, string source, int firstLine = 1)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        var vars = ShellVariables.FromLines(lines);

        var facts = new List<UrlFact>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var candidates = Candidates(line).ToList();
            if (!vars.IsEmpty && line.Contains('$'))
            {
                var expanded = vars.Expand(line, i + 1);
                if (!string.Equals(expanded, line, StringComparison.Ordinal)) candidates.AddRange(Candidates(expanded));
            }
            foreach (var url in candidates)
            {
                var fact = ToFact(url, source, firstLine + i);
                if (fact is not null && seen.Add(fact.Redacted)) facts.Add(fact);
            }
        }
        return facts;
    }

    /// <summary>One URL (already extracted) as a fact; null when it has no host.</summary>
    public static UrlFact? ToFact(string url, string source, int line)
    {
        var parsed = ParsedUrl.Parse(url);
        if (parsed is null) return null;
        var s3 = S3Location.From(parsed);
        return new UrlFact
        {
            Normalized = parsed.Normalized,
            Redacted = Redactor.RedactUrl(url),
            Scheme = parsed.Scheme,
            Host = parsed.Host,
            Path = parsed.Path,
            Purpose = UrlPurpose.Classify(parsed, s3?.Bucket),
            S3Bucket = s3?.Bucket,
            S3Key = s3?.Key,
            S3Region = s3?.Region,
            Source = source,
            Line = line,
        };
    }

    /// <summary>URLs in one line, with shell quoting and trailing punctuation trimmed.</summary>
    public static IEnumerable<string> Candidates(string line)
    {
        foreach (Match m in UrlStart().Matches(line))
        {
            var url = TrimEnd(m.Value);
            if (url.Length > m.Groups["scheme"].Length + 3) yield return url;
        }
    }

    private static string TrimEnd(string url)
    {
        // Bracket counts are kept while trimming: recounting the whole URL for every trailing ']' (and
        // copying it each time) made 20,000 of them take 15 s (found by fuzzing, Crashes/urls).
        int parens = Count(url, '(', ')'), squares = Count(url, '[', ']'), braces = Count(url, '{', '}');
        var end = url.Length;
        while (end > 0)
        {
            var last = url[end - 1];
            if (TrailingPunctuation.Contains(last)) { end--; continue; }
            // A closing bracket belongs to the URL only when the URL opened it: (https://x/y) vs https://x/(y).
            if (last == ')' && parens > 0) { parens--; end--; continue; }
            if (last == ']' && squares > 0) { squares--; end--; continue; }
            if (last == '}' && braces > 0) { braces--; end--; continue; }
            break;
        }
        return url[..end];
    }

    /// <summary>How many more closing than opening brackets the text has.</summary>
    private static int Count(string s, char open, char close)
    {
        var n = 0;
        foreach (var c in s) n += c == close ? 1 : c == open ? -1 : 0;
        return n;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9+.\-])(?<scheme>[Hh][Tt][Tt][Pp][Ss]?|[Ss]3)://[^\s""'<>`\\|^]+")]
    private static partial Regex UrlStart();
}
