using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

// Inside the namespace: Shouldly brings a global 'DiffEngine' namespace that would otherwise win.
using AmiAudit.Core.Diff;

/// <summary>
/// Issue 8, defect 5: the diff was quadratic in units per snapshot (every causal-path step scanned every edge,
/// paths were built by prepending and searched linearly). These pin what the linear rewrite must keep — the
/// explanation of a long failure cascade, cycle safety, and <see cref="SideAccumulator.Mode"/> agreeing with the
/// distribution it no longer builds. Times are measured by benchmarks/diff-units-bench.sh, not asserted here.
/// </summary>
public class LargeSnapshotDiffTests
{
    private static string Name(int u) => $"u{u:D5}.service";

    /// <summary>A Requires= chain of <paramref name="count"/> units; on side b the root fails and every unit
    /// that requires it fails too (<paramref name="cycle"/>: the root also requires the last unit).</summary>
    private static Snapshot Chain(bool failed, int count, bool cycle = false) => new()
    {
        Target = new TargetInfo { Kind = "live", Hostname = failed ? "b" : "a" },
        Systemd = new SystemdFacts
        {
            Units = [.. Enumerable.Range(0, count).Select(u => new UnitFact
            {
                Name = Name(u), Type = "service", UnitFileState = "enabled", StartsAtBoot = true,
                Requires = u > 0 ? [Name(u - 1)] : cycle ? [Name(count - 1)] : [],
                ActiveState = failed ? "failed" : "active",
                Result = failed ? "exit-code" : "success",
            })],
        },
    };

    [Fact]
    public void A_failure_cascade_through_thousands_of_units_is_one_chain_from_the_root_to_the_last_unit()
    {
        const int units = 3_000;
        var result = DiffEngine.Compare([Chain(false, units)], [Chain(true, units)], new DiffOptions { NameA = "a", NameB = "b" });

        result.Divergences.Count.ShouldBe(units); // activeState (the result text is evidence, not a fact)
        var chain = result.Chains.ShouldHaveSingleItem();
        chain.Side.ShouldBe("b");
        chain.Direction.ShouldBe("upstream");
        chain.Links.Count.ShouldBe(units);
        chain.Links[0].Fact.ShouldBe($"unit/{Name(units - 1)}/activeState");
        chain.Links[^1].Fact.ShouldBe($"unit/{Name(0)}/activeState");
        chain.Links.Select(l => l.Fact).ShouldBe(Enumerable.Range(0, units).Reverse().Select(u => $"unit/{Name(u)}/activeState"));
        chain.Links[1].Relation.ShouldBe($"{Name(units - 1)}: Requires={Name(units - 2)}");
        result.Unexplained.ShouldBeEmpty();
    }

    [Fact]
    public void A_dependency_cycle_ends_the_walk_instead_of_looping()
    {
        var result = DiffEngine.Compare([Chain(false, 50, cycle: true)], [Chain(true, 50, cycle: true)], new DiffOptions { NameA = "a", NameB = "b" });
        var chain = result.Chains.ShouldHaveSingleItem();
        chain.Links.Count.ShouldBe(50);
        chain.Links.Select(l => l.Fact).Distinct().Count().ShouldBe(50);
    }

    [Fact]
    public void Mode_is_the_first_value_of_the_distribution()
    {
        var side = new SideAccumulator("s");
        void Node(params (string Key, string Value)[] facts)
        {
            var flat = new FlatSnapshot();
            foreach (var (k, v) in facts) flat.Facts[k] = v;
            side.Add(flat);
        }
        Node(("k/tie", "b"), ("k/many", "x"), ("k/abs", FactKey.Absent));
        Node(("k/tie", "a"), ("k/many", "x"));
        Node(("k/many", "y"), ("k/abs", "z"));
        Node(("k/many", "y"), ("k/abs", "z"));
        foreach (var key in new[] { "k/tie", "k/many", "k/abs", "k/never" })
        {
            var expected = side.Distribution(key).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            side.Mode(key).ShouldBe(expected, key);
        }
        side.Mode("k/tie").ShouldBe(FactKey.Absent);  // absent on 2 of 4 nodes beats a and b (1 each)
        side.Mode("k/abs").ShouldBe(FactKey.Absent);  // 1 literal "(absent)" + 1 missing = 2, ties "z" (2), and sorts first
        new SideAccumulator("empty").Mode("k").ShouldBe(FactKey.Absent);
    }
}
