using AmiAudit.Core.Evaluation;

namespace AmiAudit.Core.Tests.Diff;

// Inside the namespace: Shouldly brings a global 'DiffEngine' namespace that would otherwise win.
using AmiAudit.Core.Diff;

public class GroupStatisticsTests
{
    private const int N = 200;
    private static readonly string[] NoiseVersions = ["1.0", "1.1", "1.2", "1.3"];

    /// <summary>One fleet, three injected divergences of three kinds, nothing else.</summary>
    private static DiffResult InjectedFleet(out int partialCount)
    {
        var rngA = new Random(11);
        var rngB = new Random(12);
        var partial = 0;
        var a = TestFleet.Side(N, (_, s) => s.WithPackage("p11", NoiseVersions[rngA.Next(NoiseVersions.Length)]));
        var b = TestFleet.Side(N, (i, s) =>
        {
            s = s.WithPackage("p07", "2.0").WithPackage("p11", NoiseVersions[rngB.Next(NoiseVersions.Length)]);
            if (i % 10 < 3)
            {
                partial++;
                s = s.WithUnitState("u03.service", "failed");
            }
            return s;
        });
        var result = DiffEngine.Compare(a, b, new DiffOptions { NameA = "a", NameB = "b" });
        partialCount = partial;
        return result;
    }

    [Fact]
    public void Injected_divergences_are_classified_by_kind()
    {
        var result = InjectedFleet(out var partialCount);
        partialCount.ShouldBe(60);

        result.Divergences.Select(d => d.Key).Order(StringComparer.Ordinal)
            .ShouldBe(["package/p07/version", "package/p11/version", "unit/u03.service/activeState"]);
        var consistent = result.Divergences.Single(d => d.Key == "package/p07/version");
        consistent.Class.ShouldBe(DivergenceClass.Consistent);
        consistent.A.ShouldBe([new ValueCount { Value = "1.0", Count = N }]);
        consistent.B.ShouldBe([new ValueCount { Value = "2.0", Count = N }]);

        var partial = result.Divergences.Single(d => d.Key == "unit/u03.service/activeState");
        partial.Class.ShouldBe(DivergenceClass.Partial);
        partial.B.ShouldBe([new ValueCount { Value = "active", Count = 140 }, new ValueCount { Value = "failed", Count = 60 }]);
        partial.Distance.ShouldBe(0.3, 1e-9);

        result.Divergences.Single(d => d.Key == "package/p11/version").Class.ShouldBe(DivergenceClass.Noise);
    }

    [Fact]
    public void Ranking_puts_the_unhealthy_partial_unit_above_a_consistent_package_and_noise_last()
    {
        var result = InjectedFleet(out _);
        // 0.3 × High(8) × impact 2 = 4.8 > 1.0 × Low(2) = 2 > noise.
        result.Divergences.Select(d => d.Key).ShouldBe(["unit/u03.service/activeState", "package/p07/version", "package/p11/version"]);
        result.Divergences[0].Severity.ShouldBe(Severity.High);
        result.Divergences[0].HealthImpact.ShouldBeTrue();
        result.AtOrAbove(Severity.Low).Select(d => d.Key).ShouldNotContain("package/p11/version");
    }

    [Fact]
    public void Diff_of_a_side_with_itself_is_empty_even_when_nodes_vary()
    {
        var rng1 = new Random(5);
        var rng2 = new Random(5);
        var a = TestFleet.Side(50, (_, s) => s.WithPackage("p11", NoiseVersions[rng1.Next(4)]));
        var b = TestFleet.Side(50, (_, s) => s.WithPackage("p11", NoiseVersions[rng2.Next(4)]));
        var result = DiffEngine.Compare(a, b, new DiffOptions());
        result.Identical.ShouldBeTrue();
        result.Chains.ShouldBeEmpty();
        result.Unexplained.ShouldBeEmpty();
        // 20 units × (unitFileState, startsAtBoot, activeState) + 30 packages + 3 os keys.
        result.KeysCompared.ShouldBe(20 * 3 + 30 + 3);
    }

    [Fact]
    public void Diff_b_a_mirrors_diff_a_b()
    {
        var ab = InjectedFleet(out _);
        var rngA = new Random(11);
        var rngB = new Random(12);
        var a = TestFleet.Side(N, (_, s) => s.WithPackage("p11", NoiseVersions[rngA.Next(NoiseVersions.Length)]));
        var b = TestFleet.Side(N, (i, s) =>
        {
            s = s.WithPackage("p07", "2.0").WithPackage("p11", NoiseVersions[rngB.Next(NoiseVersions.Length)]);
            return i % 10 < 3 ? s.WithUnitState("u03.service", "failed") : s;
        });
        var ba = DiffEngine.Compare(b, a, new DiffOptions { NameA = "b", NameB = "a" });
        ba.Divergences.Count.ShouldBe(ab.Divergences.Count);
        foreach (var (x, y) in ab.Divergences.Zip(ba.Divergences))
        {
            y.Key.ShouldBe(x.Key);
            y.Class.ShouldBe(x.Class);
            y.Score.ShouldBe(x.Score);
            y.A.ShouldBe(x.B);
            y.B.ShouldBe(x.A);
        }
    }

    [Fact]
    public void Volatile_values_never_become_divergences()
    {
        // Every node differs in hostname, instance id, collection time and unit start times.
        var result = DiffEngine.Compare(TestFleet.Side(10), TestFleet.Side(7).Select((s, i) => s with
        {
            Target = s.Target with { Hostname = $"other-{i}", InstanceId = $"i-b{i}", AvailabilityZone = "us-east-1b" },
        }), new DiffOptions());
        result.Divergences.ShouldBeEmpty();
    }

    [Fact]
    public void Ignore_globs_drop_keys_before_comparison()
    {
        var a = TestFleet.Side(5);
        var b = TestFleet.Side(5, (_, s) => s.WithPackage("p07", "2.0").WithUnitState("u01.service", "failed"));
        var result = DiffEngine.Compare(a, b, new DiffOptions { Ignore = ["package/**"] });
        result.Divergences.Select(d => d.Key).ShouldBe(["unit/u01.service/activeState"]);
        DiffEngine.Compare(TestFleet.Side(5), TestFleet.Side(5, (_, s) => s.WithUnitState("u01.service", "failed")),
            new DiffOptions { Ignore = ["unit/*/activeState"] }).Identical.ShouldBeTrue();
    }

    [Fact]
    public void Small_mixed_side_with_a_value_the_other_never_shows_is_partial_but_chance_level_mix_is_noise()
    {
        // 1 of 3 nodes failed where no node of A did: too few for a test, but a value A never has on a third of B.
        var a = TestFleet.Side(3);
        var b = TestFleet.Side(3, (i, s) => i == 0 ? s.WithUnitState("u02.service", "failed") : s);
        DiffEngine.Compare(a, b, new DiffOptions()).Divergences.Single().Class.ShouldBe(DivergenceClass.Partial);

        // Both sides mixed, 3 vs 2 of 10: chance.
        var c = TestFleet.Side(10, (i, s) => i < 3 ? s.WithPackage("p01", "1.1") : s);
        var d = TestFleet.Side(10, (i, s) => i < 2 ? s.WithPackage("p01", "1.1") : s);
        DiffEngine.Compare(c, d, new DiffOptions()).Divergences.Single().Class.ShouldBe(DivergenceClass.Noise);
    }

    [Fact]
    public void Each_side_is_enumerated_once_and_memory_does_not_grow_with_nodes()
    {
        var enumerations = 0;
        IEnumerable<Core.Model.Snapshot> Counted(int n)
        {
            enumerations++;
            foreach (var s in TestFleet.Side(n)) yield return s;
        }
        var small = DiffEngine.Accumulate("s", Counted(10).Select(s => FactFlattener.FlattenAll(s, new GlobMatcher([]))));
        var large = DiffEngine.Accumulate("l", Counted(500).Select(s => FactFlattener.FlattenAll(s, new GlobMatcher([]))));
        enumerations.ShouldBe(2);
        large.Nodes.ShouldBe(500);
        large.Values.Sum(v => v.Value.Count).ShouldBe(small.Values.Sum(v => v.Value.Count));
    }

    [Theory]
    [InlineData(3.841459, 1, 0.05)]
    [InlineData(6.634897, 1, 0.01)]
    [InlineData(7.814728, 3, 0.05)]
    [InlineData(0.0, 2, 1.0)]
    public void Chi_square_upper_tail_matches_tables(double chi, int df, double p) =>
        ChiSquare.UpperRegularizedGamma(df / 2.0, chi / 2.0).ShouldBe(p, 1e-4);
}
