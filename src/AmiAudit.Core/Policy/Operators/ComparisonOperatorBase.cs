using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>
/// gt / gte / lt / lte. A number, or text that is a number ("5", as YAML and labels write them), is compared;
/// an absent or null value is "not comparable" and so false (documented); any other value — "5min", true,
/// a list — cannot be ordered against a number, and the operator says so instead of answering false
/// (which <c>not</c> would have turned into a pass).
/// </summary>
public abstract class ComparisonOperatorBase : RuleOperatorBase
{
    /// <summary>"&gt;", "&lt;=" …</summary>
    protected abstract string Symbol { get; }

    protected abstract bool Compare(double actual, double bound);

    public override JsonObject ArgumentSchema() => JsonValues.Schema("""{"type":"number"}""");

    protected override void Check(JsonNode? argument, List<OperatorProblem> problems) => RequireNumber(argument, problems);

    public override Judgement Evaluate(JsonNode? actual)
    {
        if (JsonValues.AsNumber(Argument) is not { } bound) return false; // Check refused it at load
        if (actual is null || (actual is JsonValue v && v.GetValueKind() == JsonValueKind.Null)) return false;
        if (Number(actual) is { } a) return Compare(a, bound);
        return Judgement.Unknown($"{Name} cannot compare {JsonValues.Quoted(actual)} with {JsonValues.Plain(Argument)} (not a number)");
    }

    public override string Describe() => $"{Symbol} {JsonValues.Plain(Argument)}";

    private static double? Number(JsonNode actual) =>
        JsonValues.AsNumber(actual) ?? (JsonValues.AsString(actual) is { } text
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null);
}
