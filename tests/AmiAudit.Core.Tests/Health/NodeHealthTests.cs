using System.Runtime.CompilerServices;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Health;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;

namespace AmiAudit.Core.Tests.Health;

public class NodeHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);

    private static Snapshot Sick() => new()
    {
        Target = new TargetInfo { Kind = "live", CollectedAt = Now },
        Probes = new ProbeFacts
        {
            Memcg = new MemcgProbe { Status = "critical", CgroupVersion = "v1", Tracked = 68680, Live = 240, Dying = 68440 },
            Cpu = new CpuProbe
            {
                Status = "problem", WindowSeconds = 10, Samples = 11,
                Cores =
                [
                    new CoreReading { Cpu = 0, Usr = 5, Sys = 3, Idle = 92 },
                    new CoreReading { Cpu = 39, Sys = 100, SaturatedSeconds = 7, Hot = true, TopProcesses = [new ProcessShare { Pid = 1234, Comm = "kubelet", Percent = 92 }] },
                ],
            },
            Ena = new EnaProbe
            {
                Status = "problem", KernelLogSpanSeconds = 86400,
                Interfaces = [new EnaInterface { Name = "eth0", Resets = 12, TxTimeouts = 12, Reasons = ["TX q 5 paused", "napi not scheduled"] }],
            },
        },
        Systemd = new SystemdFacts
        {
            Units = [new UnitFact { Name = "ecs.service", ActiveState = "active", SubState = "running", ActiveEnterTimestamp = Now.AddDays(-9), RestartsPerHour = 0 }],
        },
        Containers = [new ContainerFact { Name = "ecs-agent", RestartsPerHour = 360, RecreatesInWindow = 8640, RestartCount = 0, OwnerUnit = "ecs.service" }],
    };

    [Fact]
    public void Verdicts_read_like_the_issue()
    {
        var v = NodeHealth.Verdicts(Sick());
        v.ShouldBe([
            "memcg: 68,440 dying memory cgroups (kernel tracks 68,680, 240 live, cgroup v1) — critical",
            "cpu: CPU 39 at 100 % system for 7 s of 10; top on that core: kubelet 92 % — problem",
            "ena: 12 resets on eth0 (TX q 5 paused, napi not scheduled) in 24 h — problem",
            "containers: ecs-agent recreated 8,640 times, restarting 360/h (RestartCount 0; ecs.service active 9 d) — problem",
        ]);
    }

    [Fact]
    public void A_container_created_once_and_restarting_in_place_is_not_called_recreated()
    {
        // Seen on a real dockerd: `docker run --restart always … /bin/false` gives one create event and
        // a rising RestartCount; "recreated 1 times" was wrong twice over.
        var s = Sick() with
        {
            Probes = null,
            Containers = [new ContainerFact { Name = "ecs-agent", RestartsPerHour = 6, RecreatesInWindow = 1, RestartCount = 6 }],
        };
        NodeHealth.Verdicts(s).ShouldBe(["containers: ecs-agent restarting 6/h (RestartCount 6) — problem"]);
    }

    [Fact]
    public void Score_adds_the_documented_weights_with_caps()
    {
        var s = NodeHealth.Score(Sick(), [
            new Finding { RuleId = "A", Severity = Severity.Critical, Status = FindingStatus.Fail },
            new Finding { RuleId = "B", Severity = Severity.Medium, Status = FindingStatus.Fail },
            new Finding { RuleId = "C", Severity = Severity.Critical, Status = FindingStatus.Pass },
        ]);
        // memcg critical 30, ENA 12 resets × 5 capped at 25, CPU 7 s of 10 (≥ half) 10, one crash loop 10, findings 10 + 2.
        s.Penalties.Select(p => (p.Component, p.Points)).ShouldBe([("memcg", 30), ("ena", 25), ("cpu", 10), ("crash-loops", 10), ("findings", 12)]);
        s.Score.ShouldBe(100 - 87);
    }

    [Fact]
    public void Healthy_node_scores_100_and_says_ok()
    {
        var healthy = new Snapshot
        {
            Probes = new ProbeFacts
            {
                Memcg = new MemcgProbe { Status = "ok", CgroupVersion = "v2", Tracked = 250, Live = 240, Dying = 10 },
                Cpu = new CpuProbe { Status = "ok", WindowSeconds = 10, Cores = [new CoreReading { Cpu = 0, Idle = 90 }, new CoreReading { Cpu = 1, Idle = 95 }] },
                Ena = new EnaProbe { Status = "not-applicable", Detail = "no interface uses the ena driver" },
            },
        };
        NodeHealth.Score(healthy).Score.ShouldBe(100);
        NodeHealth.Verdicts(healthy).ShouldBe([
            "memcg: 10 dying memory cgroups (kernel tracks 250, 240 live, cgroup v2) — ok",
            "cpu: no core saturated over 10 s (2 cores) — ok",
            "ena: not-applicable (no interface uses the ena driver)",
        ]);
    }

    [Theory]
    [InlineData(999, 1, "ok")]
    [InlineData(1000, 100, "problem")]
    [InlineData(1000, 101, "ok")]
    [InlineData(5000, 100, "critical")]
    [InlineData(20000, 10000, "critical")]
    [InlineData(68440, 240, "critical")]
    public void Memcg_thresholds(long dying, long live, string status) => MemcgThresholds.Classify(dying, live).ShouldBe(status);

    [Fact]
    public void Node_health_policy_loads_and_its_examples_pass()
    {
        var path = Path.Combine(RepoRoot(), "policies", "node-health.yaml");
        var result = PolicyLoader.Load([new PolicySource(path, File.ReadAllText(path))]);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        var tests = PolicySelfTest.Run(result.Policies);
        tests.Count.ShouldBeGreaterThanOrEqualTo(12);
        tests.Where(t => !t.Ok).Select(t => $"{t.RuleId}#{t.ExampleIndex}: {t.Message}").ShouldBeEmpty();
    }

    private static string RepoRoot([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
