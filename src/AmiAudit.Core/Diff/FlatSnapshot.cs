namespace AmiAudit.Core.Diff;

/// <summary>
/// One snapshot flattened. <see cref="Facts"/> are compared across sides; <see cref="Text"/> and
/// <see cref="Numbers"/> are evidence only (exact readings, exit codes, log lines) that the causal
/// explanation quotes — they are aggregated, never compared, so a volatile reading cannot create a divergence.
/// </summary>
public sealed class FlatSnapshot(int expectedFacts = 0)
{
    // Pre-sized: a node has ~1,000+ keys, and rehashing while growing was a visible share of the flatten cost.
    public Dictionary<string, string> Facts { get; } = new(expectedFacts, StringComparer.Ordinal);
    public Dictionary<string, string> Text { get; } = new(expectedFacts / 4, StringComparer.Ordinal);
    public Dictionary<string, double> Numbers { get; } = new(expectedFacts / 2, StringComparer.Ordinal);

    /// <summary>Empties it for reuse, keeping the dictionaries' capacity: a bulk diff recycles a few of these
    /// instead of allocating ~70 KB of dictionary storage per node.</summary>
    public void Clear()
    {
        Facts.Clear();
        Text.Clear();
        Numbers.Clear();
    }
}
