using System.Diagnostics;
using System.Text;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Ena;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>Recorded ethtool/journalctl output, keyed by command line.</summary>
internal sealed class RecordedRunner(Dictionary<string, string> outputs) : IProcessRunner
{
    public List<string> Calls { get; } = [];

    public ProcessResult Run(ProcessRequest request)
    {
        var key = request.FileName + " " + string.Join(' ', request.Arguments);
        Calls.Add(key);
        return outputs.TryGetValue(key, out var o)
            ? new ProcessResult { ExitCode = 0, Stdout = o }
            : new ProcessResult { StartError = "No such file or directory" };
    }
}

public class EnaReaderTests
{
    private static HostTree EnaHost(string nic = "eth0", string bdf = "0000:20:03.0", string driver = "ena") =>
        new HostTree().Write($"sys/class/net/{nic}/device/uevent", $"DRIVER={driver}\nPCI_SLOT_NAME={bdf}\n")
            .Write("sys/class/net/lo/addr_len", "6\n");

    [Fact]
    public void Pinterest_sequence_counts_one_reset_on_eth0_and_maps_the_bdf_only_completion_line()
    {
        using var host = EnaHost();
        var log = host.PathOf("dmesg.txt");
        File.WriteAllLines(log, File.ReadAllLines(ProbeFixtures.Path_("ena/corpus-7.2.txt")).Take(8).Select((l, i) => $"[ {8000 + i * 10}.000000] {l}"));
        var runner = new RecordedRunner(new() { ["ethtool -S eth0"] = ProbeFixtures.Text("ena/ethtool-eth0-2.11.txt") });

        var probe = EnaReader.Read(new HostPaths(host.Root), new EnaProbeOptions { KernelLogFile = log, Runner = runner });

        var eth0 = probe.Interfaces.ShouldHaveSingleItem();
        eth0.Name.ShouldBe("eth0");
        eth0.PciAddress.ShouldBe("0000:20:03.0");
        eth0.Resets.ShouldBe(1);
        eth0.TxTimeouts.ShouldBe(1);
        eth0.ResetFailures.ShouldBe(0);
        eth0.DriverVersion.ShouldBe("2.11.0g");
        eth0.Reasons.ShouldContain("TX q 5 paused");
        eth0.Reasons.ShouldContain("napi scheduled but not run");
        eth0.Counters["total_resets"].ShouldBe(3);
        eth0.Counters["pps_allowance_exceeded"].ShouldBe(1841);
        eth0.Counters["conntrack_allowance_available"].ShouldBe(382113);
        eth0.Counters.ShouldNotContainKey("queue_0_tx_tx_poll");
        probe.KernelLogSpanSeconds.ShouldBe(70);
        probe.Status.ShouldBe("problem");
        runner.Calls.ShouldBe(["ethtool -S eth0"]);
    }

    [Fact]
    public void Whole_corpus_replayed_without_sysfs_names_interfaces_from_the_log()
    {
        using var host = new HostTree().Dir("sys/class/net/lo");
        var probe = EnaReader.Read(new HostPaths(host.Root),
            new EnaProbeOptions { KernelLogFile = ProbeFixtures.Path_("ena/corpus-7.2.txt"), Runner = new RecordedRunner([]) });

        probe.Interfaces.Select(i => i.Name).ShouldBe(["eth0", "ens5"], ignoreOrder: true);
        var eth0 = probe.Interfaces.Single(i => i.Name == "eth0");
        // Both BDFs were first named eth0 in the log, so every completion lands on eth0. Resets are counted per episode:
        // lines 1-8 (paused → trigger → completion) are one; the lone completion of line 9 another; each of the 13
        // "Trigger reset is on" prefix variants (lines 10-22) a reset of its own (the timer prints it once per reset);
        // 23-28 (paused, keep-alive, threshold, "Resetting the device", completion) one; the -110 completion one; the
        // transmit time-out and its completion one; admin-queue + MSI-X end at "FW isn't responsive" (no reset); the
        // failed destroy/restore pair one: 2 + 13 + 1 + 1 + 1 + 1 = 19.
        eth0.Resets.ShouldBe(19);
        eth0.ImpliedResets.ShouldBe(0);
        eth0.ResetFailures.ShouldBe(2); // the -110 completion; "Device reset failed" + "Reset attempt failed" (one reset)
        eth0.TxTimeouts.ShouldBe(3); // TX q 5, TX q 3, "Transmit time out"
        eth0.MissingTxCompletions.ShouldBe(1);
        eth0.KeepAliveTimeouts.ShouldBe(1);
        eth0.NetdevWatchdogs.ShouldBe(3);
        eth0.AdminQueueErrors.ShouldBe(1);
        var ens5 = probe.Interfaces.Single(i => i.Name == "ens5");
        ens5.TxTimeouts.ShouldBe(1);
        ens5.MissingTxCompletions.ShouldBe(1);
        ens5.Reasons.ShouldContain("device requested reset");
        ens5.Resets.ShouldBe(1); // paused, threshold, device request — and no reset line after them: implied
        ens5.ImpliedResets.ShouldBe(1);
        probe.Status.ShouldBe("critical");
    }

    [Fact]
    public void Non_ena_host_is_not_applicable()
    {
        using var host = EnaHost(driver: "virtio_net");
        var log = host.Write("k.txt", "[    1.0] virtio_net virtio2 eth0: renamed\n").PathOf("k.txt");
        var probe = EnaReader.Read(new HostPaths(host.Root), new EnaProbeOptions { KernelLogFile = log, Runner = new RecordedRunner([]) });
        probe.Status.ShouldBe("not-applicable");
        probe.Interfaces.ShouldBeEmpty();
    }

    [Fact]
    public void Missing_ethtool_is_said_and_log_events_still_count()
    {
        using var host = EnaHost("ens5", "0000:00:05.0");
        var log = host.Write("k.txt", "ena 0000:00:05.0: Device reset completed, status: 0, Driver info: Elastic Network Adapter (ENA) v2.14.1g\n").PathOf("k.txt");
        var probe = EnaReader.Read(new HostPaths(host.Root), new EnaProbeOptions { KernelLogFile = log, Runner = new RecordedRunner([]) });
        var ens5 = probe.Interfaces.ShouldHaveSingleItem();
        ens5.Name.ShouldBe("ens5"); // the BDF-only line mapped through sysfs
        ens5.Resets.ShouldBe(1);
        probe.Detail.ShouldNotBeNull().ShouldContain("ethtool");
    }

    [Fact]
    public void Binary_junk_and_a_10_MB_line_are_skipped_and_the_next_event_still_counts()
    {
        using var host = EnaHost();
        var log = host.PathOf("junk.log");
        using (var f = File.Create(log))
        {
            var rnd = new Random(7);
            var junk = new byte[256 * 1024];
            rnd.NextBytes(junk);
            f.Write(junk);
            f.WriteByte((byte)'\n');
            f.Write(Encoding.ASCII.GetBytes("[ 1.000000] ena 0000:20:03.0 eth0: Trigger reset is on " + new string('x', 10 * 1024 * 1024) + "\n"));
            f.Write(Encoding.ASCII.GetBytes("[ 2.000000] ena 0000:20:03.0: Device reset completed successfully\n"));
            f.Write([0, 1, 2, 0xff, 0xfe, (byte)'\n']);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var probe = EnaReader.Read(new HostPaths(host.Root), new EnaProbeOptions { KernelLogFile = log, Runner = new RecordedRunner([]) });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        probe.Interfaces.ShouldHaveSingleItem().Resets.ShouldBe(1);
        probe.Detail.ShouldNotBeNull().ShouldContain("over-long");
        allocated.ShouldBeLessThan(8L * 1024 * 1024); // the 10 MB line was never held in memory
    }

    [Fact]
    public void Journal_json_with_byte_array_message_and_auto_detection()
    {
        var msg = string.Join(',', Encoding.UTF8.GetBytes("ena 0000:20:03.0 eth0: Keep alive watchdog timeout.").Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var text = "{\"__REALTIME_TIMESTAMP\":\"1772539201000000\",\"MESSAGE\":[" + msg + "]}\n"
                   + "not json at all\n"
                   + "{\"__REALTIME_TIMESTAMP\":\"1772539261000000\",\"MESSAGE\":\"ena 0000:20:03.0: Device reset completed successfully\"}\n";
        var log = KernelLogReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test");
        log.Lines.Count.ShouldBe(2);
        EnaReader.Span(log.Lines).ShouldBe(60);
        log.Lines.Select(l => EnaMessageParser.Parse(l)!.Kind).ShouldBe([EnaEventKind.KeepAliveTimeout, EnaEventKind.ResetCompleted]);
    }

    [Fact]
    public void Unreadable_log_file_is_reported_not_thrown()
    {
        using var host = EnaHost();
        var probe = EnaReader.Read(new HostPaths(host.Root), new EnaProbeOptions { KernelLogFile = ProbeFixtures.UnreadableForRoot() ?? "/nonexistent/log", Runner = new RecordedRunner([]) });
        probe.Detail.ShouldNotBeNull().ShouldMatch("permission denied|not found");
        probe.Interfaces.ShouldHaveSingleItem().Name.ShouldBe("eth0");
    }

    [Fact]
    public void Real_dev_kmsg_is_read_without_blocking()
    {
        if (!File.Exists("/dev/kmsg")) return;
        var sw = Stopwatch.StartNew();
        var log = KernelLogReader.Read(new HostPaths("/"), null, new RecordedRunner([]));
        sw.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        if (log.Source == "/dev/kmsg") log.Lines.ShouldNotBeEmpty();
    }
}
