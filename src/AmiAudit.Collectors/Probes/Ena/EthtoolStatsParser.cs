using System.Globalization;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// `ethtool -S &lt;if&gt;` ("NIC statistics:" then "     name: value"). Names may contain doubled words
/// (queue_0_tx_tx_poll); only the global counters the probe reports are kept.
/// </summary>
public static class EthtoolStatsParser
{
    /// <summary>Global counters worth keeping: resets and their reasons, and every ENI allowance counter.</summary>
    public static bool IsKept(string name) =>
        name is "total_resets" or "reset_fail" or "tx_timeout" or "wd_expired" or "admin_q_pause" or "missing_tx_cmpl"
            or "suspected_poll_starvation" or "missing_intr" or "os_netdev_wd" or "conntrack_allowance_available"
        || name.EndsWith("_allowance_exceeded", StringComparison.Ordinal);

    public static SortedDictionary<string, long> Parse(string text, bool keptOnly = true)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.LastIndexOf(':');
            if (colon <= 0 || line.StartsWith("NIC statistics", StringComparison.Ordinal)) continue;
            var name = line[..colon].Trim();
            if (name.Length == 0 || name.Contains(' ')) continue;
            if (!long.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) continue;
            if (!keptOnly || IsKept(name)) result[name] = v;
        }
        return result;
    }
}
