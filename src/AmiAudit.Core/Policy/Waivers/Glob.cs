namespace AmiAudit.Core.Policies;

/// <summary>
/// Shell-style globs (<c>*</c> any run, <c>?</c> one character), whole-string, case-sensitive, ordinal.
/// Matched directly rather than through a regex: the classic single-backtrack-point algorithm is
/// O(pattern × text) in the worst case and allocation-free, so a waiver with many stars against a long
/// hostile subject can neither time out (it used to be a backtracking regex with a 250 ms timeout whose
/// exception escaped as an internal error) nor hit an engine limit. Every character but <c>*</c> and
/// <c>?</c> is literal.
/// </summary>
public static class Glob
{
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0;
        int star = -1, resume = 0; // last '*' seen in the pattern, and where in the text it currently ends
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                // Let the last star swallow one more character and retry after it. Earlier stars never need
                // revisiting: any match they could enable, the last star can absorb.
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
