using AmiAudit.Collectors.Probes.Ena;

namespace AmiAudit.Collectors.Tests.Probes;

public class EnaMessageParserTests
{
    private static EnaEvent? P(string line) => EnaMessageParser.Parse(KernelLogPrefix.Strip(line));

    [Theory]
    // TX watchdog, three driver generations + upstream
    [InlineData("ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1", EnaEventKind.TxPaused, 5)]
    [InlineData("ena 0000:00:05.0 eth0: TX q 3 is paused for too long (threshold 5000000). Time since last napi 5412000 usec. napi scheduled: 1. msecs since last interrupt: 5408", EnaEventKind.TxPaused, 3)]
    [InlineData("ena 0000:00:05.0 ens5: TX q 7 is paused for too long (threshold 5000000). usecs since napi 7003000. napi scheduled: 1. napi CPU: 7. msecs since interrupt: 7001", EnaEventKind.TxPaused, 7)]
    [InlineData("ena 0000:00:05.0 eth0: Transmit time out", EnaEventKind.TransmitTimeout, null)]
    [InlineData("ena 0000:00:05.0 eth0: TX timeout on invalid queue 9", EnaEventKind.TxTimeoutInvalidQueue, 9)]
    [InlineData("ena 0000:20:03.0 eth0: napi handler hasn't been called for a long time but is scheduled", EnaEventKind.NapiStarved, null)]
    // missing TX completions: per packet (all versions) and threshold lines
    [InlineData("ena 0000:00:05.0 eth0: Found a Tx that wasn't completed on time, qid 4, index 12.", EnaEventKind.MissingTxPacket, 4)]
    [InlineData("ena 0000:00:05.0 eth0: Found a Tx that wasn't completed on time, qid 4, index 12. 5100 usecs have passed since last napi execution. Missing Tx timeout value 5000 msecs", EnaEventKind.MissingTxPacket, 4)]
    [InlineData("ena 0000:00:05.0 eth0: TX hasn't completed, qid 2, index 17. 5000 usecs from last napi execution, napi scheduled: 0", EnaEventKind.MissingTxPacket, 2)]
    [InlineData("ena 0000:00:05.0 eth0: TX hasn't completed, qid 2, index 17. 5120 msecs since last interrupt, 5124 msecs since last napi execution, napi scheduled: 1", EnaEventKind.MissingTxPacket, 2)]
    [InlineData("ena 0000:00:05.0 ens5: TX hasn't completed, qid: 7, index: 88, 5100 msecs since interrupt, 5104 msecs since napi, napi scheduled: 1", EnaEventKind.MissingTxPacket, 7)]
    [InlineData("ena 0000:00:05.0 eth0: The number of lost tx completions is above the threshold (129 > 128). Reset the device", EnaEventKind.MissingTxThreshold, null)]
    [InlineData("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000.", EnaEventKind.MissingTxThreshold, null)]
    [InlineData("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution.", EnaEventKind.MissingTxThreshold, null)]
    [InlineData("ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution. qid 6.", EnaEventKind.MissingTxThreshold, 6)]
    [InlineData("ena 0000:00:05.0 ens5: [1/2] Lost TX completions are above threshold (130 > 128), completion timeout: 5000 (msec), 10200 msecs since interrupt, 10204 msecs since napi, qid: 7", EnaEventKind.MissingTxThreshold, 7)]
    [InlineData("ena 0000:00:05.0 eth0: No completion descriptors found in CQ 2", EnaEventKind.NoCompletionDescriptors, 2)]
    [InlineData("ena 0000:00:05.0 eth0: Completion descriptors found in CQ 2", EnaEventKind.CompletionDescriptorsFound, 2)]
    // keep-alive, interrupts, admin queue
    [InlineData("ena 0000:00:05.0 eth0: Keep alive watchdog timeout.", EnaEventKind.KeepAliveTimeout, null)]
    [InlineData("ena 0000:00:05.0 eth0: Keep alive watchdog timeout, 6012 msecs since last keep alive.", EnaEventKind.KeepAliveTimeout, null)]
    [InlineData("ena 0000:00:05.0 eth0: Potential MSIX issue on Tx side Queue = 3. Reset the device", EnaEventKind.MsixIssue, 3)]
    [InlineData("ena 0000:00:05.0 eth0: ENA admin queue is not in running state!", EnaEventKind.AdminQueueDown, null)]
    [InlineData("ena 0000:00:05.0 ens5: The ena device didn't send a completion for the admin cmd 11 status 0", EnaEventKind.AdminQueueError, null)]
    [InlineData("ena 0000:00:05.0: The ena device sent a completion but the driver didn't receive a MSI-X interrupt (cmd 3), autopolling mode is off", EnaEventKind.AdminQueueError, null)]
    [InlineData("ena 0000:00:05.0: Reg read timeout occurred", EnaEventKind.AdminQueueError, null)]
    // reset machinery
    [InlineData("ena 0000:00:05.0 eth0: FW isn't responsive, skipping reset routine", EnaEventKind.FwUnresponsive, null)]
    [InlineData("ena 0000:20:03.0 eth0: Trigger reset is on", EnaEventKind.TriggerReset, null)]
    [InlineData("ena 0000:00:05.0 eth0: Resetting the device", EnaEventKind.Resetting, null)]
    [InlineData("ena 0000:00:05.0 eth0: Device reset failed", EnaEventKind.ResetFailed, null)]
    [InlineData("ena 0000:00:05.0: Reset attempt failed. Can not reset the device", EnaEventKind.ResetFailed, null)]
    [InlineData("ena 0000:00:05.0: Restore attempt failed.", EnaEventKind.ResetFailed, null)]
    [InlineData("ena 0000:00:05.0 ens5: The device has detected an unhealthy state, reset is requested", EnaEventKind.DeviceRequestedReset, null)]
    [InlineData("ena 0000:00:05.0 eth0 (unregistered): Trigger reset is on", EnaEventKind.TriggerReset, null)]
    // netdev watchdog, three shapes
    [InlineData("NETDEV WATCHDOG: eth0 (ena): transmit queue 5 timed out", EnaEventKind.NetdevWatchdog, 5)]
    [InlineData("NETDEV WATCHDOG: eth0 (ena): transmit queue 5 timed out 5120 ms", EnaEventKind.NetdevWatchdog, 5)]
    [InlineData("ena 0000:20:03.0 eth0: NETDEV WATCHDOG: CPU: 5: transmit queue 5 timed out 5120 ms", EnaEventKind.NetdevWatchdog, 5)]
    public void Every_format_is_recognised(string line, EnaEventKind kind, int? queue)
    {
        var e = P(line).ShouldNotBeNull();
        e.Kind.ShouldBe(kind);
        e.Queue.ShouldBe(queue);
    }

    [Theory]
    [InlineData("ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g", 0, "2.11.0g")]
    [InlineData("ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g\\x0a", 0, "2.11.0g")]
    [InlineData("ena 0000:00:05.0: Device reset completed, status: 0, Driver info: Elastic Network Adapter (ENA) v2.14.1g", 0, "2.14.1g")]
    [InlineData("ena 0000:00:05.0: Device reset completed, status: -110, Driver info: Elastic Network Adapter (ENA) v2.15.0g", -110, "2.15.0g")]
    [InlineData("ena 0000:00:05.0: Device reset completed successfully", 0, null)]
    public void Reset_completion_in_its_three_forms_has_no_interface_but_a_bdf(string line, int status, string? version)
    {
        var e = EnaMessageParser.Parse(KernelLogPrefix.Strip(Kmsg.Unescape(line))).ShouldNotBeNull();
        e.Kind.ShouldBe(EnaEventKind.ResetCompleted);
        e.Status.ShouldBe(status);
        e.DriverVersion.ShouldBe(version);
        e.Interface.ShouldBeNull();
        e.Bdf.ShouldNotBeNull().ShouldStartWith("0000:");
    }

    [Theory]
    [InlineData("mlx5_core 0000:3b:00.0 eth1: TX timeout on queue: 3")]
    [InlineData("ena 0000:00:05.0 eth0: Trigger refill for ring 3")]
    [InlineData("ena 0000:20:03.0: ENA device version: 0.10")]
    [InlineData("NETDEV WATCHDOG: eth1 (mlx5_core): transmit queue 2 timed out")]
    [InlineData("e1000 0000:00:03.0 eth0: Reset adapter")]
    public void Negative_cases_are_not_events(string line) => P(line).ShouldBeNull();

    [Theory]
    [InlineData("ena 0000:00:05.0 eth0: queue_0_tx_missed_tx: 0")]
    [InlineData("ena 0000:20:03.0 eth0: total_resets: 1")]
    public void Stats_dump_lines_are_counters_not_events(string line) => P(line).ShouldNotBeNull().Kind.ShouldBe(EnaEventKind.StatsCounter);

    [Fact]
    public void Every_prefix_shape_of_corpus_7_2_yields_the_same_event()
    {
        // Lines 9–22 of the corpus are one body under every dmesg/journal/syslog/kmsg prefix.
        var lines = File.ReadAllLines(ProbeFixtures.Path_("ena/corpus-7.2.txt")).Skip(8).Take(14).ToList();
        lines.Count.ShouldBe(14);
        foreach (var line in lines)
        {
            var parsed = line.StartsWith('{') ? KernelLogReader.ParseJournalJson(line).ShouldNotBeNull() : KernelLogPrefix.Strip(line);
            parsed.Message.ShouldStartWith("ena 0000:20:03.0", customMessage: line);
            var e = EnaMessageParser.Parse(parsed).ShouldNotBeNull(line);
            e.Bdf.ShouldBe("0000:20:03.0");
            e.Kind.ShouldBeOneOf(EnaEventKind.TriggerReset, EnaEventKind.ResetCompleted);
        }
    }

    [Theory]
    [InlineData("[ 8123.456789] ena 0000:20:03.0 eth0: Trigger reset is on", 8123.456789, LogTimeKind.Monotonic)]
    [InlineData("6,2841,8123456789,-;ena 0000:20:03.0 eth0: Trigger reset is on", 8123.456789, LogTimeKind.Monotonic)]
    [InlineData("2026-03-03T12:00:01,123456+00:00 ena 0000:20:03.0 eth0: Trigger reset is on", 1772539201.123, LogTimeKind.Wall)]
    [InlineData("[Tue Mar  3 12:00:01 2026] ena 0000:20:03.0 eth0: Trigger reset is on", 1772539201.0, LogTimeKind.Wall)]
    [InlineData("Mar  3 12:00:01 ip-10-1-2-3 kernel: [ 8123.456789] ena 0000:20:03.0 eth0: Trigger reset is on", null, LogTimeKind.WallNoYear)]
    [InlineData("Www Mar  3 12:00:01 2026 kern.crit kernel: ena 0000:20:03.0 eth0: Trigger reset is on", 1772539201.0, LogTimeKind.Wall)]
    public void Timestamps_are_read_from_the_outermost_prefix(string line, double? seconds, LogTimeKind kind)
    {
        var l = KernelLogPrefix.Strip(line.Replace("Www", "Tue"));
        l.Message.ShouldBe("ena 0000:20:03.0 eth0: Trigger reset is on");
        l.TimeKind.ShouldBe(kind);
        if (seconds is { } s) l.Seconds.ShouldNotBeNull().ShouldBe(s, 0.001);
    }
}
