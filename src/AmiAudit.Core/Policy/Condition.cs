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

/// <summary>
/// Whether a clause held (<see cref="Judgement"/>: true, false or unknown), the unmet leaves that explain a
/// false, and the reasons behind an unknown. Combinators follow three-valued (Kleene) logic: a known
/// answer wins where it decides the result (one false leaf fails an <c>all</c>, one true branch passes an
/// <c>any</c>), otherwise unknown propagates — so an operator that cannot tell can never turn into a pass.
/// </summary>
public sealed record ConditionOutcome(Judgement Result, IReadOnlyList<ConditionMiss> Misses, IReadOnlyList<string> Unknowns)
{
    public static readonly ConditionOutcome True = new(Judgement.True, [], []);

    public bool Holds => Result.IsTrue;
    public bool Fails => Result.IsFalse;
    public bool IsUnknown => Result.IsUnknown;

    public static ConditionOutcome False(IReadOnlyList<ConditionMiss> misses) => new(Judgement.False, misses, []);

    public static ConditionOutcome Unknown(IReadOnlyList<string> reasons) =>
        new(Judgement.Unknown(string.Join("; ", reasons)), [], reasons);
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
        List<ConditionMiss>? misses = null;
        List<string>? unknowns = null;
        foreach (var op in Operators)
        {
            var r = op.Evaluate(actual);
            if (r.IsFalse) (misses ??= []).Add(new ConditionMiss(Field, actual, op.Describe()));
            else if (r.IsUnknown) (unknowns ??= []).Add($"{Field}: {r.Reason}");
        }
        if (misses is not null) return ConditionOutcome.False(misses);
        return unknowns is not null ? ConditionOutcome.Unknown(unknowns) : ConditionOutcome.True;
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
        var unknowns = new List<string>();
        foreach (var c in Items)
        {
            var r = c.Evaluate(item);
            if (r.Fails) misses.AddRange(r.Misses);
            else if (r.IsUnknown) unknowns.AddRange(r.Unknowns);
        }
        if (misses.Count > 0) return ConditionOutcome.False(misses);
        return unknowns.Count > 0 ? ConditionOutcome.Unknown(unknowns) : ConditionOutcome.True;
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
        var unknowns = new List<string>();
        foreach (var c in Items)
        {
            var r = c.Evaluate(item);
            if (r.Holds) return ConditionOutcome.True;
            if (r.IsUnknown) unknowns.AddRange(r.Unknowns);
            else misses.AddRange(r.Misses);
        }
        return unknowns.Count > 0 ? ConditionOutcome.Unknown(unknowns) : ConditionOutcome.False(misses);
    }

    public override string Describe() => "any of: " + string.Join(" or ", Items.Select(AllCondition.Wrap));
    public override IEnumerable<string> Fields() => Items.SelectMany(i => i.Fields());
}

/// <summary><c>not: {...}</c>. Not of unknown is unknown.</summary>
public sealed record NotCondition(Condition Inner) : Condition
{
    public override ConditionOutcome Evaluate(JsonNode? item)
    {
        var inner = Inner.Evaluate(item);
        if (inner.Fails) return ConditionOutcome.True;
        if (inner.IsUnknown) return inner;
        var fields = Inner.Fields().Distinct(StringComparer.Ordinal).ToList();
        var actual = fields.Count == 1 ? FieldPath.Resolve(item, fields[0]) : null;
        return ConditionOutcome.False([new ConditionMiss(string.Join(", ", fields), actual, Describe())]);
    }

    public override string Describe() => "not (" + Inner.Describe() + ")";
    public override IEnumerable<string> Fields() => Inner.Fields();
}
