using System.Text.Json.Nodes;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>Turns a condition mapping into a <see cref="Condition"/>, binding operators and checking field
/// paths against the item type. Shape errors (a list where a mapping belongs…) are left to the schema
/// so each problem is reported once.</summary>
internal static class ConditionCompiler
{
    public static Condition? Compile(JsonNode? node, string path, Type? scope, LoadContext ctx)
    {
        if (node is not JsonObject o || o.Count == 0) return null;
        var parts = new List<Condition>();
        foreach (var (key, value) in o)
        {
            var at = YamlJsonDocument.Child(path, key);
            switch (key)
            {
                case "all" or "any":
                    if (value is not JsonArray items) continue;
                    var children = new List<Condition>();
                    for (var i = 0; i < items.Count; i++)
                        if (Compile(items[i], YamlJsonDocument.Index(at, i), scope, ctx) is { } c) children.Add(c);
                    parts.Add(key == "all" ? new AllCondition(children) : new AnyCondition(children));
                    break;
                case "not":
                    if (Compile(value, at, scope, ctx) is { } inner) parts.Add(new NotCondition(inner));
                    break;
                default:
                    if (Field(key, value, at, scope, ctx) is { } f) parts.Add(f);
                    break;
            }
        }
        return parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private static FieldCondition? Field(string field, JsonNode? ops, string at, Type? scope, LoadContext ctx)
    {
        if (scope is not null && SnapshotShape.CheckField(scope, field) is { } problem) ctx.Error(at, PolicyErrorCodes.UnknownField, problem, atKey: true);
        if (ops is not JsonObject map) return null;
        var bound = new List<IRuleOperator>();
        foreach (var (name, argument) in map)
        {
            var opPath = YamlJsonDocument.Child(at, name);
            if (OperatorRegistry.Create(name) is not { } op)
            {
                ctx.Error(opPath, PolicyErrorCodes.UnknownOperator,
                    $"unknown operator '{name}' on '{field}' (operators: {string.Join(", ", OperatorRegistry.Names)})", atKey: true);
                continue;
            }
            var before = ctx.ErrorCount;
            var value = ctx.Expand(argument, opPath);
            if (ctx.ErrorCount != before) continue; // an unresolved var says it all; validating the raw text would only add noise
            var problems = op.Validate(value, ctx.OperatorSettings);
            foreach (var p in problems) ctx.Error(ItemPath(opPath, p.Item, argument, value), p.Code, p.Message);
            if (problems.Count == 0) bound.Add(op);
        }
        return bound.Count == map.Count ? new FieldCondition(field, bound) : null;
    }

    /// <summary>Where a problem with one item of a list argument points: at that item when the list was written
    /// out item by item, else (a list var spliced in) at the operator's value.</summary>
    private static string ItemPath(string opPath, int? item, JsonNode? written, JsonNode? expanded) =>
        item is { } i && written is JsonArray w && expanded is JsonArray e && w.Count == e.Count
            && !w.Any(x => JsonValues.AsString(x)?.Contains("${", StringComparison.Ordinal) == true)
            ? YamlJsonDocument.Index(opPath, i)
            : opPath;
}
