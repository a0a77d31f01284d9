using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Cpu;

namespace AmiAudit.Collectors.Tests.Probes;

public class CpuParserTests
{
    [Fact]
    public void T_CPU_02_matches_the_mpstat_arithmetic()
    {
        var (t0, e0) = ProcStatParser.Parse(ProbeFixtures.Text("cpu/stat-t0.txt"));
        var (t1, e1) = ProcStatParser.Parse(ProbeFixtures.Text("cpu/stat-t1.txt"));
        e0.ShouldBeEmpty();
        e1.ShouldBeEmpty();
        t0.Keys.ShouldBe([0, 5]); // the aggregate "cpu " line is not a core

        var cpu5 = MpstatMath.Interval(t0[5], t1[5]);
        cpu5.Sys.ShouldBe(100);
        cpu5.Soft.ShouldBe(0);
        cpu5.Idle.ShouldBe(0);
        var cpu0 = MpstatMath.Interval(t0[0], t1[0]);
        cpu0.Usr.ShouldBe(50);
        cpu0.Sys.ShouldBe(10);
        cpu0.Idle.ShouldBe(40);
    }

    [Fact]
    public void Guest_time_is_not_counted_twice_and_backwards_counters_clamp_to_zero()
    {
        // user includes guest: Δuser 60 of which Δguest 40 → %usr counts 20 of a 100-tick interval… and the interval excludes guest.
        var a = new CpuTimes(1000, 0, 100, 1000, 50, 0, 0, 0, 500, 0);
        var b = new CpuTimes(1060, 0, 120, 1020, 40 /* iowait went backwards */, 0, 0, 0, 540, 0);
        MpstatMath.PerCpuInterval(a, b).ShouldBe(90UL); // 60+20+20+(-10) — sysstat sums totals, not clamped deltas
        var p = MpstatMath.Interval(a, b);
        p.Usr.ShouldBe(20 / 90.0 * 100, 1e-9);
        p.Iowait.ShouldBe(0);
        p.Sys.ShouldBe(20 / 90.0 * 100, 1e-9);
    }

    [Fact]
    public void Tickless_cpu_is_all_idle()
    {
        var a = new CpuTimes(1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
        MpstatMath.Interval(a, a).Idle.ShouldBe(100);
    }

    [Fact]
    public void Garbled_stat_lines_are_reported_and_short_lines_read_as_zero()
    {
        var (cpus, errors) = ProcStatParser.Parse("cpu  1 2 3 4\ncpu0 10 0 5 100\ncpu1 x y z w\ncpuZ 1 2 3\ncpu2 1 2\nintr 1 2 3\n");
        cpus.Keys.ShouldBe([0]);
        cpus[0].Steal.ShouldBe(0UL);
        errors.Count.ShouldBe(2);
    }

    [Fact]
    public void T_CPU_07_pid_stat_splits_at_the_last_paren()
    {
        var lines = ProbeFixtures.Text("cpu/pid-stat.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var kubelet = TaskStatParser.Parse(lines[0]).ShouldNotBeNull();
        kubelet.Comm.ShouldBe("kubelet");
        kubelet.Utime.ShouldBe(51230UL);
        kubelet.Stime.ShouldBe(98811UL);
        kubelet.Processor.ShouldBe(5);
        var odd = TaskStatParser.Parse(lines[1]).ShouldNotBeNull();
        odd.Comm.ShouldBe("my (odd) proc");
        odd.Processor.ShouldBe(3);
        TaskStatParser.Parse("1234 (truncated) S 1 2 3").ShouldBeNull();
    }

    [Fact]
    public void T_CPU_04_softirqs_net_rx_per_cpu()
    {
        var rows = SoftirqsParser.Parse(ProbeFixtures.Text("cpu/softirqs.txt"));
        rows["NET_RX"].ShouldBe(new SortedDictionary<int, long> { [0] = 1837261, [1] = 12, [2] = 9926612, [3] = 40 });
        rows.Count.ShouldBe(10);
    }

    [Fact]
    public void T_CPU_06_interrupts_find_ena_vectors_and_their_cpu()
    {
        var rows = InterruptsParser.Parse(ProbeFixtures.Text("cpu/interrupts-old.txt"));
        rows.Where(r => r.IsEna).Select(r => r.Name).ShouldBe(["ena-mgmnt@pci:0000:00:05.0", "eth0-Tx-Rx-0", "eth0-Tx-Rx-1"]);
        rows[2].Counts[1].ShouldBe(8811021);

        using var host = new HostTree().Write("proc/interrupts", ProbeFixtures.Text("cpu/interrupts-old.txt"))
            .Write("proc/irq/28/smp_affinity_list", "0\n").Write("proc/irq/28/smp_affinity", "00000001\n")
            .Write("proc/irq/29/smp_affinity_list", "1\n")
            .Write("proc/irq/27/smp_affinity_list", "0-3\n");
        var placed = EnaIrqPlacement.Read(new HostPaths(host.Root));
        placed[0].ShouldBe(["ena-mgmnt@pci:0000:00:05.0", "eth0-Tx-Rx-0"]); // mgmnt: wide mask → where it fired (CPU0)
        placed[1].ShouldBe(["eth0-Tx-Rx-1"]);
    }

    [Fact]
    public void Modern_interrupt_rows_and_blank_action_names()
    {
        var text = "           CPU0       CPU1       CPU2       CPU3\n"
                   + " 66:        261          0          0          0  PCI-MSIX-0000:27:00.0   1-edge      enp39s0-Tx-Rx-0\n"
                   + " 67:          0          0          0          0  PCI-MSIX-0000:27:00.0   2-edge\n"
                   + "NMI:          0          0          0          0   Non-maskable interrupts\n";
        var rows = InterruptsParser.Parse(text);
        rows[0].Name.ShouldBe("enp39s0-Tx-Rx-0");
        rows[0].IsEna.ShouldBeTrue();
        rows[1].Name.ShouldBe("");
        rows[2].IsEna.ShouldBeFalse();
        rows[0].EnaOwner.ShouldBe("enp39s0");
        rows[0].EnaQueue.ShouldBe(0);
    }

    [Fact]
    public void Interrupts_copied_without_the_cpu_header_are_read_as_cpus_from_zero()
    {
        // amzn-drivers#316 pasted rows without the header line; the management vector names the device, not an interface.
        var text = " 27:       1503          0          0          0   PCI-MSI 81920-edge      ena-mgmnt@pci:0000:00:05.0\r\n"
                   + " 28:    9912233          0          0          0   PCI-MSI 81921-edge      eth0-Tx-Rx-0\n"
                   + " 29:          0    8811021          0          0   PCI-MSI 81922-edge      eth0-Tx-Rx-1\n"
                   + " 67:          0          0          0          0  PCI-MSIX-0000:27:00.0   2-edge\n";
        var rows = InterruptsParser.Parse(text);
        rows.Count.ShouldBe(4);
        rows[0].Counts.Keys.ShouldBe([0, 1, 2, 3]);
        rows[0].EnaOwner.ShouldBe("0000:00:05.0");
        rows[0].EnaQueue.ShouldBeNull();
        rows[2].Counts[1].ShouldBe(8811021);
        rows[2].EnaOwner.ShouldBe("eth0");
        rows[2].EnaQueue.ShouldBe(1);
        rows[3].Name.ShouldBe("");
        rows[3].EnaOwner.ShouldBeNull();
    }

    [Theory]
    [InlineData("0-3,8-11", new[] { 0, 1, 2, 3, 8, 9, 10, 11 })]
    [InlineData("1024-1026", new[] { 1024, 1025, 1026 })]
    [InlineData("5\n", new[] { 5 })]
    public void Cpu_lists_parse(string text, int[] expected) => CpuListParser.Parse(text).ShouldNotBeNull().ShouldBe(expected);

    [Fact]
    public void Bad_cpu_list_is_null() => CpuListParser.Parse("3-1").ShouldBeNull();
}
