using System.Globalization;
using System.Text;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Health;

/// <summary>
/// Probe readings as a node_exporter textfile: `amiaudit_` prefix, labels only of bounded sets
/// (probe, cpu, interface, stat), HELP/TYPE once per metric, deterministic order
/// (docs/probes/metrics.md lists them).
/// </summary>
public static class ProbeMetrics
{
    /// <summary>ok 0 · problem 1 · critical 2 · unavailable / not-sampled / not-applicable −1.</summary>
    public static int StatusValue(string status) => status switch
    {
        "ok" => 0,
        "problem" => 1,
        "critical" => 2,
        _ => -1,
    };

    public static string ToPrometheus(ProbeFacts probes)
    {
        var w = new Writer();
        var statuses = new List<(string Probe, string Status)>();
        if (probes.Memcg is { } m) statuses.Add(("memcg", m.Status));
        if (probes.Cpu is { } c) statuses.Add(("cpu", c.Status));
        if (probes.Ena is { } e) statuses.Add(("ena", e.Status));
        w.Metric("amiaudit_probe_status", "Probe verdict: 0 ok, 1 problem, 2 critical, -1 unavailable/not applicable/not sampled.",
            statuses.Select(s => ($"probe=\"{s.Probe}\"", (double)StatusValue(s.Status))));

        if (probes.Memcg is { Dying: not null } mem)
        {
            w.Metric("amiaudit_memcg_dying", "Dying (zombie) memory cgroups the kernel still tracks.", [("", mem.Dying!.Value)]);
            w.Metric("amiaudit_memcg_live", "Live memory cgroups.", [("", mem.Live ?? 0)]);
            w.Metric("amiaudit_memcg_tracked", "Memory cgroups the kernel tracks (live + dying).", [("", mem.Tracked ?? 0)]);
        }

        if (probes.Cpu is { WindowSeconds: > 0 } cpu)
        {
            w.Metric("amiaudit_cpu_window_seconds", "Length of the CPU sampling window.", [("", cpu.WindowSeconds)]);
            w.Metric("amiaudit_cpu_saturated_seconds", "Seconds of the window the core spent at >= 90 % sys+irq+softirq.", cpu.Cores.Select(k => (Cpu(k), k.SaturatedSeconds)));
            foreach (var (name, pick) in new (string, Func<CoreReading, double?>)[]
                     { ("usr", k => k.Usr), ("sys", k => k.Sys), ("irq", k => k.Irq), ("soft", k => k.Soft), ("idle", k => k.Idle) })
                w.Metric($"amiaudit_cpu_{name}_percent", $"mpstat %{name} of the core over the window.",
                    cpu.Cores.Where(k => pick(k) is not null).Select(k => (Cpu(k), pick(k)!.Value)));
        }
        if (probes.Cpu is { } cores && cores.Cores.Any(k => k.NetRxSoftirqs is not null))
            w.Metric("amiaudit_cpu_net_rx_softirqs", "NET_RX softirqs on the core (delta over the window; cumulative when not sampled).",
                cores.Cores.Where(k => k.NetRxSoftirqs is not null).Select(k => (Cpu(k), (double)k.NetRxSoftirqs!.Value)));

        if (probes.Ena is { Interfaces.Count: > 0 } ena)
        {
            foreach (var (name, help, pick) in new (string, string, Func<EnaInterface, long>)[]
                     {
                         ("resets", "ENA device resets in the kernel log read.", i => i.Resets),
                         ("reset_failures", "Failed ENA resets in the kernel log read.", i => i.ResetFailures),
                         ("tx_timeouts", "ENA TX queue timeouts in the kernel log read.", i => i.TxTimeouts),
                         ("missing_tx_completions", "ENA missing-TX-completion threshold events.", i => i.MissingTxCompletions),
                         ("keepalive_timeouts", "ENA keep-alive watchdog timeouts.", i => i.KeepAliveTimeouts),
                         ("admin_queue_errors", "ENA admin queue errors.", i => i.AdminQueueErrors),
                         ("netdev_watchdogs", "Kernel NETDEV WATCHDOG timeouts on ENA queues.", i => i.NetdevWatchdogs),
                     })
                w.Metric($"amiaudit_ena_{name}", help, ena.Interfaces.Select(i => ($"interface=\"{Esc(i.Name)}\"", (double)pick(i))));
            w.Metric("amiaudit_ena_stat", "ethtool -S counters kept by the probe (resets, reasons, allowance_exceeded, conntrack_allowance_available).",
                ena.Interfaces.SelectMany(i => i.Counters.Select(kv => ($"interface=\"{Esc(i.Name)}\",stat=\"{Esc(kv.Key)}\"", (double)kv.Value))));
            if (ena.KernelLogSpanSeconds is { } span)
                w.Metric("amiaudit_ena_log_span_seconds", "Seconds covered by the kernel log the ENA counts come from.", [("", span)]);
        }
        return w.ToString();
    }

    private static string Cpu(CoreReading k) => $"cpu=\"{k.Cpu.ToString(CultureInfo.InvariantCulture)}\"";

    private static string Esc(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Writer
    {
        private readonly StringBuilder sb = new();

        public void Metric(string name, string help, IEnumerable<(string Labels, double Value)> samples)
        {
            var list = samples.ToList();
            if (list.Count == 0) return;
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(" gauge\n");
            foreach (var (labels, value) in list)
            {
                sb.Append(name);
                if (labels.Length > 0) sb.Append('{').Append(labels).Append('}');
                sb.Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        public override string ToString() => sb.ToString();
    }
}
