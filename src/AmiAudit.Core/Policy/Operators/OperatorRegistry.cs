using System.Reflection;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Finds every <see cref="IRuleOperator"/> in this assembly: no list to edit when one is added.</summary>
public static class OperatorRegistry
{
    private static readonly Lazy<SortedDictionary<string, Type>> Types = new(() =>
    {
        var map = new SortedDictionary<string, Type>(StringComparer.Ordinal);
        foreach (var t in typeof(IRuleOperator).Assembly.GetTypes()
                     .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IRuleOperator).IsAssignableFrom(t)
                                 && t.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null))
        {
            var name = ((IRuleOperator)Activator.CreateInstance(t)!).Name;
            if (!map.TryAdd(name, t)) throw new InvalidOperationException($"two operators are named '{name}': {map[name]} and {t}");
        }
        return map;
    });

    /// <summary>Operator names, ordinally sorted.</summary>
    public static IReadOnlyCollection<string> Names => Types.Value.Keys;

    /// <summary>A fresh, unbound instance; null for an unknown name.</summary>
    public static IRuleOperator? Create(string name) =>
        Types.Value.TryGetValue(name, out var t) ? (IRuleOperator)Activator.CreateInstance(t)! : null;

    /// <summary>One unbound instance of each operator, sorted by name (for schema and docs).</summary>
    public static IEnumerable<IRuleOperator> All() => Types.Value.Values.Select(t => (IRuleOperator)Activator.CreateInstance(t)!);
}
