using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class StartsWithOperator : RuleOperatorBase
{
    public override string Name => "startsWith";
    public override string Summary => "a string value starts with the argument (or with any item of a list argument), ordinally";
    public override JsonObject ArgumentSchema() =>
        JsonValues.Schema("""{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1}]}""");

    protected override void Check(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (ArgumentList.Any(x => JsonValues.AsString(x) is null)) Problem(problems, "expects a string or a list of strings");
    }

    public override bool Evaluate(JsonNode? actual) => JsonValues.AsString(actual) is { } s &&
        ArgumentList.Any(p => JsonValues.AsString(p) is { } prefix && s.StartsWith(prefix, StringComparison.Ordinal));

    public override string Describe() => Argument is JsonArray
        ? $"starting with any of {JsonValues.Plain(Argument)}"
        : $"starting with {JsonValues.Quoted(Argument)}";
}
