using AmiAudit.Collectors.Systemd;
using CsCheck;

namespace AmiAudit.Fuzz;

/// <summary>
/// The preset glob was rewritten from recursion (a stack overflow on "*a" × 100,000, found by the
/// preset-glob target) to one loop that backtracks to the last '*'. Differential property: on short
/// patterns, where recursion is harmless, it answers exactly what the recursive fnmatch did.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class GlobDifferentialTests
{
    private static readonly Gen<string> Pattern = Gen.Char["ab*?[]!-^"].Array[0, 10].Select(c => new string(c));
    private static readonly Gen<string> Text = Gen.Char["ab-]^!"].Array[0, 8].Select(c => new string(c));

    [Fact]
    public void The_loop_matches_what_the_recursive_fnmatch_matched() =>
        Gen.Select(Pattern, Text).Sample((p, t) => Glob.Match(p, t, noEscape: true) == Recursive.Match(p, 0, t, 0), iter: 100_000);

    [Theory]
    [InlineData("*.service", "kubelet.service", true)]
    [InlineData("kube*", "kubelet.service", true)]
    [InlineData("*@.service", "getty@.service", true)]
    [InlineData("[a-c]*", "bar", true)]
    [InlineData("[!a-c]*", "bar", false)]
    [InlineData("[]x]", "]", true)]
    [InlineData("[", "[", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    [InlineData("*", "", true)]
    [InlineData("?", "", false)]
    public void Examples(string pattern, string text, bool matches) => Glob.Match(pattern, text, noEscape: true).ShouldBe(matches);

    /// <summary>The implementation before the fix, kept as the oracle.</summary>
    private static class Recursive
    {
        public static bool Match(string p, int pi, string t, int ti)
        {
            while (pi < p.Length)
            {
                var c = p[pi];
                if (c == '*')
                {
                    while (pi < p.Length && p[pi] == '*') pi++;
                    if (pi == p.Length) return true;
                    for (var k = ti; k <= t.Length; k++)
                        if (Match(p, pi, t, k)) return true;
                    return false;
                }
                if (ti >= t.Length) return false;
                if (c == '?')
                {
                    pi++;
                    ti++;
                    continue;
                }
                if (c == '[' && TryBracket(p, pi, t[ti], out var next, out var matched))
                {
                    if (!matched) return false;
                    pi = next;
                    ti++;
                    continue;
                }
                if (c != t[ti]) return false;
                pi++;
                ti++;
            }
            return ti == t.Length;
        }

        private static bool TryBracket(string p, int start, char ch, out int next, out bool matched)
        {
            var i = start + 1;
            var negate = false;
            if (i < p.Length && p[i] is '!' or '^')
            {
                negate = true;
                i++;
            }
            var any = false;
            var first = true;
            while (i < p.Length && (p[i] != ']' || first))
            {
                first = false;
                var lo = p[i];
                if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
                {
                    if (ch >= lo && ch <= p[i + 2]) any = true;
                    i += 3;
                }
                else
                {
                    if (ch == lo) any = true;
                    i++;
                }
            }
            if (i >= p.Length)
            {
                // No closing bracket: '[' is an ordinary character.
                next = start;
                matched = false;
                return false;
            }
            next = i + 1;
            matched = any != negate;
            return true;
        }
    }
}
