using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class NotInOperator : RuleOperatorBase
{
    public override string Name => "notIn";
    public override string Summary => "the value equals none of the listed values (a list var expands here)";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"array","items":{"type":["string","number","boolean","null"]}}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireList(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => !ArgumentList.Any(v => JsonValues.Same(actual, v));
    public override string Describe() => $"not in {JsonValues.Plain(Argument)}";
}
