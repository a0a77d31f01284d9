using System.Text.RegularExpressions;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Which .NET regex engine a rule's patterns run on (<c>regexEngine:</c> on the rule).</summary>
public enum RegexEngine
{
    /// <summary><see cref="RegexOptions.NonBacktracking"/>: time linear in the input, so no timeout and no
    /// way for hostile text to make a rule give up. The default.</summary>
    NonBacktracking,

    /// <summary>The classic engine, for patterns that need it (backreferences, lookarounds, atomic groups,
    /// conditionals). Bounded by <see cref="PolicyRegex.BacktrackingTimeout"/>; a timeout is an error finding.</summary>
    Backtracking,
}

/// <summary>
/// The one way a policy pattern becomes a <see cref="Regex"/>. Every pattern is compiled at load, so a
/// pattern the engine refuses is a load error with a line:col, and matching answers with a
/// <see cref="Judgement"/>: a backtracking timeout is "cannot tell", never "no match".
/// </summary>
public sealed class PolicyRegex
{
    /// <summary>Budget per match for rules that opted into <see cref="RegexEngine.Backtracking"/>.</summary>
    public static readonly TimeSpan BacktrackingTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>YAML spelling of each engine, as the schema lists them.</summary>
    public static readonly IReadOnlyList<string> EngineNames = ["nonBacktracking", "backtracking"];

    private const string NotSupportedPrefix = "RegexOptions.NonBacktracking is not supported in conjunction with expressions containing: ";

    /// <summary>Most compiled patterns kept for reuse (<see cref="Compiled"/>).</summary>
    public const int MaxCached = 4096;

    /// <summary>Compiled patterns by engine and text. Building a NonBacktracking automaton costs milliseconds per pattern
    /// (~6 ms measured, against ~10 µs for the backtracking parser): a 95 KB policy repeating one pattern 1,113 times in a
    /// var list took 16–30 s to load (fuzzing, Crashes/policy). A pattern is now built once per process; a <see cref="Regex"/>
    /// is safe to share between threads. Load time stays linear in the number of distinct patterns.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Pattern, RegexEngine Engine), Regex> Compiled = new();

    private readonly Regex _regex;

    private PolicyRegex(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    public string Pattern { get; }

    public RegexEngine Engine => (_regex.Options & RegexOptions.NonBacktracking) != 0 ? RegexEngine.NonBacktracking : RegexEngine.Backtracking;

    public static RegexEngine? ParseEngine(string? name) => name switch
    {
        null or "nonBacktracking" => RegexEngine.NonBacktracking,
        "backtracking" => RegexEngine.Backtracking,
        _ => null,
    };

    /// <summary>Compiles <paramref name="pattern"/>; on failure <paramref name="problem"/> says why in a
    /// sentence a policy author can act on.</summary>
    public static bool TryCompile(string pattern, RegexEngine engine, out PolicyRegex? regex, out string? problem)
    {
        regex = null;
        problem = null;
        try
        {
            if (!Compiled.TryGetValue((pattern, engine), out var compiled))
            {
                compiled = engine == RegexEngine.NonBacktracking
                    ? new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)
                    : new Regex(pattern, RegexOptions.CultureInvariant, BacktrackingTimeout);
                if (Compiled.Count < MaxCached) Compiled.TryAdd((pattern, engine), compiled);
            }
            regex = new PolicyRegex(pattern, compiled);
            return true;
        }
        catch (NotSupportedException ex)
        {
            // Valid .NET syntax the linear-time engine cannot run: backreferences, lookarounds, atomic groups,
            // conditionals, \G — or a counted repetition whose automaton would be too large.
            var what = ex.Message.StartsWith(NotSupportedPrefix, StringComparison.Ordinal)
                ? "it uses " + ex.Message[NotSupportedPrefix.Length..].TrimEnd('.')
                : ex.Message.TrimEnd('.');
            problem = $"regular expression \"{pattern}\" cannot run on the linear-time engine: {what}. Rewrite it without that construct, "
                      + $"or add 'regexEngine: backtracking' to the rule (then each match is limited to {BacktrackingTimeout.TotalMilliseconds:0} ms "
                      + "and a timeout is reported as an error)";
            return false;
        }
        catch (ArgumentException ex)
        {
            problem = $"invalid regular expression \"{pattern}\": {ex.Message}";
            return false;
        }
    }

    /// <summary>True / false; unknown when a backtracking match ran out of time.</summary>
    public Judgement IsMatch(string text)
    {
        try
        {
            return _regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return Judgement.Unknown($"/{Pattern}/ timed out after {BacktrackingTimeout.TotalMilliseconds:0} ms on a {text.Length}-character value");
        }
    }
}
