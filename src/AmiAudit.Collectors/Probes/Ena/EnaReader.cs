using System.Globalization;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// ENA probe: interfaces from sysfs, events from the kernel log, counters from `ethtool -S`.
/// Resets are counted from the reset-completion lines (all three forms; dev_err, so they carry only
/// the PCI address — mapped to the interface via sysfs or via earlier lines of the same device),
/// or from "Trigger reset is on" when the completions fell out of the ring buffer.
/// No ENA interface in sysfs and no ENA line in the log → "not-applicable".
/// </summary>
public static class EnaReader
{
    public static EnaProbe Read(HostPaths host, EnaProbeOptions options)
    {
        try
        {
            return ReadCore(host, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new EnaProbe { Status = "unavailable", Detail = $"ena probe failed: {e.GetType().Name}: {e.Message}" };
        }
    }

    private static EnaProbe ReadCore(HostPaths host, EnaProbeOptions options)
    {
        var problems = new List<string>();
        var (nics, nicError) = EnaInterfaces.Find(host);
        if (nicError is not null) problems.Add(nicError);

        var log = options.KernelLogStream is { } opened
            ? KernelLogReader.FromStream(opened, $"file:{options.KernelLogFile}")
            : KernelLogReader.Read(host, options.KernelLogFile, options.Runner);
        if (log.Error is not null) problems.Add(log.Error);
        if (log.SkippedOverlong > 0) problems.Add($"{log.SkippedOverlong} over-long kernel-log line(s) skipped");
        var events = log.Lines.Select(EnaMessageParser.Parse).OfType<EnaEvent>().ToList();

        if (nics.Count == 0 && events.Count == 0)
            return new EnaProbe { Status = "not-applicable", KernelLogSource = log.Source, Detail = Detail(problems) ?? "no interface uses the ena driver" };

        // BDF → interface: sysfs first, then whatever the log itself says.
        var byBdf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in nics) if (n.PciAddress is not null) byBdf[n.PciAddress] = n.Name;
        foreach (var e in events) if (e.Bdf is not null && e.Interface is not null) byBdf.TryAdd(e.Bdf, e.Interface);

        var interfaces = new SortedDictionary<string, Builder>(StringComparer.Ordinal);
        foreach (var n in nics) interfaces[n.Name] = new Builder(n.Name, n.PciAddress);
        foreach (var e in events)
        {
            var name = e.Interface ?? (e.Bdf is not null && byBdf.TryGetValue(e.Bdf, out var mapped) ? mapped : e.Bdf ?? "unknown");
            if (!interfaces.TryGetValue(name, out var b)) interfaces[name] = b = new Builder(name, e.Bdf);
            b.Add(e);
        }

        if (options.RunEthtool)
        {
            foreach (var n in nics)
            {
                var request = new ProcessRequest("ethtool", ["-S", n.Name]) { Timeout = TimeSpan.FromSeconds(5), Environment = new Dictionary<string, string> { ["LC_ALL"] = "C" } };
                var r = options.Runner.Run(request);
                if (r.StartError is not null) { AddOnce(problems, $"ENA counters unavailable: {r.Describe(request)}"); break; }
                if (!r.Succeeded) { AddOnce(problems, r.Describe(request)); continue; }
                interfaces[n.Name].Counters = EthtoolStatsParser.Parse(r.Stdout);
            }
        }

        var built = interfaces.Values.Select(b => b.Build()).ToList();
        var status = built.Any(i => i.ResetFailures > 0 || i.Resets >= 3) ? "critical"
            : built.Any(i => i.Resets > 0 || i.TxTimeouts > 0 || i.MissingTxCompletions > 0 || i.KeepAliveTimeouts > 0
                             || i.AdminQueueErrors > 0 || i.NetdevWatchdogs > 0
                             || i.Counters.Any(kv => kv.Key.EndsWith("_allowance_exceeded", StringComparison.Ordinal) && kv.Value > 0)) ? "problem"
            : "ok";
        return new EnaProbe
        {
            Status = status,
            Interfaces = built,
            KernelLogSource = log.Source,
            KernelLogSpanSeconds = Span(log.Lines),
            Detail = Detail(problems),
        };
    }

    internal static double? Span(List<KernelLogLine> lines)
    {
        var first = lines.FirstOrDefault(l => l.Seconds is not null);
        if (first is null) return null;
        var last = lines.LastOrDefault(l => l.Seconds is not null && l.TimeKind == first.TimeKind);
        return last is null ? null : Math.Round(Math.Max(0, last.Seconds!.Value - first.Seconds!.Value), 3);
    }

    private static void AddOnce(List<string> problems, string p)
    {
        if (!problems.Contains(p)) problems.Add(p);
    }

    private static string? Detail(List<string> problems) => problems.Count > 0 ? string.Join("; ", problems) : null;

    private sealed class Builder(string name, string? pci)
    {
        private readonly List<string> reasons = [];
        private long completed, triggers, failures, txTimeouts, missing, keepAlive, admin, watchdogs;
        private string? version;

        public SortedDictionary<string, long> Counters { get; set; } = new(StringComparer.Ordinal);

        public void Add(EnaEvent e)
        {
            switch (e.Kind)
            {
                case EnaEventKind.TxPaused:
                    txTimeouts++;
                    Reason($"TX q {e.Queue} paused");
                    if (e.NapiScheduled is { } s) Reason(s ? "napi scheduled but not run" : "napi not scheduled");
                    break;
                case EnaEventKind.NapiStarved: Reason("napi starved"); break;
                case EnaEventKind.TransmitTimeout: txTimeouts++; Reason("transmit timeout"); break;
                case EnaEventKind.TxTimeoutInvalidQueue: txTimeouts++; Reason($"TX timeout on invalid q {e.Queue}"); break;
                case EnaEventKind.MissingTxThreshold:
                    missing++;
                    Reason(e.Queue is { } q ? $"missing TX completions q {q}" : "missing TX completions");
                    break;
                case EnaEventKind.MissingTxPacket: break; // one line per packet; the threshold line is the event
                case EnaEventKind.NoCompletionDescriptors: Reason($"no completions in CQ {e.Queue}"); break;
                case EnaEventKind.CompletionDescriptorsFound: Reason($"missed interrupt CQ {e.Queue}"); break;
                case EnaEventKind.KeepAliveTimeout: keepAlive++; Reason("keep-alive timeout"); break;
                case EnaEventKind.MsixIssue: Reason($"MSI-X issue q {e.Queue}"); break;
                case EnaEventKind.AdminQueueError: admin++; Reason("admin queue error"); break;
                case EnaEventKind.FwUnresponsive: Reason("firmware unresponsive"); break;
                case EnaEventKind.TriggerReset: triggers++; break;
                case EnaEventKind.Resetting: break;
                case EnaEventKind.ResetCompleted:
                    completed++;
                    if (e.Status is not (null or 0)) { failures++; Reason($"reset status {e.Status}"); }
                    version = e.DriverVersion ?? version;
                    break;
                case EnaEventKind.ResetFailed: failures++; Reason("reset failed"); break;
                case EnaEventKind.DeviceRequestedReset: Reason("device requested reset"); break;
                case EnaEventKind.NetdevWatchdog: watchdogs++; Reason($"netdev watchdog q {e.Queue}"); break;
            }
        }

        private void Reason(string r)
        {
            if (!reasons.Contains(r) && reasons.Count < 8) reasons.Add(r);
        }

        public EnaInterface Build()
        {
            var allowances = Counters.Where(kv => kv.Key.EndsWith("_allowance_exceeded", StringComparison.Ordinal) && kv.Value > 0)
                .Select(kv => $"{kv.Key[..^"_allowance_exceeded".Length]} allowance exceeded {kv.Value.ToString("N0", CultureInfo.InvariantCulture)}");
            return new EnaInterface
            {
                Name = name,
                PciAddress = pci,
                DriverVersion = version,
                Resets = Math.Max(completed, triggers),
                ResetFailures = failures,
                TxTimeouts = txTimeouts,
                MissingTxCompletions = missing,
                KeepAliveTimeouts = keepAlive,
                AdminQueueErrors = admin,
                NetdevWatchdogs = watchdogs,
                Reasons = [.. reasons, .. allowances],
                Counters = Counters,
            };
        }
    }
}
