using AmiAudit.Generated;

namespace AmiAudit.Reporting.Diff;

/// <summary>Registry of every <see cref="IDiffReporter"/> in this assembly.</summary>
public static partial class DiffReporters
{
    // ToDictionary throws on a format claimed twice: a programming error, not something to pick between.
    private static readonly Lazy<IReadOnlyDictionary<string, IDiffReporter>> ByFormat = new(() =>
        Factories().Select(f => f()).ToDictionary(r => r.Format, StringComparer.OrdinalIgnoreCase));

    public static IReadOnlyList<string> Formats => [.. ByFormat.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string format, out IDiffReporter reporter) => ByFormat.Value.TryGetValue(format.Trim(), out reporter!);

    public static IDiffReporter Get(string format) =>
        TryGet(format, out var r) ? r : throw new ArgumentException($"unknown diff format \"{format}\"; expected one of: {string.Join(", ", Formats)}", nameof(format));

    /// <summary>Listed at compile time (AmiAudit.Generators), not by reflection: NativeAOT would trim the reporters away.</summary>
    [Implementations]
    private static partial Func<IDiffReporter>[] Factories();
}
