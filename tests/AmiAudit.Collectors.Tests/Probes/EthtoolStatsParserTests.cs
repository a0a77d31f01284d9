using AmiAudit.Collectors.Probes.Ena;

namespace AmiAudit.Collectors.Tests.Probes;

public class EthtoolStatsParserTests
{
    [Fact]
    public void Corpus_7_3_keeps_resets_and_allowances()
    {
        var all = EthtoolStatsParser.Parse(ProbeFixtures.Text("ena/ethtool-eth0-2.11.txt"), keptOnly: false);
        all["queue_0_tx_tx_poll"].ShouldBe(7752390);
        all["queue_0_rx_rx_copybreak_pkt"].ShouldBe(118802);
        all.Count.ShouldBe(64);

        var kept = EthtoolStatsParser.Parse(ProbeFixtures.Text("ena/ethtool-eth0-2.11.txt"));
        kept.Keys.ShouldBe([
            "admin_q_pause", "bw_in_allowance_exceeded", "bw_out_allowance_exceeded", "conntrack_allowance_available",
            "conntrack_allowance_exceeded", "linklocal_allowance_exceeded", "missing_intr", "missing_tx_cmpl", "os_netdev_wd",
            "pps_allowance_exceeded", "reset_fail", "suspected_poll_starvation", "total_resets", "tx_timeout", "wd_expired"]);
        kept["tx_timeout"].ShouldBe(2);
        kept["linklocal_allowance_exceeded"].ShouldBe(17);
    }

    [Fact]
    public void Garbage_lines_are_ignored()
    {
        EthtoolStatsParser.Parse("NIC statistics:\n     tx_timeout: x\n  junk\n     wd_expired: 4\n\0\0").ShouldBe(
            new SortedDictionary<string, long>(StringComparer.Ordinal) { ["wd_expired"] = 4 });
    }
}
