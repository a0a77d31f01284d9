using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class ContainsOperator : RuleOperatorBase
{
    public override string Name => "contains";
    public override string Summary => "a string value contains the argument as a substring, or a list value has an item equal to it";
    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":["string","number","boolean","null"]}""");
    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireScalar(argument, problems);
    public override Judgement Evaluate(JsonNode? actual) => Has(actual, Argument);
    public override string Describe() => $"containing {JsonValues.Quoted(Argument)}";

    internal static bool Has(JsonNode? actual, JsonNode? wanted) => actual switch
    {
        JsonArray a => a.Any(x => JsonValues.Same(x, wanted)),
        JsonValue => JsonValues.AsString(actual) is { } s && JsonValues.ScalarText(wanted) is { } w && s.Contains(w, StringComparison.Ordinal),
        _ => false,
    };
}
