using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

public sealed class CountOperator : RuleOperatorBase
{
    private CountBound _bound = new(null, null);

    public override string Name => "count";
    public override string Summary => "the number of items of a list value (absent = 0) is within {min, max}, both inclusive";
    public override JsonObject ArgumentSchema() => JsonValues.Schema(
        """{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"min":{"type":"integer","minimum":0},"max":{"type":"integer","minimum":0}}}""");

    protected override void Check(JsonNode? argument, List<OperatorProblem> problems)
    {
        if (argument is not JsonObject o || o.Count == 0 || o.Any(p => p.Key is not ("min" or "max") || JsonValues.AsNumber(p.Value) is not { } n || n < 0 || n != Math.Floor(n)))
        {
            Problem(problems, "expects {min: N, max: N} with whole numbers ≥ 0");
            return;
        }
        long? Get(string k) => o[k] is { } v ? (long)JsonValues.AsNumber(v)!.Value : null;
        _bound = new CountBound(Get("min"), Get("max"));
        if (_bound is { Min: { } min, Max: { } max } && min > max) Problem(problems, $"min {min} is greater than max {max}");
    }

    public override Judgement Evaluate(JsonNode? actual) => actual switch
    {
        null => _bound.Holds(0),
        JsonArray a => _bound.Holds(a.Count),
        JsonObject o => _bound.Holds(o.Count),
        _ => false,
    };

    public override string Describe() => $"with {_bound.Describe()} items";
}
