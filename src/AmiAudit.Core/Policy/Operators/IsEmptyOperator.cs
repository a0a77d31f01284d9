using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class IsEmptyOperator : RuleOperatorBase
{
    public override string Name => "isEmpty";
    public override string Summary => "true: the value is absent, null, \"\", [] or {}; false: it has content";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"boolean"}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireBoolean(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => JsonValues.IsEmpty(actual) == (JsonValues.AsBoolean(Argument) ?? true);
    public override string Describe() => JsonValues.AsBoolean(Argument) == false ? "non-empty" : "empty";
}
