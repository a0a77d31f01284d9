using System.Text;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Diff;

/// <summary>Matches fact keys against ignore globs. Compiled once per diff, not per key.</summary>
public sealed class GlobMatcher
{
    private readonly Regex? _regex;

    public GlobMatcher(IEnumerable<string> globs)
    {
        var parts = globs.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => "(?:" + ToRegex(g.Trim()) + ")").ToList();
        _regex = parts.Count == 0 ? null : new Regex("^(?:" + string.Join('|', parts) + ")$", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public bool IsEmpty => _regex is null;

    public bool Matches(string key) => _regex is not null && _regex.IsMatch(key);

    internal static string ToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
