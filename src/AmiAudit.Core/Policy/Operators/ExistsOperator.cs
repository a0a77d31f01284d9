using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class ExistsOperator : RuleOperatorBase
{
    public override string Name => "exists";
    public override string Summary => "true: the field is present and not null; false: it is absent or null";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"boolean"}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireBoolean(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => (actual is not null) == (JsonValues.AsBoolean(Argument) ?? true);
    public override string Describe() => JsonValues.AsBoolean(Argument) == false ? "absent" : "present";
}
