using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Recognises every ENA message format of node-facts 1.3 / corpus 7.2 (driver 1.5 … 2.17/HEAD, the
/// upstream driver and the FreeBSD one) by its <em>body</em>, through stable anchors rather than whole
/// format strings, so a changed suffix in the next release still matches and a body quoted without its
/// prefix (a line copied into a bug report, a dev_err without a netdev) is still an ENA event. Prefix
/// shapes accepted: "ena &lt;bdf&gt; &lt;if&gt;: " (netdev_*), "ena &lt;bdf&gt;: " (dev_*), "ena: " (pr_*), "&lt;if&gt;: "
/// (a trimmed paste, or FreeBSD's "ena0: "), and none. A line with another driver's "&lt;drv&gt; &lt;bdf&gt;" prefix
/// is never ENA. Stats-dump lines ("tx_timeout: 1") come back as <see cref="EnaEventKind.StatsCounter"/>:
/// counters, never events. Numbers are read with their units (usec/usecs/msecs) and returned in ms.
/// </summary>
public static partial class EnaMessageParser
{
    private const string Bdf = @"[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]";

    [GeneratedRegex(@"^(?<drv>[A-Za-z0-9_\-]+) (?<bdf>" + Bdf + @")(?: (?<if>[^\s:()]+)(?: \([a-z ]+\))?)?: (?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DriverPrefix();

    [GeneratedRegex(@"^(?<tok>[A-Za-z][A-Za-z0-9_.\-]{0,15}): (?<msg>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPrefix();

    [GeneratedRegex(@"^(?:eth|ens|enp|eno|enx|enX|ena|em|ib|bond|veth|p\d)[A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex InterfaceName();

    [GeneratedRegex(@"^NETDEV WATCHDOG: (?<if>\S+) \((?<drv>[^)]*)\): transmit queue (?<q>\d+) timed out(?: (?<ms>\d+) ms)?", RegexOptions.CultureInvariant)]
    private static partial Regex OldWatchdog();

    [GeneratedRegex(@"^NETDEV WATCHDOG: (?:CPU: \d+: )?transmit queue (?<q>\d+) timed out(?: (?<ms>\d+) ms)?", RegexOptions.CultureInvariant)]
    private static partial Regex NewWatchdog();

    [GeneratedRegex(@"^TX q (?<q>\d+) is paused for too long \(threshold (?<th>\d+)\)(?:\. (?:Time since last napi (?<n>\d+) usec|usecs since napi (?<n>\d+)))?", RegexOptions.CultureInvariant)]
    private static partial Regex TxPaused();

    [GeneratedRegex(@"napi scheduled: (?<s>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NapiScheduled();

    [GeneratedRegex(@"^(?:Found a Tx that wasn't completed on time, qid (?<q>\d+)|TX hasn't completed, qid:? (?<q>\d+)|\[1/2\] (?<n>\d+) new missed TX completions, qid: (?<q>\d+))", RegexOptions.CultureInvariant)]
    private static partial Regex MissingPacket();

    [GeneratedRegex(@"^(?:\[1/2\] )?(?:The number of lost tx completions is above the threshold|Lost TX completions are above (?:the )?threshold) \((?<n>\d+) > (?<th>\d+)\)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex MissingThreshold();

    [GeneratedRegex(@"qid:? (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Qid();

    /// <summary>"6596000 usec" (2.8–2.16 TX watchdog), "5756000 usecs have passed since last napi", "5000 usecs from last napi",
    /// "5124 msecs since last napi execution", "5104 msecs since napi".</summary>
    [GeneratedRegex(@"(?<v>\d+) (?<u>usecs?|msecs?) (?:have passed since last napi|from last napi|since (?:last )?napi)", RegexOptions.CultureInvariant)]
    private static partial Regex NapiDelay();

    [GeneratedRegex(@"(?:Missing Tx timeout value|[Cc]ompletion (?:transmission )?timeout:) (?<v>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex CompletionTimeout();

    [GeneratedRegex(@"^(?:(?<none>No c)|C)ompletion descriptors found in CQ (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Cdesc();

    [GeneratedRegex(@"^Potential MSIX issue on (?:Rx|Tx) side Queue = (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Msix();

    [GeneratedRegex(@"^TX timeout on invalid queue (?<q>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidQueue();

    [GeneratedRegex(@"^Device reset completed(?: successfully(?:, Driver info: (?<info>.*))?|, status: (?<st>-?\d+)(?:, Driver info: (?<info>.*))?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ResetCompleted();

    [GeneratedRegex(@"Elastic Network Adapter \(ENA\) v(?<v>\d+\.\d+(?:\.\d+)?[A-Za-z]?)", RegexOptions.CultureInvariant)]
    private static partial Regex DriverInfo();

    /// <summary>"ENA driver: v2.17.0g (in-tree)", "ena: driver version 2.4.0g" — but not the device/controller/implementation versions.</summary>
    [GeneratedRegex(@"^(?:ENA driver:? |(?:ena|ENA)\b(?!.*(?:device|controller|implementation) version).*\bdriver version:? )v?(?<v>\d+\.\d+\.\d+[A-Za-z]?)", RegexOptions.CultureInvariant)]
    private static partial Regex DriverVersionLine();

    [GeneratedRegex(@"^(?<name>[a-z][a-z0-9_]*): (?<v>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Counter();

    [GeneratedRegex(@"(?:admin queue is not in running state|driver didn't receive a MSI-X interrupt \(cmd|didn't send a completion for the admin cmd|^Admin queue is full|^Command was aborted|^Wait for completion \(polling\) timeout|^Reg read timeout occurred|^Reset indication didn't turn o(?:n|ff)|^Device isn't ready, can't reset device)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Admin();

    /// <summary>Global counters of the reset-time stats dump (node-facts 1.5, every driver generation). A "&lt;if&gt;: name: N"
    /// line without the "ena &lt;bdf&gt;" prefix is a counter only when the name is one of these (or a per-queue/admin one).</summary>
    private static readonly HashSet<string> GlobalCounters = new(StringComparer.Ordinal)
    {
        "tx_timeout", "suspend", "resume", "wd_expired", "interface_up", "interface_down", "admin_q_pause", "reset_fail", "total_resets",
        "bad_tx_req_id", "bad_rx_req_id", "bad_rx_desc_num", "missing_intr", "suspected_poll_starvation", "missing_tx_cmpl",
        "rx_desc_malformed", "tx_desc_malformed", "invalid_state", "os_netdev_wd", "missing_admin_interrupt", "admin_to",
        "device_request_reset", "missing_first_intr", "num_of_active_io_queues",
    };

    /// <summary>Every ENA message holds one of these (its prefix, a body anchor, a banner, a counter name of a trimmed stats
    /// line): a message without any is rejected in one vectorised pass, before any regex runs.</summary>
    public static readonly string[] Anchors =
    [
        "ena ", "ena:", "ena0", "ena1", "ena2", "ena3", "Elastic Network Adapter", "ENA driver", "is paused for too long", "napi handler hasn't",
        "wasn't completed on time", "TX hasn't completed", "lost tx completions", "Lost TX completions", "new missed TX",
        "Keep alive watchdog", "Trigger reset is on", "Device reset", "Reset attempt failed", "Restore attempt failed",
        "Resetting the device", "admin queue", "Admin queue", "Potential MSIX", "NETDEV WATCHDOG", "Transmit time out",
        "TX timeout on invalid", "ompletion descriptors found", "FW isn't responsive", "unhealthy state, reset",
        "didn't send a completion", "didn't receive a MSI-X", "Command was aborted", "Wait for completion", "Reg read timeout",
        "Reset indication", "Device isn't ready", "tx_timeout", "wd_expired", "interface_up", "interface_down", "reset_fail",
        "total_resets", "admin_q_pause", "poll_starvation", "missing_tx_cmpl", "missing_intr", "os_netdev_wd", "admin_to",
        "invalid_state", "bad_tx_req_id", "bad_rx_req_id", "bad_rx_desc_num", "desc_malformed", "missing_admin_interrupt",
        "device_request_reset", "missing_first_intr", "num_of_active_io_queues", "suspend:", "resume:", "queue_", "total_tx_", "total_rx_", "ena_admin_q_",
    ];

    /// <summary>A superset of <see cref="Anchors"/> in few short needles: a message holding none is not ENA. Single-needle
    /// IndexOf, not a multi-string SearchValues: the latter runs a scalar automaton on the NativeAOT binary's baseline ISA.</summary>
    private static readonly string[] Prefilter =
    [
        "ena", "ENA", "Elastic", "NETDEV", "TX", "tx", "napi", "eset", "Keep", "dmin", "MSI", "Transmit", "wasn't", "Reg read",
        "Command was", "Wait for", "isn't", "_", "suspend:", "resume:",
    ];

    /// <summary>False when the text cannot be an ENA message (a cheap superset test).</summary>
    public static bool MightBeEna(string text)
    {
        foreach (var n in Prefilter) if (text.Contains(n, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Parses one message (prefixes already stripped); null when it is not an ENA message.</summary>
    public static EnaEvent? Parse(KernelLogLine line)
    {
        var text = line.Message;
        if (text.Length > 4096 || !MightBeEna(text)) return null;
        var e = ParseText(text.TrimStart('>', ' ', '`', '\t'));
        return e is null ? null : e with { Seconds = line.Seconds, TimeKind = line.TimeKind };
    }

    private static EnaEvent? ParseText(string text)
    {
        if (text.StartsWith("NETDEV WATCHDOG: ", StringComparison.Ordinal))
        {
            var old = OldWatchdog().Match(text);
            if (old.Success)
                return old.Groups["drv"].Value == "ena"
                    ? new EnaEvent { Kind = EnaEventKind.NetdevWatchdog, Interface = old.Groups["if"].Value, Queue = Int(old.Groups["q"]) }
                    : null;
        }
        var m = DriverPrefix().Match(text);
        if (m.Success)
        {
            if (!string.Equals(m.Groups["drv"].Value, "ena", StringComparison.Ordinal)) return null;
            var msg = m.Groups["msg"].Value;
            var e = Classify(msg) ?? Counter(msg, known: false) ?? Banner(msg);
            return e is null ? null : e with
            {
                Bdf = m.Groups["bdf"].Value.ToLowerInvariant(),
                Interface = m.Groups["if"].Success ? m.Groups["if"].Value : null,
            };
        }
        if (text.StartsWith("ena: ", StringComparison.Ordinal))
        {
            var msg = text["ena: ".Length..];
            return Classify(msg) ?? Banner(msg) ?? Banner(text);
        }
        if ((m = TokenPrefix().Match(text)).Success)
        {
            var msg = m.Groups["msg"].Value;
            var token = m.Groups["tok"].Value;
            var isInterface = token != "ena" && InterfaceName().IsMatch(token);
            var e = Classify(msg) ?? (isInterface ? Counter(msg, known: true) : null);
            if (e is not null) return isInterface ? e with { Interface = token } : e;
        }
        return Classify(text) ?? Banner(text);
    }

    private static EnaEvent? Counter(string msg, bool known)
    {
        var m = Counter().Match(msg);
        if (!m.Success) return null;
        var name = m.Groups["name"].Value;
        if (known && !GlobalCounters.Contains(name) && !name.StartsWith("queue_", StringComparison.Ordinal)
            && !name.StartsWith("ena_admin_q_", StringComparison.Ordinal) && !name.StartsWith("total_", StringComparison.Ordinal)) return null;
        return long.TryParse(m.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? new EnaEvent { Kind = EnaEventKind.StatsCounter, CounterName = name, CounterValue = v }
            : null;
    }

    private static EnaEvent? Banner(string msg)
    {
        var m = DriverInfo().Match(msg);
        if (!m.Success) m = DriverVersionLine().Match(msg);
        return m.Success ? new EnaEvent { Kind = EnaEventKind.DriverBanner, DriverVersion = m.Groups["v"].Value } : null;
    }

    private static EnaEvent? Classify(string msg)
    {
        Match m;
        if ((m = TxPaused().Match(msg)).Success)
        {
            var s = NapiScheduled().Match(msg);
            return new EnaEvent
            {
                Kind = EnaEventKind.TxPaused,
                Queue = Int(m.Groups["q"]),
                NapiScheduled = s.Success ? s.Groups["s"].Value != "0" : null,
                ThresholdMs = Long(m.Groups["th"]) / 1000.0,
                NapiDelayMs = m.Groups["n"].Success ? Long(m.Groups["n"]) / 1000.0 : null,
            };
        }
        if (msg.StartsWith("napi handler hasn't been called for a long time but is scheduled", StringComparison.Ordinal))
            return new EnaEvent { Kind = EnaEventKind.NapiStarved, NapiScheduled = true };
        if ((m = InvalidQueue().Match(msg)).Success) return new EnaEvent { Kind = EnaEventKind.TxTimeoutInvalidQueue, Queue = Int(m.Groups["q"]) };
        if (msg.StartsWith("Transmit time out", StringComparison.Ordinal)) return new EnaEvent { Kind = EnaEventKind.TransmitTimeout };
        if ((m = MissingPacket().Match(msg)).Success)
        {
            var s = NapiScheduled().Match(msg);
            var timeout = CompletionTimeout().Match(msg);
            return new EnaEvent
            {
                Kind = EnaEventKind.MissingTxPacket,
                Queue = Int(m.Groups["q"]),
                NapiScheduled = s.Success ? s.Groups["s"].Value != "0" : null,
                Count = m.Groups["n"].Success ? Long(m.Groups["n"]) : 1,
                NapiDelayMs = DelayMs(msg),
                ThresholdMs = timeout.Success ? Long(timeout.Groups["v"]) : null,
            };
        }
        if ((m = MissingThreshold().Match(msg)).Success)
        {
            var q = Qid().Match(msg[m.Length..]);
            var timeout = CompletionTimeout().Match(msg);
            return new EnaEvent
            {
                Kind = EnaEventKind.MissingTxThreshold,
                Queue = q.Success ? Int(q.Groups["q"]) : null,
                Count = Long(m.Groups["n"]),
                NapiDelayMs = DelayMs(msg),
                ThresholdMs = timeout.Success ? Long(timeout.Groups["v"]) : null,
            };
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
        if (msg.Contains("admin queue is not in running state", StringComparison.OrdinalIgnoreCase)) return new EnaEvent { Kind = EnaEventKind.AdminQueueDown };
        if (Admin().IsMatch(msg)) return new EnaEvent { Kind = EnaEventKind.AdminQueueError };
        return null;
    }

    private static double? DelayMs(string msg)
    {
        var d = NapiDelay().Match(msg);
        if (!d.Success) return null;
        var v = Long(d.Groups["v"]);
        return d.Groups["u"].Value.StartsWith('u') ? v / 1000.0 : v;
    }

    private static long Long(Group g) =>
        g.Success && long.TryParse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static int? Int(Group g) =>
        g.Success && int.TryParse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
