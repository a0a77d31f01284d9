using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

// Inside the namespace: Shouldly brings a global 'DiffEngine' namespace that would otherwise win.
using AmiAudit.Core.Diff;

public class IncidentDiffTests
{
    private static DiffResult Diff(IEnumerable<Snapshot> a, IEnumerable<Snapshot> b, string nameA = "zone-a", string nameB = "zone-b") =>
        DiffEngine.Compare(a, b, new DiffOptions { NameA = nameA, NameB = nameB });

    private static DiffResult Incident() => Diff(IncidentFleet.Zone('a'), IncidentFleet.Zone('b'));

    [Fact]
    public void Zone_b_chain_walks_from_ecs_to_the_bootstrap_failure_to_the_kubelet_url()
    {
        var chain = Incident().Chains.Single(c => c.Side == "zone-b");
        chain.Direction.ShouldBe("upstream");
        chain.Links.Select(l => l.Fact).ShouldBe(["unit/ecs.service/activeState", "unit/bootstrap.service/activeState", "bootstrap/url/kubelet"]);

        var ecs = chain.Links[0];
        ecs.Statement.ShouldBe("ecs.service never started");
        (ecs.A, ecs.B).ShouldBe(("active", "inactive"));
        ecs.Relation.ShouldBeNull();

        var bootstrap = chain.Links[1];
        bootstrap.Statement.ShouldBe("bootstrap.service failed (exit 1, \"metric push failed\")");
        (bootstrap.A, bootstrap.B).ShouldBe(("active", "failed"));
        bootstrap.Relation!.ShouldContain("ecs.service: Requires=bootstrap.service, After=bootstrap.service (/lib/systemd/system/ecs.service)");
        bootstrap.Relation!.ShouldContain("runs /usr/local/bin/node-bootstrap.sh, which starts ecs.service");
        bootstrap.Heuristic.ShouldBeFalse();

        var url = chain.Links[2];
        // Read from zone-b: its host first.
        url.Statement.ShouldBe("kubelet downloaded from a different URL (host amazon-eks.s3.amazonaws.com vs host amazon-eks.s3.us-west-2.amazonaws.com)");
        (url.A, url.B).ShouldBe((IncidentFleet.KubeletUrlA, IncidentFleet.KubeletUrlB));
        url.Relation.ShouldBe("bootstrap.service runs /usr/local/bin/node-bootstrap.sh, which downloads kubelet from this URL (line 5)");
        url.Evidence.ShouldContain("in /usr/local/bin/node-bootstrap.sh:5");
        url.AlsoDiffers.ShouldContain("script//usr/local/bin/node-bootstrap.sh/sha256");

        chain.Summary.ShouldBe("ecs.service never started \u2190 bootstrap.service failed (exit 1, \"metric push failed\") \u2190 " + url.Statement);
    }

    [Fact]
    public void Zone_a_chain_follows_the_agent_loop_to_memcgs_cpu_and_ena_marked_as_known_mechanism()
    {
        var chain = Incident().Chains.Single(c => c.Side == "zone-a");
        chain.Direction.ShouldBe("downstream");
        chain.Links.Select(l => l.Fact).ShouldBe(
            ["unit/ecs.service/activeState", "container/ecs-agent/restartRate", "probe/memcg/dying", "probe/cpu/saturated", "probe/ena/eth0/resets"]);
        chain.Links.Select(l => l.Statement).ShouldBe(
        [
            "ecs.service active 9 d",
            "ecs-agent recreated 8,640\u00d7/24 h",
            "68,440 dying memcgs",
            "CPU 39 saturated 7 s/10 s (kubelet 92 %)",
            "12 ENA resets (eth0)",
        ]);
        chain.Links[1].Relation.ShouldBe("ecs-agent is created by ecs.service (container OwnerUnit)");
        chain.Links[1].Heuristic.ShouldBeFalse();
        chain.Links[1].Evidence.ShouldContain("restarts/h 360");
        foreach (var link in chain.Links.Skip(2))
        {
            link.Heuristic.ShouldBeTrue();
            link.Relation!.ShouldStartWith("known mechanism (heuristic)");
        }
        chain.Links[2].Evidence.ShouldBe("zone-a: >=20000, tracked 68,680, live 240, dying 68,440; zone-b: <1000, tracked 409–427, live 240, dying 169–187");
        (chain.Links[4].A, chain.Links[4].B).ShouldBe(("10-100", "0"));
    }

    [Fact]
    public void Nothing_is_left_unexplained_in_the_incident_and_the_top_divergences_are_the_chain()
    {
        var result = Incident();
        result.Unexplained.ShouldBeEmpty();
        result.Chains.Count.ShouldBe(2);
        result.Divergences.ShouldAllBe(d => d.Class == DivergenceClass.Consistent);
        result.Divergences.Take(3).Select(d => d.Kind).ShouldAllBe(k => k == "probe");
        result.Divergences.Select(d => d.Key).ShouldNotContain(k => k.StartsWith("target/") || k.Contains("hostname", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Mirrored_incident_tells_the_same_story_with_sides_swapped()
    {
        var ab = Incident();
        var ba = Diff(IncidentFleet.Zone('b'), IncidentFleet.Zone('a'), "zone-b", "zone-a");
        ba.Chains.Select(c => (c.Side, c.Direction, c.Summary)).ShouldBe(ab.Chains.Select(c => (c.Side, c.Direction, c.Summary)));
        ba.Divergences.Select(d => (d.Key, d.Class, d.Score)).ShouldBe(ab.Divergences.Select(d => (d.Key, d.Class, d.Score)));
    }

    [Fact]
    public void A_bootstrap_failure_with_no_downstream_difference_claims_no_chain()
    {
        // zone-b's bootstrap fails, but ecs is not held back by it (it starts anyway in both zones) and no
        // input of the script differs: the failure is reported, unexplained, and nothing is blamed on it.
        var a = Enumerable.Range(1, 3).Select(i => SameInputs(IncidentFleet.Node('a', i, bootstrapFails: false, agentLoops: false)));
        var b = Enumerable.Range(1, 3).Select(i => SameInputs(IncidentFleet.Node('b', i, bootstrapFails: false, agentLoops: false)) is var s
            ? s with { Systemd = s.Systemd with { Units = [.. s.Systemd.Units.Select(u => u.Name == "bootstrap.service" ? u with { ActiveState = "failed", Result = "exit-code", ExecMainStatus = 1 } : u)] } }
            : null!);
        var result = Diff(a, b);
        result.Divergences.Select(d => d.Key).ShouldContain("unit/bootstrap.service/activeState");
        result.Divergences.Select(d => d.Key).ShouldNotContain("unit/ecs.service/activeState");
        result.Chains.ShouldBeEmpty();
        result.Unexplained.ShouldBe(["unit/bootstrap.service/activeState"]);
    }

    [Fact]
    public void A_crash_looping_agent_with_normal_probes_is_not_blamed_for_anything()
    {
        // Same as the incident, but zone-a's probes read normal: the loop is a divergence, the mechanism is not claimed.
        var a = Enumerable.Range(1, 3).Select(i => IncidentFleet.Node('a', i, sick: false));
        var result = Diff(a, IncidentFleet.Zone('b'));
        result.Divergences.Select(d => d.Key).ShouldNotContain(k => k.StartsWith("probe/"));
        var downstream = result.Chains.Single(c => c.Direction == "downstream");
        downstream.Links.Select(l => l.Fact).ShouldBe(["unit/ecs.service/activeState", "container/ecs-agent/restartRate"]);
        result.Chains.SelectMany(c => c.Links).ShouldAllBe(l => !l.Heuristic);
    }

    [Fact]
    public void Probes_that_are_sick_on_both_sides_are_not_linked_to_one_side_s_agent_loop()
    {
        var b = Enumerable.Range(1, 3).Select(i => IncidentFleet.Node('b', i, sick: true));
        var result = Diff(IncidentFleet.Zone('a'), b);
        result.Chains.SelectMany(c => c.Links).ShouldAllBe(l => !l.Heuristic);
    }

    /// <summary>Both zones download kubelet from the same URL with the same script.</summary>
    private static Snapshot SameInputs(Snapshot s) => s with
    {
        Bootstrap = s.Bootstrap with
        {
            Urls = [.. s.Bootstrap.Urls.Select(u => u.Purpose == "kubelet" ? u with { Normalized = IncidentFleet.KubeletUrlA } : u)],
            Scripts = [.. s.Bootstrap.Scripts.Select(x => x with { Sha256 = "same", Size = 1 })],
        },
    };
}
