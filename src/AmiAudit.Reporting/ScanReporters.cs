using AmiAudit.Generated;

namespace AmiAudit.Reporting;

/// <summary>Registry of every <see cref="IScanReporter"/> in this assembly, listed at compile time (AmiAudit.Generators).</summary>
public static partial class ScanReporters
{
    private static readonly Lazy<IReadOnlyDictionary<string, IScanReporter>> ByFormat = new(Discover);

    /// <summary>All format names, ordinal order.</summary>
    public static IReadOnlyList<string> Formats => [.. ByFormat.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string format, out IScanReporter reporter) =>
        ByFormat.Value.TryGetValue(format.Trim(), out reporter!);

    /// <summary>The reporter for <paramref name="format"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown format; the message lists the known ones.</exception>
    public static IScanReporter Get(string format) =>
        TryGet(format, out var reporter)
            ? reporter
            : throw new ArgumentException($"unknown format \"{format}\"; expected one of: {string.Join(", ", Formats)}", nameof(format));

    private static IReadOnlyDictionary<string, IScanReporter> Discover()
    {
        var map = new Dictionary<string, IScanReporter>(StringComparer.OrdinalIgnoreCase);
        foreach (var factory in Factories())
        {
            var reporter = factory();
            // Two classes claiming one format is a programming error; fail loudly rather than pick one.
            if (!map.TryAdd(reporter.Format, reporter))
                throw new InvalidOperationException($"two scan reporters claim format \"{reporter.Format}\": {map[reporter.Format].GetType().FullName} and {reporter.GetType().FullName}");
        }
        return map;
    }

    /// <summary>Every reporter class (internal ones too), ordinal by full name. Generated rather than found by
    /// reflection so NativeAOT keeps them.</summary>
    [Implementations]
    private static partial Func<IScanReporter>[] Factories();
}
