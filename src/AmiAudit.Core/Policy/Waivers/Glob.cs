using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Policies;

/// <summary>Shell-style globs (<c>*</c> any run, <c>?</c> one character), whole-string, case-sensitive.</summary>
public static class Glob
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string pattern, string text) => Cache.GetOrAdd(pattern, p =>
        new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(250))).IsMatch(text);
}
