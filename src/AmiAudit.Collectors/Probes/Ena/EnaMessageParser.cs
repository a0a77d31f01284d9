using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Recognises every ENA message format of node-facts 1.3 / corpus 7.2 (driver 1.5 … 2.17/HEAD and
/// the upstream driver) by stable anchors rather than whole format strings, so a changed suffix in
/// the next driver release still matches. Both prefix shapes ("ena &lt;bdf&gt; &lt;if&gt;: " from netdev_*,
/// "ena &lt;bdf&gt;: " from dev_*) are accepted. Stats-dump lines ("tx_timeout: 1") are not events.
/// </summary>
public static partial class EnaMessageParser
{
    [GeneratedRegex(@"^ena (?<bdf>[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?: (?<if>[^\s:()]+)(?: \([a-z ]+\))?)?: (?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex EnaPrefix();

    [GeneratedRegex(@"^NETDEV WATCHDOG: (?<if>\S+) \((?<drv>[^)]*)\): transmit queue (?<q>\d+) timed out", RegexOptions.CultureInvariant)]
    private static partial Regex OldWatchdog();

    [GeneratedRegex(@"^NETDEV WATCHDOG: (?:CPU: \d+: )?transmit queue (?<q>\d+) timed out", RegexOptions.CultureInvariant)]
    private static partial Regex NewWatchdog();

    [GeneratedRegex(@"^TX q (?<q>\d+) is paused for too long \(threshold ", RegexOptions.CultureInvariant)]
    private static partial Regex TxPaused();

    [GeneratedRegex(@"napi scheduled: (?<s>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NapiScheduled();

    [GeneratedRegex(@"^(?:Found a Tx that wasn't completed on time, qid (?<q>\d+)|TX hasn't completed, qid:? (?<q>\d+)|\[1/2\] \d+ new missed TX completions, qid: (?<q>\d+))", RegexOptions.CultureInvariant)]
    private static partial Regex MissingPacket();

    [GeneratedRegex(@"^(?:\[1/2\] )?(?:The number of lost tx completions is above the threshold|Lost TX completions are above (?:the )?threshold) \(\d+ > \d+\)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex MissingThreshold();

    [GeneratedRegex(@"qid:? (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Qid();

    [GeneratedRegex(@"^(?:(?<none>No c)|C)ompletion descriptors found in CQ (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Cdesc();

    [GeneratedRegex(@"^Potential MSIX issue on (?:Rx|Tx) side Queue = (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Msix();

    [GeneratedRegex(@"^TX timeout on invalid queue (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidQueue();

    [GeneratedRegex(@"^Device reset completed(?: successfully(?:, Driver info: (?<info>.*))?|, status: (?<st>-?\d+)(?:, Driver info: (?<info>.*))?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ResetCompleted();

    [GeneratedRegex(@"Elastic Network Adapter \(ENA\) v(?<v>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex DriverInfo();

    [GeneratedRegex(@"(?:admin queue is not in running state|driver didn't receive a MSI-X interrupt \(cmd|didn't send a completion for the admin cmd|^Admin queue is full|^Command was aborted|^Wait for completion \(polling\) timeout|^Reg read timeout occurred|^Reset indication didn't turn o(?:n|ff)|^Device isn't ready, can't reset device)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Admin();

    /// <summary>Parses one message (prefixes already stripped); null when it is not an ENA event.</summary>
    public static EnaEvent? Parse(KernelLogLine line)
    {
        var text = line.Message;
        if (text.Length > 4096) return null;
        var old = OldWatchdog().Match(text);
        if (old.Success)
        {
            if (old.Groups["drv"].Value != "ena") return null;
            return new EnaEvent { Kind = EnaEventKind.NetdevWatchdog, Interface = old.Groups["if"].Value, Queue = Int(old.Groups["q"]), Seconds = line.Seconds, TimeKind = line.TimeKind };
        }
        var m = EnaPrefix().Match(text);
        if (!m.Success) return null;
        var e = Classify(m.Groups["msg"].Value);
        if (e is null) return null;
        return e with
        {
            Bdf = m.Groups["bdf"].Value.ToLowerInvariant(),
            Interface = m.Groups["if"].Success ? m.Groups["if"].Value : null,
            Seconds = line.Seconds,
            TimeKind = line.TimeKind,
        };
    }

    private static EnaEvent? Classify(string msg)
    {
        Match m;
        if ((m = TxPaused().Match(msg)).Success)
        {
            var s = NapiScheduled().Match(msg);
            return new EnaEvent { Kind = EnaEventKind.TxPaused, Queue = Int(m.Groups["q"]), NapiScheduled = s.Success ? s.Groups["s"].Value != "0" : null };
        }
        if (msg.StartsWith("napi handler hasn't been called for a long time but is scheduled", StringComparison.Ordinal))
            return new EnaEvent { Kind = EnaEventKind.NapiStarved, NapiScheduled = true };
        if ((m = InvalidQueue().Match(msg)).Success) return new EnaEvent { Kind = EnaEventKind.TxTimeoutInvalidQueue, Queue = Int(m.Groups["q"]) };
        if (msg.StartsWith("Transmit time out", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.TransmitTimeout };
        if ((m = MissingPacket().Match(msg)).Success)
        {
            var s = NapiScheduled().Match(msg);
            return new EnaEvent { Kind = EnaEventKind.MissingTxPacket, Queue = Int(m.Groups["q"]), NapiScheduled = s.Success ? s.Groups["s"].Value != "0" : null };
        }
        if (MissingThreshold().IsMatch(msg))
        {
            var q = Qid().Match(msg);
            return new EnaEvent { Kind = EnaEventKind.MissingTxThreshold, Queue = q.Success ? Int(q.Groups["q"]) : null };
        }
        if ((m = Cdesc().Match(msg)).Success)
            return new EnaEvent { Kind = m.Groups["none"].Success ? EnaEventKind.NoCompletionDescriptors : EnaEventKind.CompletionDescriptorsFound, Queue = Int(m.Groups["q"]) };
        if (msg.StartsWith("Keep alive watchdog timeout", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.KeepAliveTimeout };
        if ((m = Msix().Match(msg)).Success) return new EnaEvent { Kind = EnaEventKind.MsixIssue, Queue = Int(m.Groups["q"]) };
        if (msg.StartsWith("FW isn't responsive, skipping reset routine", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.FwUnresponsive };
        if (msg.StartsWith("Trigger reset is on", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.TriggerReset };
        if (msg.StartsWith("Resetting the device", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.Resetting };
        if ((m = ResetCompleted().Match(msg)).Success)
        {
            var info = DriverInfo().Match(msg);
            return new EnaEvent
            {
                Kind = EnaEventKind.ResetCompleted,
                // The driver prints an int; a status past int's range is still "not 0", i.e. failed (int.Parse threw; fuzzing).
                Status = !m.Groups["st"].Success ? 0
                    : int.TryParse(m.Groups["st"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var st) ? st
                    : m.Groups["st"].ValueSpan[0] == '-' ? int.MinValue : int.MaxValue,
                DriverVersion = info.Success ? info.Groups["v"].Value : null,
            };
        }
        if (msg.StartsWith("Device reset failed", StringComparison.Ordinal)
            || msg.StartsWith("Reset attempt failed", StringComparison.Ordinal)
            || msg.StartsWith("Restore attempt failed", StringComparison.Ordinal))
            return new EnaEvent { Kind = EnaEventKind.ResetFailed };
        if (msg.StartsWith("The device has detected an unhealthy state, reset is requested", StringComparison.Ordinal))
            return new EnaEvent { Kind = EnaEventKind.DeviceRequestedReset };
        if ((m = NewWatchdog().Match(msg)).Success) return new EnaEvent { Kind = EnaEventKind.NetdevWatchdog, Queue = Int(m.Groups["q"]) };
        if (Admin().IsMatch(msg)) return new EnaEvent { Kind = EnaEventKind.AdminQueueError };
        return null;
    }

    private static int? Int(Group g) =>
        g.Success && int.TryParse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
