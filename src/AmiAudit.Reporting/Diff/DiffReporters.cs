using System.Reflection;

namespace AmiAudit.Reporting.Diff;

/// <summary>Registry of every <see cref="IDiffReporter"/> in this assembly.</summary>
public static class DiffReporters
{
    private static readonly Lazy<IReadOnlyDictionary<string, IDiffReporter>> ByFormat = new(() =>
        typeof(DiffReporters).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDiffReporter).IsAssignableFrom(t)
                        && t.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is not null)
            .Select(t => (IDiffReporter)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(r => r.Format, StringComparer.OrdinalIgnoreCase));

    public static IReadOnlyList<string> Formats => [.. ByFormat.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string format, out IDiffReporter reporter) => ByFormat.Value.TryGetValue(format.Trim(), out reporter!);

    public static IDiffReporter Get(string format) =>
        TryGet(format, out var r) ? r : throw new ArgumentException($"unknown diff format \"{format}\"; expected one of: {string.Join(", ", Formats)}", nameof(format));
}
