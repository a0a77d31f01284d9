using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class NotMatchesOperator : RegexOperatorBase
{
    public override string Name => "notMatches";
    public override string Summary => "neither the value nor any item of a list value matches the regex (or any of the regexes)";
    public override Judgement Evaluate(JsonNode? actual) => AnyMatch(actual).Negate();
    public override string Describe() => $"not matching {PatternText}";
}
