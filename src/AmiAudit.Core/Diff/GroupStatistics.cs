using AmiAudit.Core.Evaluation;

namespace AmiAudit.Core.Diff;

/// <summary>
/// Compares the two sides key by key. A key whose value distributions are the same on both sides is not a
/// divergence at all (so diff(A, A) is empty even when nodes inside A vary). Otherwise:
/// <list type="bullet">
/// <item><b>Consistent</b> — every node of A has one value, every node of B another.</item>
/// <item><b>Partial</b> — a side is mixed, and the difference is real: total-variation distance ≥ 0.1 and either a
/// chi-square p-value below 0.01, or ≥ 25 % of one side showing values the other (uniform) side never shows.</item>
/// <item><b>Noise</b> — the sides vary in ways chance explains; kept in the result, ranked last, never gating.</item>
/// </list>
/// </summary>
public static class GroupStatistics
{
    public static List<Divergence> Compare(SideAccumulator a, SideAccumulator b, DiffOptions options)
    {
        var keys = new SortedSet<string>(a.Values.Keys, StringComparer.Ordinal);
        keys.UnionWith(b.Values.Keys);
        var result = new List<Divergence>();
        if (a.Nodes == 0 || b.Nodes == 0) return result;
        foreach (var key in keys)
        {
            if (Classify(key, a, b, options) is { } d) result.Add(d);
        }
        return Rank(result);
    }

    public static List<Divergence> Rank(IEnumerable<Divergence> divergences) =>
        [.. divergences.OrderByDescending(d => d.Score).ThenBy(d => d.Key, StringComparer.Ordinal)];

    public static Divergence? Classify(string key, SideAccumulator a, SideAccumulator b, DiffOptions options)
    {
        if (SideAccumulator.Uniform(key, a, b)) return null; // distance 0: the common case, decided cheaply
        var da = a.Distribution(key);
        var db = b.Distribution(key);
        var values = new SortedSet<string>(da.Keys, StringComparer.Ordinal);
        values.UnionWith(db.Keys);
        var ca = values.Select(v => da.GetValueOrDefault(v)).ToList();
        var cb = values.Select(v => db.GetValueOrDefault(v)).ToList();

        double distance = 0;
        for (var i = 0; i < ca.Count; i++) distance += Math.Abs((double)ca[i] / a.Nodes - (double)cb[i] / b.Nodes);
        distance = Math.Round(distance / 2, 6);
        if (distance == 0) return null;

        DivergenceClass cls;
        double? p = null;
        if (da.Count == 1 && db.Count == 1)
        {
            cls = DivergenceClass.Consistent;
        }
        else
        {
            p = ChiSquare.HomogeneityPValue(ca, cb);
            var real = distance >= options.PartialMinDistance
                       && (p < options.PartialMaxPValue || ForeignShare(da, db, b.Nodes) >= 0.25 || ForeignShare(db, da, a.Nodes) >= 0.25);
            cls = real ? DivergenceClass.Partial : DivergenceClass.Noise;
        }

        var fk = FactKey.Parse(key);
        var impact = da.Keys.Any(v => KeySeverity.IsUnhealthy(fk, v, a)) || db.Keys.Any(v => KeySeverity.IsUnhealthy(fk, v, b));
        var severity = KeySeverity.Of(fk, impact);
        var consistency = cls switch
        {
            DivergenceClass.Consistent => 1.0,
            DivergenceClass.Partial => distance,
            _ => distance * 0.1,
        };
        var score = Math.Round(consistency * KeySeverity.Weight(severity) * (impact ? 2 : 1), 3);
        return new Divergence
        {
            Key = key,
            Kind = fk.Kind,
            Subject = fk.Subject,
            Attribute = fk.Attribute,
            Class = cls,
            Severity = severity,
            Score = score,
            Distance = distance,
            PValue = p is { } pv ? Math.Round(pv, 6) : null,
            HealthImpact = impact,
            A = Sorted(da),
            B = Sorted(db),
        };
    }

    /// <summary>When <paramref name="uniform"/> has one value: the share of <paramref name="other"/>'s nodes with a value
    /// that side never shows. A value one side never has, on a quarter of the other, is not sampling noise.</summary>
    private static double ForeignShare(IReadOnlyDictionary<string, int> uniform, IReadOnlyDictionary<string, int> other, int otherNodes)
    {
        if (uniform.Count != 1) return 0;
        var foreign = other.Where(p => !uniform.ContainsKey(p.Key)).Sum(p => p.Value);
        return (double)foreign / otherNodes;
    }

    private static List<ValueCount> Sorted(IReadOnlyDictionary<string, int> d) =>
        [.. d.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new ValueCount { Value = p.Key, Count = p.Value })];

    /// <summary>Severity used by <c>--fail-on-divergence</c>: the key's, never above what the class allows.</summary>
    public static bool Gates(Divergence d, Severity threshold) => d.Class is not DivergenceClass.Noise && d.Severity >= threshold;
}
