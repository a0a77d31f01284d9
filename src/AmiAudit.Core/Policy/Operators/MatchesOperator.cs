using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class MatchesOperator : RegexOperatorBase
{
    public override string Name => "matches";
    public override string Summary => "the value (or any item of a list value) matches the regex, or any of a list of regexes; unanchored";
    public override Judgement Evaluate(JsonNode? actual) => AnyMatch(actual);
    public override string Describe() => $"matching {PatternText}";
}
