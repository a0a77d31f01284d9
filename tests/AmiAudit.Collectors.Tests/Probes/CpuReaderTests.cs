using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Cpu;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>A clock that only moves when the probe "sleeps"; each sleep also advances the fixture tree.</summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

public class CpuReaderTests
{
    private static string Stat(params (int Cpu, ulong User, ulong Sys, ulong Idle, ulong Soft)[] cpus) =>
        "cpu  0 0 0 0 0 0 0 0 0 0\n" + string.Concat(cpus.Select(c => $"cpu{c.Cpu} {c.User} 0 {c.Sys} {c.Idle} 0 0 {c.Soft} 0 0 0\n")) + "intr 0\n";

    private static string TaskStat(int pid, string comm, ulong ut, ulong st, int cpu) =>
        $"{pid} ({comm}) R 1 1 1 0 -1 0 0 0 0 0 {ut} {st} 0 0 20 0 1 0 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 {cpu} 0 0 0 0 0\n";

    [Fact]
    public void Saturated_core_is_flagged_for_the_seconds_it_was_saturated_and_attributed_to_the_process()
    {
        using var host = new HostTree();
        // 4 intervals of 1 s (100 ticks). CPU 1: 3 s at 95 % sys, 1 s idle. CPU 0: 100 % user (busy, not system-saturated).
        var seq = new List<string>();
        ulong u0 = 0, s1 = 0, i1 = 0;
        seq.Add(Stat((0, u0, 0, 0, 0), (1, 0, s1, i1, 0)));
        for (var i = 0; i < 4; i++)
        {
            u0 += 100;
            if (i < 3) { s1 += 95; i1 += 5; } else i1 += 100;
            seq.Add(Stat((0, u0, 0, 0, 0), (1, 0, s1, i1, 0)));
        }
        host.Write("proc/stat", seq[0])
            .Write("proc/softirqs", "                    CPU0       CPU1\n      NET_RX:         10         20\n")
            .Write("proc/interrupts", "           CPU0       CPU1\n 28:          0        900   PCI-MSI 81921-edge      eth0-Tx-Rx-0\n")
            .Write("proc/42/task/42/stat", TaskStat(42, "kubelet", 0, 1000, 1))
            .Write("proc/42/task/43/stat", TaskStat(43, "kubelet", 0, 0, 1))
            .Write("proc/77/task/77/stat", TaskStat(77, "spin", 0, 0, 0));
        var clock = new SteppedClock(DateTimeOffset.UnixEpoch);
        var step = 0;
        var options = new CpuProbeOptions
        {
            Window = TimeSpan.FromSeconds(4),
            Clock = clock,
            Sleep = d =>
            {
                clock.Now += d;
                step++;
                host.Write("proc/stat", seq[step]);
                if (step == 4)
                {
                    host.Write("proc/42/task/42/stat", TaskStat(42, "kubelet", 0, 1000 + 240, 1));
                    host.Write("proc/42/task/43/stat", TaskStat(43, "kubelet", 10, 20, 1));
                    host.Write("proc/77/task/77/stat", TaskStat(77, "spin", 400, 0, 0));
                    host.Write("proc/99/task/99/stat", TaskStat(99, "new", 0, 8, 1)); // born mid-window
                    host.Write("proc/softirqs", "                    CPU0       CPU1\n      NET_RX:         10       5020\n");
                }
            },
        };

        var p = CpuReader.Read(new HostPaths(host.Root), options);

        p.Status.ShouldBe("problem");
        p.Samples.ShouldBe(5);
        p.WindowSeconds.ShouldBe(4);
        var cpu1 = p.Cores.Single(c => c.Cpu == 1);
        cpu1.SaturatedSeconds.ShouldBe(3);
        cpu1.Sys.ShouldBe(71.25); // 285 of 400 ticks
        cpu1.Idle.ShouldBe(28.75);
        cpu1.Hot.ShouldBeTrue();
        cpu1.TopProcesses.Select(t => (t.Comm, t.Percent)).ShouldBe([("kubelet", 67.5), ("new", 2.0)]); // (240+30)/100/4 s
        cpu1.NetRxSoftirqs.ShouldBe(5000);
        cpu1.EnaIrqs.ShouldBe(["eth0-Tx-Rx-0"]);
        var cpu0 = p.Cores.Single(c => c.Cpu == 0);
        cpu0.SaturatedSeconds.ShouldBe(0);
        cpu0.Usr.ShouldBe(100);
        cpu0.BusySeconds.ShouldBe(4);
        cpu0.Hot.ShouldBeTrue(); // busy in user time: flagged hot, but not saturated
        cpu0.TopProcesses.ShouldHaveSingleItem().Comm.ShouldBe("spin");
    }

    [Fact]
    public void Window_zero_is_a_single_read_without_percentages()
    {
        using var host = new HostTree().Write("proc/stat", ProbeFixtures.Text("cpu/stat-t0.txt"));
        var slept = false;
        var p = CpuReader.Read(new HostPaths(host.Root), new CpuProbeOptions { Window = TimeSpan.Zero, Sleep = _ => slept = true });
        slept.ShouldBeFalse();
        p.Status.ShouldBe("not-sampled");
        p.Samples.ShouldBe(1);
        p.Cores.Select(c => c.Cpu).ShouldBe([0, 5]);
        p.Cores.ShouldAllBe(c => c.SaturatedSeconds == 0 && c.TopProcesses.Count == 0);
        // Not measured is unknown, never 0 — in the model and in the JSON a pipeline reads.
        p.Cores.ShouldAllBe(c => c.Usr == null && c.Sys == null && c.Idle == null && c.Soft == null && c.Irq == null);
        var json = AmiAudit.Core.Model.SnapshotJson.Serialize(new AmiAudit.Core.Model.Snapshot { Probes = new() { Cpu = p } });
        using (var doc = System.Text.Json.JsonDocument.Parse(json))
        {
            foreach (var core in doc.RootElement.GetProperty("probes").GetProperty("cpu").GetProperty("cores").EnumerateArray())
            {
                foreach (var column in new[] { "usr", "sys", "irq", "soft", "idle", "nice", "iowait", "steal" })
                    core.TryGetProperty(column, out _).ShouldBeFalse(column);
                core.GetProperty("sinceBoot").GetProperty("sys").GetDouble().ShouldBeGreaterThan(0);
            }
        }
        // What one read can say: shares since boot, mpstat's arithmetic against zero (cpu5: 250000 sys of 11899950 ticks).
        var cpu5 = p.Cores.Single(c => c.Cpu == 5).SinceBoot.ShouldNotBeNull();
        cpu5.Sys.ShouldBe(Math.Round(250000 * 100.0 / (500000 + 100 + 250000 + 11140000 + 600 + 0 + 9000 + 250), 2));
        cpu5.Usr.ShouldBe(Math.Round(500000 * 100.0 / 11899950, 2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpu  1 2\nintr 5\n")]
    [InlineData("\0\0\0\u0001")]
    public void Garbled_or_empty_proc_stat_is_unavailable(string text)
    {
        using var host = new HostTree().Write("proc/stat", text);
        var p = CpuReader.Read(new HostPaths(host.Root), new CpuProbeOptions { Window = TimeSpan.FromSeconds(2), Sleep = _ => { } });
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Missing_proc_is_unavailable_and_says_so()
    {
        using var host = new HostTree();
        var p = CpuReader.Read(new HostPaths(host.Root), new CpuProbeOptions { Window = TimeSpan.Zero });
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldBe("proc/stat not found");
    }
}
