using System.Text.RegularExpressions;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Urls;

/// <summary>
/// Finds the http(s):// and s3:// URLs a script downloads or assembles — written out, or built from
/// <c>VAR="…"</c> assignments and used as <c>"$VAR"</c> / <c>${VAR}.sha256</c>, with every value an
/// <c>if/else</c> or <c>case</c> per region can give (<see cref="ShellVariables"/>) — plus
/// <c>aws s3api get-object --bucket B --key K</c> as <c>s3://B/K</c>, and turns each into a <see cref="UrlFact"/>:
/// redacted, normalised, classified, S3 location parsed. Text in comments and in <c>echo</c>/<c>printf</c>/<c>logger</c>
/// arguments is not a download and is skipped. A URL that still holds a variable the script does not set
/// (or a value computed at run time) is a <see cref="UrlFact.Template"/>: its host is not a host, and policies
/// must not judge it as one. A download of kubelet counts as kubelet whatever the URL's last segment says when
/// it goes to a file named kubelet* or comes through a variable named for it (<c>$KUBELET_URL</c>).
/// Pure: text in, facts out.
/// </summary>
public static partial class UrlExtractor
{
    /// <summary>Characters shells and prose put around a URL that are never its last character.</summary>
    private const string TrailingPunctuation = ".,;:!?*";

    private static readonly HashSet<string> NotDownloads = new(StringComparer.Ordinal) { "echo", "printf", "logger", ":", "wall" };

    /// <param name="text">Script text (never stored).</param>
    /// <param name="source">Path inside the root, recorded on every fact.</param>
    /// <param name="firstLine">Line number of the text's first line in <paramref name="source"/> (MIME parts start mid-file).</param>
    public static IReadOnlyList<UrlFact> Extract(string text, string source, int firstLine = 1)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        var statements = ShellStatements.Parse(lines);
        var vars = ShellVariables.FromStatements(statements);

        var facts = new List<UrlFact>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var st in statements)
        {
            if (!st.Heredoc && NotDownloads.Contains(CommandWord(st.Text))) continue;
            var assigned = st.Heredoc ? null : ShellVariables.AssignedName(st.Text);
            var referenced = ShellVariables.References(st.Text).ToList();
            var forKubelet = Named(assigned) || referenced.Any(Named) || DestinationIsKubelet(st.Text);
            var variants = new List<(string Text, bool Expanded)> { (st.Text, false) };
            if (!vars.IsEmpty && st.Text.Contains('$'))
                variants.AddRange(vars.ExpandAll(st.Text, st).Where(x => !string.Equals(x, st.Text, StringComparison.Ordinal)).Select(x => (x, true)));
            foreach (var (variant, expanded) in variants)
            {
                // Written-out URLs of a statement whose variables did expand are kept; its unexpanded templates are not.
                var urls = Candidates(variant).Where(u => expanded || variants.Count == 1 || !u.Contains('$')).ToList();
                if (S3ApiGetObject(variant) is { } s3) urls.Add(s3);
                foreach (var url in urls)
                {
                    var via = assigned ?? (expanded || url.Contains('$') ? referenced.FirstOrDefault() : null);
                    var fact = ToFact(url, source, firstLine + st.Line - 1, via);
                    if (fact is null) continue;
                    if (forKubelet && fact.Purpose == UrlPurpose.Other) fact = fact with { Purpose = UrlPurpose.Kubelet };
                    if (seen.Add(fact.Redacted)) facts.Add(fact);
                }
            }
        }
        return facts;
    }

    /// <summary>One URL (already extracted) as a fact; null when it has no host.</summary>
    public static UrlFact? ToFact(string url, string source, int line, string? via = null)
    {
        var parsed = ParsedUrl.Parse(url);
        if (parsed is null) return null;
        // A reference left unexpanded, or a value computed at run time: a template, not a location.
        var template = url.Contains('$');
        var s3 = template && (parsed.Host.Contains('$') || (parsed.Scheme == "s3" && parsed.Host.Contains('$'))) ? null : S3Location.From(parsed);
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
            S3Uri = s3 is { Key: { } key } && !key.Contains('$') ? $"s3://{s3.Bucket}/{key}" : null,
            Template = template,
            Via = via,
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

    /// <summary>The command a statement runs, past YAML list markers and quotes (cloud-config "- echo …", "[ echo, … ]").</summary>
    private static string CommandWord(string statement)
    {
        var t = statement.TrimStart(' ', '\t', '-', '[', '"', '\'');
        if (t.StartsWith("sudo ", StringComparison.Ordinal)) t = t[5..].TrimStart();
        return ShellStatements.FirstWord(t).TrimEnd(',', '"', '\'');
    }

    private static bool Named(string? variable) => variable is not null && variable.Contains("kubelet", StringComparison.OrdinalIgnoreCase);

    /// <summary>curl -o /usr/bin/kubelet …, wget -O kubelet …, aws s3 cp … /usr/bin/kubelet.</summary>
    private static bool DestinationIsKubelet(string statement)
    {
        var word = CommandWord(statement);
        if (word is not ("curl" or "wget" or "aws" or "install" or "cp" or "mv")) return false;
        foreach (var token in PathTokens(statement))
        {
            var name = token[(token.LastIndexOf('/') + 1)..];
            if (name.StartsWith("kubelet", StringComparison.OrdinalIgnoreCase) && !name.Contains(".sha", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>The whitespace-separated words of a statement that look like paths: word characters and <c>./$-{}</c>,
    /// at most one quote at each end, not ending in '/'. One pass per word: the regex this replaces
    /// (<c>[\w./$\-{}]*/?[\w.$\-{}]+</c>, two overlapping loops) backtracked quadratically in a long word that
    /// failed at its end — 16 KB of "-0-0…'" per curl line took 6.5 s for 9 lines (fuzzing, Crashes/urls).</summary>
    private static IEnumerable<string> PathTokens(string statement)
    {
        var i = 0;
        while (i < statement.Length)
        {
            while (i < statement.Length && char.IsWhiteSpace(statement[i])) i++;
            var start = i;
            while (i < statement.Length && !char.IsWhiteSpace(statement[i])) i++;
            if (i == start) yield break;
            int from = start, to = i;
            if (statement[from] is '"' or '\'') from++;
            if (to > from && statement[to - 1] is '"' or '\'') to--;
            if (to <= from || statement[to - 1] == '/') continue;
            var ok = true;
            for (var k = from; k < to && ok; k++) ok = IsPathChar(statement[k]);
            if (ok) yield return statement[from..to];
        }
    }

    /// <summary>Regex <c>[\w./$\-{}]</c>: letters, digits, marks, connector punctuation and <c>./$-{}</c>.</summary>
    private static bool IsPathChar(char c) => c is '.' or '/' or '$' or '-' or '{' or '}' || char.GetUnicodeCategory(c) switch
    {
        System.Globalization.UnicodeCategory.UppercaseLetter or System.Globalization.UnicodeCategory.LowercaseLetter
            or System.Globalization.UnicodeCategory.TitlecaseLetter or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter or System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark
            or System.Globalization.UnicodeCategory.DecimalDigitNumber or System.Globalization.UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };

    /// <summary><c>aws s3api get-object --bucket B --key K OUT</c> as s3://B/K.</summary>
    private static string? S3ApiGetObject(string statement)
    {
        if (!statement.Contains("s3api", StringComparison.Ordinal) || !statement.Contains("get-object", StringComparison.Ordinal)) return null;
        var bucket = BucketArg().Match(statement);
        var key = KeyArg().Match(statement);
        return bucket.Success && key.Success ? $"s3://{bucket.Groups["v"].Value}/{key.Groups["v"].Value.TrimStart('/')}" : null;
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

    [GeneratedRegex(@"--bucket[= ]+[""']?(?<v>[^\s""']+)")]
    private static partial Regex BucketArg();

    [GeneratedRegex(@"--key[= ]+[""']?(?<v>[^\s""']+)")]
    private static partial Regex KeyArg();
}
