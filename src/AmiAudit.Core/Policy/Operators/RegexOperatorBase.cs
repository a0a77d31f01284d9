using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Compiles its pattern(s) at load (<see cref="PolicyRegex"/>), so a bad regex is a load error with a
/// line:col, never a crash mid-scan. Patterns are unanchored (.NET syntax) and run on the rule's
/// <see cref="RegexEngine"/>: linear-time by default, so hostile text cannot make a rule give up.</summary>
public abstract class RegexOperatorBase : RuleOperatorBase
{
    private readonly List<PolicyRegex> _patterns = [];
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);

    public override JsonObject ArgumentSchema() =>
        JsonValues.Schema("""{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1}]}""");

    protected override void Check(JsonNode? argument, List<OperatorProblem> problems)
    {
        var index = 0;
        foreach (var item in ArgumentList)
        {
            var at = argument is JsonArray ? index : (int?)null;
            index++;
            if (JsonValues.AsString(item) is not { } pattern)
            {
                Problem(problems, "expects a regular expression or a list of them", item: at);
                continue;
            }
            if (PolicyRegex.TryCompile(pattern, Settings.RegexEngine, out var regex, out var problem))
            {
                // A repeated pattern (a var list spliced in twice, a copy-paste) is matched once per value.
                if (_distinct.Add(pattern)) _patterns.Add(regex!);
            }
            else Problem(problems, problem!, PolicyErrorCodes.BadRegex, at);
        }
    }

    /// <summary>Whether any pattern matches the value or any item of a list value. Unknown when no pattern
    /// matched but one could not tell (a timeout), or the value is a mapping (no text to match).</summary>
    protected Judgement AnyMatch(JsonNode? actual)
    {
        if (actual is null || (actual is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Null)) return false;
        IEnumerable<JsonNode?> values = actual as JsonArray ?? (IEnumerable<JsonNode?>)[actual];
        Judgement? unknown = null;
        foreach (var value in values)
        {
            if (value is null) continue;
            if (JsonValues.ScalarText(value) is not { } text)
            {
                if (value is JsonObject or JsonArray) unknown ??= Judgement.Unknown($"{Name} cannot match {(value is JsonObject ? "a mapping" : "a nested list")} as text");
                continue;
            }
            foreach (var re in _patterns)
            {
                var m = re.IsMatch(text);
                if (m.IsTrue) return true;
                if (m.IsUnknown) unknown ??= m;
            }
        }
        return unknown ?? false;
    }

    protected string PatternText => Argument is JsonArray a
        ? "any of " + string.Join(", ", a.Select(p => "/" + JsonValues.AsString(p) + "/"))
        : "/" + JsonValues.AsString(Argument) + "/";
}
