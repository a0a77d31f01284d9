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

    public override Judgement Evaluate(JsonNode? actual)
    {
        // A list or mapping has no text to start with: "cannot tell", not "does not start with" (which `not` would pass).
        if (actual is JsonArray or JsonObject) return Judgement.Unknown($"{Name} expects text; the value is {(actual is JsonArray ? "a list" : "a mapping")}");
        return JsonValues.AsString(actual) is { } s &&
            ArgumentList.Any(p => JsonValues.AsString(p) is { } prefix && s.StartsWith(prefix, StringComparison.Ordinal));
    }

    public override string Describe() => Argument is JsonArray
        ? $"starting with any of {JsonValues.Plain(Argument)}"
        : $"starting with {JsonValues.Quoted(Argument)}";
}
