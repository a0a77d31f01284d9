using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class LtOperator : RuleOperatorBase
{
    public override string Name => "lt";
    public override string Summary => "the value is a number less than the argument (absent or non-numeric: false)";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"number"}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireNumber(argument, problems);
    public override bool Evaluate(JsonNode? actual) =>
        JsonValues.AsNumber(actual) is { } a && JsonValues.AsNumber(Argument) is { } b && a < b;
    public override string Describe() => $"< {JsonValues.Plain(Argument)}";
}
