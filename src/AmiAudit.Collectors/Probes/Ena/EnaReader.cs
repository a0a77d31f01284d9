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
        var aggregator = new EnaAggregator();
        foreach (var n in nics) aggregator.AddInterface(n.Name, n.PciAddress);
        foreach (var line in log.Lines)
            if (EnaMessageParser.Parse(line) is { } e) aggregator.Add(e);

        if (nics.Count == 0 && aggregator.Count == 0)
            return new EnaProbe { Status = "not-applicable", KernelLogSource = log.Source, Detail = Detail(problems) ?? "no interface uses the ena driver" };

        var counters = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        if (options.RunEthtool)
        {
            foreach (var n in nics)
            {
                var request = new ProcessRequest("ethtool", ["-S", n.Name]) { Timeout = TimeSpan.FromSeconds(5), Environment = new Dictionary<string, string> { ["LC_ALL"] = "C" } };
                var r = options.Runner.Run(request);
                if (r.StartError is not null) { AddOnce(problems, $"ENA counters unavailable: {r.Describe(request)}"); break; }
                if (!r.Succeeded) { AddOnce(problems, r.Describe(request)); continue; }
                counters[n.Name] = EthtoolStatsParser.Parse(r.Stdout);
            }
        }

        var (built, _, _) = aggregator.Build(counters);
        return new EnaProbe
        {
            Status = StatusOf(built),
            Interfaces = built,
            KernelLogSource = log.Source,
            KernelLogSpanSeconds = Span(log.Lines),
            Detail = Detail(problems),
        };
    }

    /// <summary>critical on any failed reset or ≥ 3 resets; problem on any reset (implied ones too), TX timeout,
    /// missing completions, keep-alive timeout, admin error, watchdog or exceeded allowance; else ok.</summary>
    public static string StatusOf(IReadOnlyList<EnaInterface> built) =>
        built.Any(i => i.ResetFailures > 0 || i.Resets >= 3) ? "critical"
        : built.Any(i => i.Resets > 0 || i.TxTimeouts > 0 || i.MissingTxCompletions > 0 || i.KeepAliveTimeouts > 0
                         || i.AdminQueueErrors > 0 || i.NetdevWatchdogs > 0 || i.NapiStarvedEvents > 0
                         || i.Counters.Any(kv => kv.Key.EndsWith("_allowance_exceeded", StringComparison.Ordinal) && kv.Value > 0)) ? "problem"
        : "ok";

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
}
