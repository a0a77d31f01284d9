using System.Text;
using System.Text.Json;
using AmiAudit.Collectors.Probes.Ena;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>
/// Every ENA body format of node-facts 1.3 / 7.2 (driver 1.5 … 2.17/HEAD, upstream, FreeBSD) × every prefix a
/// kernel line comes with in real logs (issue 9: none, dmesg stamps, bare and stamped "kernel: ", syslog without
/// year, ISO with "." or "," fractions with or without zone, dmesg -H, an elided stamp, journal short-* modes,
/// kmsg, journal JSON) — each combination must give the same event.
/// </summary>
public class KernelLogShapesMatrixTests
{
    /// <summary>Body, expected kind, queue, interface the line names, PCI address.</summary>
    public static readonly (string Body, EnaEventKind Kind, int? Queue, string? If, string? Bdf)[] Bodies =
    [
        ("ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1", EnaEventKind.TxPaused, 5, "eth0", "0000:20:03.0"),
        ("ena 0000:00:05.0 eth0: TX q 3 is paused for too long (threshold 5000000). Time since last napi 5412000 usec. napi scheduled: 1. msecs since last interrupt: 5408", EnaEventKind.TxPaused, 3, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: TX q 7 is paused for too long (threshold 5000000). usecs since napi 7003000. napi scheduled: 1. napi CPU: 7. msecs since interrupt: 7001", EnaEventKind.TxPaused, 7, "ens5", "0000:00:05.0"),
        ("ena 0000:20:03.0 eth0: napi handler hasn't been called for a long time but is scheduled", EnaEventKind.NapiStarved, null, "eth0", "0000:20:03.0"),
        ("ena 0000:20:03.0 eth0: Trigger reset is on", EnaEventKind.TriggerReset, null, "eth0", "0000:20:03.0"),
        ("ena 0000:20:03.0 eth0: total_resets: 1", EnaEventKind.StatsCounter, null, "eth0", "0000:20:03.0"),
        ("ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g", EnaEventKind.ResetCompleted, null, null, "0000:20:03.0"),
        ("ena 0000:00:05.0: Device reset completed, status: 0, Driver info: Elastic Network Adapter (ENA) v2.14.1g", EnaEventKind.ResetCompleted, null, null, "0000:00:05.0"),
        ("ena 0000:00:05.0: Device reset completed, status: -110, Driver info: Elastic Network Adapter (ENA) v2.15.0g", EnaEventKind.ResetCompleted, null, null, "0000:00:05.0"),
        ("ena 0000:00:05.0: Device reset completed successfully", EnaEventKind.ResetCompleted, null, null, "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Keep alive watchdog timeout.", EnaEventKind.KeepAliveTimeout, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Keep alive watchdog timeout, 6012 msecs since last keep alive.", EnaEventKind.KeepAliveTimeout, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Found a Tx that wasn't completed on time, qid 4, index 12.", EnaEventKind.MissingTxPacket, 4, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: Found a Tx that wasn't completed on time, qid 2, index 0. 5756000 usecs have passed since last napi execution. Missing Tx timeout value 5000 msecs", EnaEventKind.MissingTxPacket, 2, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: TX hasn't completed, qid 2, index 17. 5000 usecs from last napi execution, napi scheduled: 0", EnaEventKind.MissingTxPacket, 2, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: TX hasn't completed, qid 2, index 17. 5120 msecs since last interrupt, 5124 msecs since last napi execution, napi scheduled: 1", EnaEventKind.MissingTxPacket, 2, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: TX hasn't completed, qid: 7, index: 88, 5100 msecs since interrupt, 5104 msecs since napi, napi scheduled: 1", EnaEventKind.MissingTxPacket, 7, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: [1/2] 3 new missed TX completions, qid: 1, 5100 msecs since interrupt, 5104 msecs since napi, napi scheduled: 1", EnaEventKind.MissingTxPacket, 1, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: The number of lost tx completions is above the threshold (129 > 128). Reset the device", EnaEventKind.MissingTxThreshold, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000.", EnaEventKind.MissingTxThreshold, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution.", EnaEventKind.MissingTxThreshold, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution. qid 6.", EnaEventKind.MissingTxThreshold, 6, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: [1/2] Lost TX completions are above threshold (130 > 128), completion timeout: 5000 (msec), 10200 msecs since interrupt, 10204 msecs since napi, qid: 7", EnaEventKind.MissingTxThreshold, 7, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Resetting the device", EnaEventKind.Resetting, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: The device has detected an unhealthy state, reset is requested", EnaEventKind.DeviceRequestedReset, null, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Transmit time out", EnaEventKind.TransmitTimeout, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: TX timeout on invalid queue 9", EnaEventKind.TxTimeoutInvalidQueue, 9, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: ENA admin queue is not in running state!", EnaEventKind.AdminQueueDown, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 ens5: The ena device didn't send a completion for the admin cmd 11 status 0", EnaEventKind.AdminQueueError, null, "ens5", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Potential MSIX issue on Tx side Queue = 3. Reset the device", EnaEventKind.MsixIssue, 3, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: FW isn't responsive, skipping reset routine", EnaEventKind.FwUnresponsive, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Device reset failed", EnaEventKind.ResetFailed, null, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0: Reset attempt failed. Can not reset the device", EnaEventKind.ResetFailed, null, null, "0000:00:05.0"),
        ("ena 0000:00:05.0: Restore attempt failed.", EnaEventKind.ResetFailed, null, null, "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: No completion descriptors found in CQ 2", EnaEventKind.NoCompletionDescriptors, 2, "eth0", "0000:00:05.0"),
        ("ena 0000:00:05.0 eth0: Completion descriptors found in CQ 2", EnaEventKind.CompletionDescriptorsFound, 2, "eth0", "0000:00:05.0"),
        ("NETDEV WATCHDOG: eth0 (ena): transmit queue 5 timed out", EnaEventKind.NetdevWatchdog, 5, "eth0", null),
        ("NETDEV WATCHDOG: eth0 (ena): transmit queue 5 timed out 5120 ms", EnaEventKind.NetdevWatchdog, 5, "eth0", null),
        ("ena 0000:90:00.0 eth0: NETDEV WATCHDOG: CPU: 56: transmit queue 11 timed out 5340 ms", EnaEventKind.NetdevWatchdog, 11, "eth0", "0000:90:00.0"),
        ("ena 0000:00:03.0: Elastic Network Adapter (ENA) v1.1.2", EnaEventKind.DriverBanner, null, null, "0000:00:03.0"),
        // Bodies without the driver prefix: a dev_err without a netdev, a line quoted in a report, FreeBSD's "ena0: ".
        ("TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1", EnaEventKind.TxPaused, 5, null, null),
        ("Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g", EnaEventKind.ResetCompleted, null, null, null),
        ("ens5: The number of lost tx completions is above the threshold (361 > 128). Reset the device", EnaEventKind.MissingTxThreshold, null, "ens5", null),
        ("ena0: Trigger reset is on", EnaEventKind.TriggerReset, null, "ena0", null),
        ("ena: Elastic Network Adapter (ENA) v2.4.0g", EnaEventKind.DriverBanner, null, null, null),
    ];

    /// <summary>Prefix, and the time kind the line must come out with (None when the prefix carries no time).</summary>
    public static readonly (string Prefix, LogTimeKind Time)[] Prefixes =
    [
        ("", LogTimeKind.None),
        ("[  123.456789] ", LogTimeKind.Monotonic),
        ("kernel: ", LogTimeKind.None),
        ("kernel: [  123.456789] ", LogTimeKind.Monotonic),
        ("Mar  3 12:00:01 ip-10-1-2-3 kernel: ", LogTimeKind.WallNoYear),
        ("Mar 03 12:00:01 ip-10-1-2-3 kernel: [ 8123.456789] ", LogTimeKind.WallNoYear),
        ("Jul 14 14:17:50 myserver.hostname kernel: ", LogTimeKind.WallNoYear),
        ("2026-03-03T12:00:01.123456+00:00 ip-10-1-2-3 kernel: ", LogTimeKind.Wall),
        ("2026-03-03T12:00:01,123456+00:00 ", LogTimeKind.Wall),
        ("2026-03-03T12:00:01.123456 ", LogTimeKind.Wall),
        ("2026-03-03T12:00:01 ip-10-1-2-3 kernel: ", LogTimeKind.Wall),
        ("2026-03-03T12:00:01+0000 ip-10-1-2-3 kernel: ", LogTimeKind.Wall),
        ("Mar 03 12:00:01.123456 ip-10-1-2-3 kernel: ", LogTimeKind.WallNoYear),
        ("[  +0.000421] ", LogTimeKind.None),
        ("[+0.000123] ", LogTimeKind.None),
        ("[Jul14 14:17] ", LogTimeKind.None),
        ("[...]: ", LogTimeKind.None),
        ("[] ", LogTimeKind.None),
        ("[Tue Mar  3 12:00:01 2026] ", LogTimeKind.Wall),
        ("kern  :err   : [ 8123.456789] ", LogTimeKind.Monotonic),
        ("<3>[ 8123.456789] ", LogTimeKind.Monotonic),
        ("6,2841,8123456789,-;", LogTimeKind.Monotonic),
        ("Tue 2026-03-03 12:00:01 UTC ip-10-1-2-3 kernel: ", LogTimeKind.Wall),
        ("1772539201.123456 ip-10-1-2-3 kernel: ", LogTimeKind.Wall),
        ("[ 8123.456789] ip-10-1-2-3 kernel: ", LogTimeKind.Monotonic),
        ("Tue Aug 12 16:40:43 2025 kern.crit kernel: [1317557.006117] ", LogTimeKind.Wall),
        ("{json}", LogTimeKind.Wall),
    ];

    public static TheoryData<int, int> Matrix()
    {
        var data = new TheoryData<int, int>();
        for (var b = 0; b < Bodies.Length; b++)
            for (var p = 0; p < Prefixes.Length; p++)
                data.Add(b, p);
        return data;
    }

    private static KernelLogLine Line(string prefix, string body)
    {
        if (prefix != "{json}") return KernelLogPrefix.Strip(prefix + body);
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__REALTIME_TIMESTAMP"] = "1772539201123456", ["_TRANSPORT"] = "kernel", ["SYSLOG_IDENTIFIER"] = "kernel", ["MESSAGE"] = body,
        });
        return KernelLogReader.ParseJournalJson(json).ShouldNotBeNull();
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_body_under_every_prefix_is_the_same_event(int body, int prefix)
    {
        var (text, kind, queue, iface, bdf) = Bodies[body];
        var (p, time) = Prefixes[prefix];
        var line = Line(p, text);
        line.Message.ShouldBe(text, $"prefix '{p}' was not stripped cleanly");
        line.TimeKind.ShouldBe(time, p);
        var e = EnaMessageParser.Parse(line).ShouldNotBeNull($"{p}{text}");
        e.Kind.ShouldBe(kind);
        e.Queue.ShouldBe(queue);
        e.Interface.ShouldBe(iface);
        e.Bdf.ShouldBe(bdf);
    }

    [Fact]
    public void The_matrix_is_the_full_cross_product()
    {
        Matrix().Count().ShouldBe(Bodies.Length * Prefixes.Length);
        Bodies.Length.ShouldBeGreaterThan(40);
        Prefixes.Length.ShouldBeGreaterThan(25);
    }

    [Theory]
    [InlineData(0, 6596.0, 5000.0)]
    [InlineData(2, 7003.0, 5000.0)]
    [InlineData(13, 5756.0, 5000.0)]
    [InlineData(14, 5.0, null)]
    [InlineData(15, 5124.0, null)]
    [InlineData(16, 5104.0, null)]
    [InlineData(21, 9804.0, 5000.0)]
    [InlineData(22, 10204.0, 5000.0)]
    public void Napi_delay_and_threshold_are_read_with_their_units(int body, double napiMs, double? thresholdMs)
    {
        var e = EnaMessageParser.Parse(KernelLogPrefix.Strip(Bodies[body].Body)).ShouldNotBeNull();
        e.NapiDelayMs.ShouldBe(napiMs);
        e.ThresholdMs.ShouldBe(thresholdMs);
    }

    [Theory]
    [InlineData("ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g", "2.11.0g")]
    [InlineData("ena 0000:00:03.0: Elastic Network Adapter (ENA) v1.1.2", "1.1.2")]
    [InlineData("Jul 12 07:08:09 docker-linux kernel: [20045236.927756] ena: Elastic Network Adapter (ENA) v1.1.2", "1.1.2")]
    [InlineData("ENA driver: v2.17.0g (in-tree)", "2.17.0g")]
    [InlineData("ena: ena driver version 2.4.0g", "2.4.0g")]
    public void Driver_version_is_read_from_banners_and_reset_lines(string line, string version) =>
        EnaMessageParser.Parse(KernelLogPrefix.Strip(line)).ShouldNotBeNull().DriverVersion.ShouldBe(version);

    [Theory]
    [InlineData("ena 0000:20:03.0: ENA device version: 0.10")]
    [InlineData("ena: ena device version: 0.10")]
    [InlineData("ena: ena controller version: 0.0.1 implementation version 1")]
    [InlineData("mlx5_core 0000:3b:00.0 eth1: TX timeout on queue: 3")]
    [InlineData("mlx5_core 0000:3b:00.0 eth1: Resetting the device")]
    [InlineData("r8125 0000:22:04.0 eth4: NETDEV WATCHDOG: CPU: 3: transmit queue 0 timed out 5010 ms")]
    [InlineData("NETDEV WATCHDOG: eth1 (mlx5_core): transmit queue 2 timed out")]
    [InlineData("ena 0000:00:05.0 eth0: Trigger refill for ring 3")]
    [InlineData("e1000 0000:00:03.0 eth0: Reset adapter")]
    [InlineData("nfs: server 10.0.0.27 not responding, still trying")]
    [InlineData("# .... Bunch of stats excluded....")]
    public void Other_drivers_and_other_versions_are_not_ena_events(string line) =>
        EnaMessageParser.Parse(KernelLogPrefix.Strip(line)).ShouldBeNull();

    [Theory]
    [InlineData("ena 0000:00:05.0 eth0: queue_0_tx_missed_tx: 0", "queue_0_tx_missed_tx", 0)]
    [InlineData("ena 0000:00:03.0 eth0: interface_up: 18", "interface_up", 18)]
    [InlineData("ena 0000:00:03.0 eth0: wd_expired: 0", "wd_expired", 0)]
    [InlineData("eth0: reset_fail: 2", "reset_fail", 2)]
    public void Stats_dump_lines_are_counters_never_events(string line, string name, long value)
    {
        var e = EnaMessageParser.Parse(KernelLogPrefix.Strip(line)).ShouldNotBeNull();
        e.Kind.ShouldBe(EnaEventKind.StatsCounter);
        e.CounterName.ShouldBe(name);
        e.CounterValue.ShouldBe(value);
    }

    [Fact]
    public void Syslog_and_iso_stamps_land_on_the_wall_clock_in_the_node_zone_and_year()
    {
        var reference = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero);
        var utc = LogClock.Utc(reference);
        utc.Resolve(KernelLogPrefix.Strip("Mar  3 12:00:01 ip-10-1-2-3 kernel: x")).ShouldBe(new DateTimeOffset(2026, 3, 3, 12, 0, 1, TimeSpan.Zero));
        // December lines read in a January-modified file belong to the year before.
        LogClock.Utc(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero)).Resolve(KernelLogPrefix.Strip("Dec 31 23:59:59 h kernel: x"))
            .ShouldBe(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero));
        utc.Resolve(KernelLogPrefix.Strip("2026-03-03T12:00:01.5+02:00 h kernel: x")).ShouldBe(new DateTimeOffset(2026, 3, 3, 10, 0, 1, 500, TimeSpan.Zero));
        utc.Resolve(KernelLogPrefix.Strip("2026-03-03T12:00:01,123456+00:00 x")).ShouldBe(new DateTimeOffset(2026, 3, 3, 12, 0, 1, 123, TimeSpan.Zero));
        utc.Resolve(KernelLogPrefix.Strip("[ 8123.456789] x")).ShouldBeNull();
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        new LogClock(ny, reference).Resolve(KernelLogPrefix.Strip("Mar  3 12:00:01 h kernel: x")).ShouldBe(new DateTimeOffset(2026, 3, 3, 17, 0, 1, TimeSpan.Zero));
        // A zoned stamp ignores the node zone.
        new LogClock(ny, reference).Resolve(KernelLogPrefix.Strip("2026-03-03T12:00:01Z h kernel: x")).ShouldBe(new DateTimeOffset(2026, 3, 3, 12, 0, 1, TimeSpan.Zero));
    }

    [Fact]
    public void Records_a_paste_ran_together_are_split_before_each_header()
    {
        const string joined = "Mar 03 12:00:02 ip-10-1-2-3 systemd[1]: ecs.service: Failed with result 'exit-code'. Mar 03 12:00:12 ip-10-1-2-3 systemd[1]: ecs.service: Scheduled restart job, restart counter is at 7. [ 8123.456789] ena 0000:20:03.0 eth0: Trigger reset is on";
        var parts = LogLineSplitter.Split(joined).ToList();
        parts.Count.ShouldBe(3);
        parts[0].ShouldEndWith("'exit-code'.");
        parts[1].ShouldStartWith("Mar 03 12:00:12 ip-10-1-2-3 systemd[1]:");
        parts[2].ShouldBe("[ 8123.456789] ena 0000:20:03.0 eth0: Trigger reset is on");
        LogLineSplitter.Split("Mar 03 12:00:02 h systemd[1]: one record only").ShouldHaveSingleItem();
    }

    [Fact]
    public void A_message_a_report_wrapped_onto_two_lines_is_joined()
    {
        // Pinterest, "Finding zombies in our systems" (2026-04-15): the reset excerpt as published, stamps elided,
        // two messages wrapped mid-sentence and mid-word.
        const string excerpt = """
            [] ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time
            since last napi 6596000 usec. napi scheduled: 1
            [] ena 0000:20:03.0 eth0: napi handler hasn't been called for a long time but is scheduled
            # .... Bunch of stats excluded....
            [] ena 0000:20:03.0: ENA Large LLQ is disabled
            [] ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Net
            work Adapter (ENA) v2.11.0g
            """;
        var log = KernelLogReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(excerpt)), "paste");
        var events = log.Lines.Select(EnaMessageParser.Parse).OfType<EnaEvent>().ToList();
        events.Select(e => e.Kind).ShouldBe([EnaEventKind.TxPaused, EnaEventKind.NapiStarved, EnaEventKind.ResetCompleted]);
        events[0].NapiDelayMs.ShouldBe(6596);
        events[0].NapiScheduled.ShouldBe(true);
        events[2].DriverVersion.ShouldBe("2.11.0g");
    }
}
