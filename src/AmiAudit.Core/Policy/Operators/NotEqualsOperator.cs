using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class NotEqualsOperator : RuleOperatorBase
{
    public override string Name => "notEquals";
    public override string Summary => "the value differs from the argument (an absent value differs from anything but null)";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":["string","number","boolean","null"]}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireScalar(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => !JsonValues.Same(actual, Argument);
    public override string Describe() => $"not equal to {JsonValues.Quoted(Argument)}";
}
