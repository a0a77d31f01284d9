using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class ContainsAnyOperator : RuleOperatorBase
{
    public override string Name => "containsAny";
    public override string Summary => "like contains, for any one of the listed values (a list var expands here)";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"array","items":{"type":["string","number","boolean","null"]}}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireList(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => ArgumentList.Any(w => ContainsOperator.Has(actual, w));
    public override string Describe() => $"containing any of {JsonValues.Plain(Argument)}";
}
