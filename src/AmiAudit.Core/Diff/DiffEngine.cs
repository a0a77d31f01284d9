using AmiAudit.Core.Model;

namespace AmiAudit.Core.Diff;

/// <summary>
/// Compares two groups of snapshots. Pure: snapshots in, <see cref="DiffResult"/> out. Each side is enumerated
/// exactly once and every snapshot is dropped after flattening, so memory depends on the number of distinct
/// keys and values, not on the number of nodes.
/// </summary>
public static class DiffEngine
{
    public static DiffResult Compare(IEnumerable<Snapshot> a, IEnumerable<Snapshot> b, DiffOptions options)
    {
        var ignore = new GlobMatcher(options.Ignore);
        return Compare(
            a.Select(s => FactFlattener.FlattenAll(s, ignore)),
            b.Select(s => FactFlattener.FlattenAll(s, ignore)),
            options);
    }

    /// <summary>Same, from snapshots already flattened (lets the CLI flatten while it parses, in parallel).</summary>
    public static DiffResult Compare(IEnumerable<FlatSnapshot> a, IEnumerable<FlatSnapshot> b, DiffOptions options)
    {
        var sideA = Accumulate(options.NameA, a);
        var sideB = Accumulate(options.NameB, b);
        return Compare(sideA, sideB, options);
    }

    public static SideAccumulator Accumulate(string name, IEnumerable<FlatSnapshot> snapshots)
    {
        var side = new SideAccumulator(name);
        foreach (var flat in snapshots) side.Add(flat);
        return side;
    }

    public static DiffResult Compare(SideAccumulator a, SideAccumulator b, DiffOptions options)
    {
        var divergences = GroupStatistics.Compare(a, b, options);
        var (chains, unexplained) = CausalExplainer.Explain(a, b, divergences);
        var keys = new HashSet<string>(a.Values.Keys, StringComparer.Ordinal);
        keys.UnionWith(b.Values.Keys);
        return new DiffResult
        {
            A = new DiffSide { Name = a.Name, Nodes = a.Nodes },
            B = new DiffSide { Name = b.Name, Nodes = b.Nodes },
            KeysCompared = keys.Count,
            Ignore = [.. options.Ignore],
            Divergences = divergences,
            Chains = chains,
            Unexplained = unexplained,
            LoadProblems = [.. options.LoadProblems.OrderBy(p => p.Side, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal)],
        };
    }

    /// <summary>The result as stable JSON (schema amiaudit.diff/v1, sorted keys).</summary>
    public static string ToJson(DiffResult result) => SnapshotJson.SerializeSorted(result, JsonOptions);

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = SnapshotJson.WithContext(DiffJsonContext.Default);
}
