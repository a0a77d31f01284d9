using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class EqualsOperator : RuleOperatorBase
{
    public override string Name => "equals";
    public override string Summary => "the value equals the argument (numbers by value, strings exactly)";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":["string","number","boolean","null"]}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireScalar(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => JsonValues.Same(actual, Argument);
    public override string Describe() => $"equal to {JsonValues.Quoted(Argument)}";
}
