using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Compiles its pattern(s) at load, so a bad regex is a load error with a line:col, never a
/// crash mid-scan. Patterns are unanchored (.NET syntax); a match timeout bounds hostile input.</summary>
public abstract class RegexOperatorBase : RuleOperatorBase
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private readonly List<Regex> _patterns = [];

    public override JsonObject ArgumentSchema() =>
        JsonValues.Schema("""{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1}]}""");

    protected override void Check(JsonNode? argument, List<OperatorProblem> problems)
    {
        foreach (var item in ArgumentList)
        {
            if (JsonValues.AsString(item) is not { } pattern)
            {
                Problem(problems, "expects a regular expression or a list of them");
                continue;
            }
            try
            {
                _patterns.Add(new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout));
            }
            catch (ArgumentException ex)
            {
                Problem(problems, $"invalid regular expression \"{pattern}\": {ex.Message}", PolicyErrorCodes.BadRegex);
            }
        }
    }

    /// <summary>True when any pattern matches the value, or any item of a list value.</summary>
    protected bool AnyMatch(JsonNode? actual)
    {
        IEnumerable<JsonNode?> values = actual as JsonArray ?? (IEnumerable<JsonNode?>)[actual];
        foreach (var value in values)
        {
            if (JsonValues.ScalarText(value) is not { } text) continue;
            foreach (var re in _patterns)
            {
                try
                {
                    if (re.IsMatch(text)) return true;
                }
                catch (RegexMatchTimeoutException)
                {
                    // A pathological pattern against hostile text: treat as no match rather than hang.
                }
            }
        }
        return false;
    }

    protected string PatternText => Argument is JsonArray a
        ? "any of " + string.Join(", ", a.Select(p => "/" + JsonValues.AsString(p) + "/"))
        : "/" + JsonValues.AsString(Argument) + "/";
}
