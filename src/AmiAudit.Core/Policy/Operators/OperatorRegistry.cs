using AmiAudit.Generated;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Finds every <see cref="IRuleOperator"/> in this assembly: no list to edit when one is added.</summary>
public static partial class OperatorRegistry
{
    // Factories, not instances: Validate binds an argument, so every use in a policy needs its own operator.
    private static readonly Lazy<SortedDictionary<string, Func<IRuleOperator>>> ByName = new(() =>
    {
        var map = new SortedDictionary<string, Func<IRuleOperator>>(StringComparer.Ordinal);
        foreach (var factory in Factories())
        {
            var op = factory();
            if (!map.TryAdd(op.Name, factory)) throw new InvalidOperationException($"two operators are named '{op.Name}': {map[op.Name]().GetType()} and {op.GetType()}");
        }
        return map;
    });

    /// <summary>Operator names, ordinally sorted.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Value.Keys;

    /// <summary>A fresh, unbound instance; null for an unknown name.</summary>
    public static IRuleOperator? Create(string name) =>
        ByName.Value.TryGetValue(name, out var factory) ? factory() : null;

    /// <summary>One unbound instance of each operator, sorted by name (for schema and docs).</summary>
    public static IEnumerable<IRuleOperator> All() => ByName.Value.Values.Select(f => f());

    /// <summary>Listed at compile time (AmiAudit.Generators), not by reflection: NativeAOT would trim the operators away.</summary>
    [Implementations]
    private static partial Func<IRuleOperator>[] Factories();
}
