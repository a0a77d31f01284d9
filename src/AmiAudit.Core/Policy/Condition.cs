using System.Text.Json.Nodes;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Policies;

/// <summary>A compiled <c>where</c> / <c>expect</c> / <c>when</c> clause.</summary>
public abstract record Condition
{
    /// <summary>Judges one item (or the snapshot root for <c>when</c>).</summary>
    public abstract ConditionOutcome Evaluate(JsonNode? item);

    /// <summary>The clause in words, e.g. "unitFileState not in [enabled, enabled-runtime]".</summary>
    public abstract string Describe();

    /// <summary>Every field path the clause reads (for evidence).</summary>
    public abstract IEnumerable<string> Fields();
}

/// <summary>Whether a clause held, and if not, the leaves that explain why.</summary>
public sealed record ConditionOutcome(bool Holds, IReadOnlyList<ConditionMiss> Misses)
{
    public static readonly ConditionOutcome True = new(true, []);
}

/// <summary>One unmet leaf: the field, its actual value, and what was expected of it.</summary>
public sealed record ConditionMiss(string Field, JsonNode? Actual, string Expected)
{
    public override string ToString() => $"{Field} is {(Actual is null ? "absent" : JsonValues.Quoted(Actual))}; expected {Expected}";
}

/// <summary><c>field: {op: arg, op2: arg}</c> — every operator must hold.</summary>
public sealed record FieldCondition(string Field, IReadOnlyList<IRuleOperator> Operators) : Condition
{
    public override ConditionOutcome Evaluate(JsonNode? item)
    {
        var actual = FieldPath.Resolve(item, Field);
        var misses = Operators.Where(op => !op.Evaluate(actual)).Select(op => new ConditionMiss(Field, actual, op.Describe())).ToList();
        return misses.Count == 0 ? ConditionOutcome.True : new ConditionOutcome(false, misses);
    }

    public override string Describe() => Field + " " + string.Join(" and ", Operators.Select(o => o.Describe()));
    public override IEnumerable<string> Fields() => [Field];
}

/// <summary><c>all: [...]</c>, and a mapping with several fields.</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Items) : Condition
{
    public override ConditionOutcome Evaluate(JsonNode? item)
    {
        var misses = new List<ConditionMiss>();
        foreach (var c in Items)
        {
            var r = c.Evaluate(item);
            if (!r.Holds) misses.AddRange(r.Misses);
        }
        return misses.Count == 0 ? ConditionOutcome.True : new ConditionOutcome(false, misses);
    }

    public override string Describe() => Items.Count == 1 ? Items[0].Describe() : string.Join(" and ", Items.Select(Wrap));
    public override IEnumerable<string> Fields() => Items.SelectMany(i => i.Fields());

    internal static string Wrap(Condition c) => c is FieldCondition or NotCondition ? c.Describe() : "(" + c.Describe() + ")";
}

/// <summary><c>any: [...]</c> — at least one must hold.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Items) : Condition
{
    public override ConditionOutcome Evaluate(JsonNode? item)
    {
        var misses = new List<ConditionMiss>();
        foreach (var c in Items)
        {
            var r = c.Evaluate(item);
            if (r.Holds) return ConditionOutcome.True;
            misses.AddRange(r.Misses);
        }
        return new ConditionOutcome(false, misses);
    }

    public override string Describe() => "any of: " + string.Join(" or ", Items.Select(AllCondition.Wrap));
    public override IEnumerable<string> Fields() => Items.SelectMany(i => i.Fields());
}

/// <summary><c>not: {...}</c>.</summary>
public sealed record NotCondition(Condition Inner) : Condition
{
    public override ConditionOutcome Evaluate(JsonNode? item)
    {
        if (!Inner.Evaluate(item).Holds) return ConditionOutcome.True;
        var fields = Inner.Fields().Distinct(StringComparer.Ordinal).ToList();
        var actual = fields.Count == 1 ? FieldPath.Resolve(item, fields[0]) : null;
        return new ConditionOutcome(false, [new ConditionMiss(string.Join(", ", fields), actual, Describe())]);
    }

    public override string Describe() => "not (" + Inner.Describe() + ")";
    public override IEnumerable<string> Fields() => Inner.Fields();
}
