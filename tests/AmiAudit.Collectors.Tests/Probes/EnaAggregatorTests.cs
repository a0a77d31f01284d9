using System.Text;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>Counting and attribution rules of issue 9, on excerpts shaped like the public bug reports.</summary>
public class EnaAggregatorTests
{
    private static (List<EnaInterface> Interfaces, List<EnaResetEpisode> Episodes, string? Version) Run(string log, params (string Name, string Pci)[] sysfs)
    {
        var agg = new EnaAggregator();
        foreach (var (n, p) in sysfs) agg.AddInterface(n, p);
        foreach (var line in KernelLogReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(log)), "t").Lines)
            if (EnaMessageParser.Parse(line) is { } e) agg.Add(e);
        return agg.Build();
    }

    [Fact]
    public void Pinterest_sequence_is_one_explicit_reset_with_its_counters_and_version()
    {
        var (ifs, episodes, version) = Run(string.Join('\n', File.ReadAllLines(ProbeFixtures.Path_("ena/corpus-7.2.txt")).Take(8)));
        var eth0 = ifs.ShouldHaveSingleItem();
        eth0.Name.ShouldBe("eth0");
        eth0.Resets.ShouldBe(1);
        eth0.ImpliedResets.ShouldBe(0);
        eth0.DriverVersion.ShouldBe("2.11.0g");
        version.ShouldBe("2.11.0g");
        eth0.ResetCounters["total_resets"].ShouldBe(1);
        eth0.ResetCounters["suspected_poll_starvation"].ShouldBe(1);
        // 6596000 usec since napi against the 5000000 usec threshold, plus the driver's own "napi handler hasn't been called".
        eth0.NapiStarvedEvents.ShouldBe(2);
        eth0.MaxNapiDelayMs.ShouldBe(6596);
        eth0.NapiStarvationRatio.ShouldBe(1.319);
        episodes.ShouldHaveSingleItem().Cause.ShouldBe("TX queue paused");
    }

    [Fact]
    public void A_threshold_crossing_with_no_reset_line_after_it_is_an_implied_reset()
    {
        // amzn-drivers#220 (2022): the excerpt ends at the threshold line; the instance froze after it.
        const string log = """
            [1371895.517318] ena 0000:00:05.0 ens5: Found a Tx that wasn't completed on time, qid 2, index 0. 5756000 usecs have passed since last napi execution. Missing Tx timeout value 5000 msecs
            ... [several repeat of above message with same qid, but different index'es and increased number of usecs ... until device reset]
            [1371911.325136] ena 0000:00:05.0 ens5: Found a Tx that wasn't completed on time, qid 2, index 1023. 21560000 usecs have passed since last napi execution. Missing Tx timeout value 5000 msecs
            [1371911.339996] ena 0000:00:05.0 ens5: The number of lost tx completions is above the threshold (1019 > 128).
            """;
        var (ifs, episodes, _) = Run(log);
        var ens5 = ifs.ShouldHaveSingleItem();
        ens5.Resets.ShouldBe(1);
        ens5.ImpliedResets.ShouldBe(1);
        ens5.MissingTxCompletions.ShouldBe(1);
        ens5.MissedTxByQueue.ShouldBe(new SortedDictionary<string, long> { ["2"] = 2 });
        ens5.MaxNapiDelayMs.ShouldBe(21560);
        ens5.NapiStarvationRatio.ShouldBe(4.312);
        episodes.ShouldHaveSingleItem().Implied.ShouldBeTrue();
    }

    [Fact]
    public void Two_threshold_crossings_without_reset_lines_are_two_implied_resets_and_the_2_9_sequence_is_one()
    {
        const string twice = """
            ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution.
            ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (140 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution.
            """;
        Run(twice).Interfaces.Single().ShouldSatisfyAllConditions(i => i.Resets.ShouldBe(2), i => i.ImpliedResets.ShouldBe(2));

        // 2.9–2.15: threshold, "Resetting the device", "Trigger reset is on", stats, completion — one reset, not implied.
        const string sequence = """
            ena 0000:00:05.0 eth0: TX hasn't completed, qid 2, index 17. 5120 msecs since last interrupt, 5124 msecs since last napi execution, napi scheduled: 1
            ena 0000:00:05.0 eth0: Lost TX completions are above the threshold (129 > 128). Completion transmission timeout: 5000 (msec). 9800 msecs since last interrupt, 9804 msecs since last napi execution.
            ena 0000:00:05.0 eth0: Resetting the device
            ena 0000:00:05.0 eth0: Trigger reset is on
            ena 0000:00:05.0 eth0: wd_expired: 0
            ena 0000:00:05.0 eth0: interface_up: 18
            ena 0000:00:05.0 eth0: interface_down: 17
            ena 0000:00:05.0 eth0: reset_fail: 0
            ena 0000:00:05.0 eth0: queue_0_tx_missed_tx: 131
            ena 0000:00:05.0: Device reset completed, status: 0, Driver info: Elastic Network Adapter (ENA) v2.14.1g
            """;
        var eth0 = Run(sequence).Interfaces.Single();
        eth0.Resets.ShouldBe(1);
        eth0.ImpliedResets.ShouldBe(0);
        eth0.ResetFailures.ShouldBe(0);
        eth0.ResetCounters.ShouldBe(new SortedDictionary<string, long> { ["interface_down"] = 17, ["interface_up"] = 18, ["reset_fail"] = 0, ["wd_expired"] = 0 });
        eth0.MissedTxByQueue["2"].ShouldBe(1);
        eth0.DriverVersion.ShouldBe("2.14.1g");
    }

    [Fact]
    public void A_failed_completion_and_a_skipped_reset_routine_count_as_what_they_are()
    {
        const string log = """
            ena 0000:00:05.0 eth0: Keep alive watchdog timeout, 6012 msecs since last keep alive.
            ena 0000:00:05.0 eth0: Trigger reset is on
            ena 0000:00:05.0 eth0: Device reset failed
            ena 0000:00:05.0: Reset attempt failed. Can not reset the device
            ena 0000:00:05.0 eth0: Keep alive watchdog timeout, 6012 msecs since last keep alive.
            ena 0000:00:05.0 eth0: FW isn't responsive, skipping reset routine
            """;
        var eth0 = Run(log).Interfaces.Single();
        eth0.Resets.ShouldBe(1);        // the second timeout's reset was skipped
        eth0.ResetFailures.ShouldBe(1); // two failure lines, one failed reset
        eth0.ImpliedResets.ShouldBe(0);
        eth0.KeepAliveTimeouts.ShouldBe(2);
    }

    [Fact]
    public void Lines_without_an_interface_go_to_the_one_named_in_the_body_then_the_nearest_preceding_then_the_only_one()
    {
        const string log = """
            Jul 14 14:17:49 h kernel: ens6: The number of lost tx completions is above the threshold (300 > 128). Reset the device
            Jul 14 14:17:49 h kernel: Trigger reset is on
            Jul 14 14:17:50 h kernel: NETDEV WATCHDOG: eth0 (ena): transmit queue 1 timed out
            Jul 14 14:17:50 h kernel: TX q 1 is paused for too long (threshold 5000000). Time since last napi 100 usec. napi scheduled: 0
            Jul 14 14:17:51 h kernel: ena 0000:00:06.0: Device reset completed successfully
            """;
        var ifs = Run(log).Interfaces.ToDictionary(i => i.Name);
        ifs.Keys.Order().ShouldBe(["ens6", "eth0"]);
        ifs["ens6"].Resets.ShouldBe(1);           // the trigger follows the ens6 line
        ifs["eth0"].TxTimeouts.ShouldBe(1);       // the paused queue follows eth0's watchdog line
        ifs["eth0"].NetdevWatchdogs.ShouldBe(1);
        ifs["eth0"].Resets.ShouldBe(1);           // the completion (an address no line maps) follows eth0's lines
        ifs["eth0"].ImpliedResets.ShouldBe(0);

        // An address that belongs to another device than the preceding line's is not that interface's.
        var two = Run("ena 0000:00:05.0 eth0: Trigger reset is on\nena 0000:00:06.0: Device reset completed successfully");
        two.Interfaces.Select(i => i.Name).ShouldBe(["0000:00:06.0", "eth0"]);

        // With one ENA interface on the host (sysfs), a quoted body with no name is that interface's.
        var only = Run("Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.4.0g", ("ens5", "0000:00:05.0"));
        only.Interfaces.ShouldHaveSingleItem().ShouldSatisfyAllConditions(i => i.Name.ShouldBe("ens5"), i => i.Resets.ShouldBe(1), i => i.DriverVersion.ShouldBe("2.4.0g"));
    }

    [Fact]
    public void The_module_banner_gives_the_version_to_every_interface()
    {
        const string log = """
            Jul 12 07:08:09 docker-linux kernel: [20045236.927756] ena: Elastic Network Adapter (ENA) v1.1.2
            Jul 12 15:12:04 docker-linux kernel: [20074223.938094] ena 0000:00:03.0 eth0: Trigger reset is on
            """;
        var (ifs, _, version) = Run(log);
        version.ShouldBe("1.1.2");
        ifs.ShouldHaveSingleItem().DriverVersion.ShouldBe("1.1.2");
    }
}
