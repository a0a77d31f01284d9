using System.Globalization;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Health;

/// <summary>
/// Pure node health: a score from the probes, restart rates and failed findings, and one verdict
/// line per probe for the on-call ("memcg: 68,440 dying memory cgroups (kernel tracks 68,680, 240
/// live) — critical"). No clock: "now" is the snapshot's CollectedAt.
/// </summary>
public static class NodeHealth
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static HealthScore Score(Snapshot snapshot, IEnumerable<Finding>? findings = null)
    {
        var penalties = new List<HealthPenalty>();
        var probes = snapshot.Probes;

        if (probes?.Memcg is { Dying: { } dying } m && m.Status is "problem" or "critical")
            penalties.Add(new("memcg", m.Status == "critical" ? HealthWeights.MemcgCritical : HealthWeights.MemcgProblem,
                $"{N(dying)} dying memory cgroups — {m.Status}"));

        if (probes?.Ena is { } ena)
        {
            var points = 0;
            var parts = new List<string>();
            foreach (var i in ena.Interfaces)
            {
                points += (int)Math.Min(int.MaxValue / 4, i.Resets * HealthWeights.EnaPerReset + i.ResetFailures * HealthWeights.EnaResetFailure);
                if (i.Resets == 0 && (i.TxTimeouts > 0 || i.MissingTxCompletions > 0 || i.KeepAliveTimeouts > 0)) points += HealthWeights.EnaTimeoutsWithoutReset;
                if (i.Resets > 0 || i.ResetFailures > 0) parts.Add($"{i.Name}: {N(i.Resets)} resets, {N(i.ResetFailures)} failed");
            }
            if (points > 0) penalties.Add(new("ena", Math.Min(points, HealthWeights.EnaCap), parts.Count > 0 ? string.Join("; ", parts) : "ENA TX timeouts"));
        }

        if (probes?.Cpu is { WindowSeconds: > 0 } cpu)
        {
            var points = 0;
            var hot = new List<string>();
            foreach (var c in cpu.Cores.Where(c => c.SaturatedSeconds > 0))
            {
                points += c.SaturatedSeconds * 2 >= cpu.WindowSeconds ? HealthWeights.CpuPerMostlySaturatedCore : HealthWeights.CpuPerSaturatedCore;
                hot.Add($"CPU {c.Cpu} {F(c.SaturatedSeconds)} s");
            }
            if (points > 0) penalties.Add(new("cpu", Math.Min(points, HealthWeights.CpuCap), "saturated: " + string.Join(", ", hot)));
        }

        var loops = CrashLoops(snapshot).ToList();
        if (loops.Count > 0)
            penalties.Add(new("crash-loops", Math.Min(loops.Count * HealthWeights.PerCrashLoop, HealthWeights.CrashLoopCap),
                string.Join(", ", loops.Select(l => $"{l.Name} {F(l.Rate)}/h"))));

        if (findings is not null)
        {
            var failed = findings.Where(f => f.Status == FindingStatus.Fail).ToList();
            var points = failed.Sum(f => f.Severity switch
            {
                Severity.Critical => HealthWeights.FindingCritical,
                Severity.High => HealthWeights.FindingHigh,
                Severity.Medium => HealthWeights.FindingMedium,
                Severity.Low => HealthWeights.FindingLow,
                _ => 0,
            });
            if (points > 0)
                penalties.Add(new("findings", Math.Min(points, HealthWeights.FindingsCap),
                    string.Join(", ", failed.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToName()}"))));
        }

        return new HealthScore(Math.Max(0, 100 - penalties.Sum(p => p.Points)), penalties);
    }

    /// <summary>Units and containers restarting at least <see cref="HealthWeights.CrashLoopRestartsPerHour"/> times per hour.</summary>
    public static IEnumerable<(string Kind, string Name, double Rate)> CrashLoops(Snapshot snapshot)
    {
        foreach (var u in snapshot.Systemd.Units.Where(u => u.RestartsPerHour >= HealthWeights.CrashLoopRestartsPerHour).OrderBy(u => u.Name, StringComparer.Ordinal))
            yield return ("unit", u.Name, u.RestartsPerHour!.Value);
        foreach (var c in snapshot.Containers.Where(c => c.RestartsPerHour >= HealthWeights.CrashLoopRestartsPerHour).OrderBy(c => c.Name, StringComparer.Ordinal))
            yield return ("container", c.Name, c.RestartsPerHour!.Value);
    }

    /// <summary>One line per probe that ran, plus one per crash-looping unit/container.</summary>
    public static IReadOnlyList<string> Verdicts(Snapshot snapshot)
    {
        var lines = new List<string>();
        if (snapshot.Probes?.Memcg is { } m) lines.Add(MemcgVerdict(m));
        if (snapshot.Probes?.Cpu is { } c) lines.Add(CpuVerdict(c));
        if (snapshot.Probes?.Ena is { } e) lines.Add(EnaVerdict(e));
        lines.AddRange(CrashLoopVerdicts(snapshot));
        return lines;
    }

    public static string MemcgVerdict(MemcgProbe m)
    {
        if (m.Status is "unavailable" or "not-applicable") return $"memcg: {m.Status}{Why(m.Detail)}";
        return $"memcg: {N(m.Dying ?? 0)} dying memory cgroups (kernel tracks {N(m.Tracked ?? 0)}, {N(m.Live ?? 0)} live{(m.CgroupVersion is { } v ? ", cgroup " + v : "")}) — {m.Status}";
    }

    public static string CpuVerdict(CpuProbe c)
    {
        if (c.Status is "unavailable") return $"cpu: unavailable{Why(c.Detail)}";
        if (c.Status is "not-sampled") return $"cpu: not sampled ({c.Cores.Count} cores; use --window 10s)";
        var window = F(c.WindowSeconds);
        var worst = c.Cores.Where(k => k.SaturatedSeconds > 0).OrderByDescending(k => k.SaturatedSeconds).ThenBy(k => k.Cpu).FirstOrDefault();
        if (worst is not null)
        {
            double sys = worst.Sys ?? 0, soft = worst.Soft ?? 0, irq = worst.Irq ?? 0;
            var share = Math.Max(sys, Math.Max(soft, irq));
            var what = soft > sys && soft >= irq ? "softirq" : irq > sys ? "irq" : "system";
            var others = c.Cores.Count(k => k.SaturatedSeconds > 0) - 1;
            return $"cpu: CPU {worst.Cpu} at {F(Math.Round(share))} % {what} for {F(worst.SaturatedSeconds)} s of {window}{Top(worst)}{Ena(worst)}"
                   + (others > 0 ? $"; {others} more saturated core(s)" : "") + " — problem";
        }
        var hot = c.Cores.Where(k => k.Hot).OrderByDescending(k => k.BusySeconds).ThenBy(k => k.Cpu).FirstOrDefault();
        if (hot is not null)
            return $"cpu: no core saturated in system time over {window} s; CPU {hot.Cpu} busy {F(Math.Round(100 - (hot.Idle ?? 100) - (hot.Iowait ?? 0)))} % (usr {F(Math.Round(hot.Usr ?? 0))} %, sys {F(Math.Round(hot.Sys ?? 0))} %){Top(hot)} — ok";
        return $"cpu: no core saturated over {window} s ({c.Cores.Count} cores) — ok";
    }

    public static string EnaVerdict(EnaProbe e)
    {
        if (e.Status is "unavailable" or "not-applicable") return $"ena: {e.Status}{Why(e.Detail)}";
        var span = e.KernelLogSpanSeconds is { } s and >= 1 ? $" in {Duration(s)}" : " in the kernel log";
        var troubled = e.Interfaces.Where(i => i.Resets > 0 || i.ResetFailures > 0 || i.TxTimeouts > 0 || i.MissingTxCompletions > 0
                                               || i.KeepAliveTimeouts > 0 || i.AdminQueueErrors > 0 || i.NetdevWatchdogs > 0 || i.Reasons.Count > 0)
            .OrderByDescending(i => i.Resets).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
        if (troubled.Count == 0)
            return $"ena: no resets on {string.Join(", ", e.Interfaces.Select(i => i.Name))}{span} — ok";
        var parts = troubled.Select(i =>
        {
            var head = i.Resets > 0 ? $"{N(i.Resets)} resets on {i.Name}" : i.TxTimeouts > 0 ? $"{N(i.TxTimeouts)} TX timeouts on {i.Name}" : $"{i.Name}";
            if (i.ResetFailures > 0) head += $", {N(i.ResetFailures)} failed";
            return head + (i.Reasons.Count > 0 ? $" ({string.Join(", ", i.Reasons.Take(4))})" : "");
        });
        return $"ena: {string.Join("; ", parts)}{span} — {e.Status}";
    }

    private static IEnumerable<string> CrashLoopVerdicts(Snapshot snapshot)
    {
        var now = snapshot.Target.CollectedAt;
        foreach (var (kind, name, rate) in CrashLoops(snapshot))
        {
            if (kind == "unit")
            {
                var u = snapshot.Systemd.Units.First(x => x.Name == name);
                yield return $"units: {name} restarting {F(Math.Round(rate, 1))}/h (NRestarts {N(u.NRestarts ?? 0)}, {u.ActiveState ?? "?"}/{u.SubState ?? "?"}) — problem";
            }
            else
            {
                var c = snapshot.Containers.First(x => x.Name == name);
                // One create event in the window is the container's own creation, not a recreate loop
                // (a restart-always container that crash-loops in place shows only RestartCount).
                var recreated = c.RecreatesInWindow is > 1 ? $"recreated {N(c.RecreatesInWindow.Value)} times, " : "";
                var owner = c.OwnerUnit is { } o ? OwnerText(snapshot, o, now) : "";
                yield return $"containers: {name} {recreated}restarting {F(Math.Round(rate, 1))}/h (RestartCount {N(c.RestartCount ?? 0)}{owner}) — problem";
            }
        }
    }

    private static string OwnerText(Snapshot snapshot, string unit, DateTimeOffset? now)
    {
        var u = snapshot.Systemd.Units.FirstOrDefault(x => x.Name == unit);
        if (u?.ActiveState is { } state && u.ActiveEnterTimestamp is { } since && now is { } n && n >= since)
            return $"; {unit} {state} {Duration((n - since).TotalSeconds)}";
        return $"; owner {unit}";
    }

    private static string Top(CoreReading core) =>
        core.TopProcesses.Count == 0 ? "" : "; top on that core: " + string.Join(", ", core.TopProcesses.Select(p => $"{p.Comm} {F(Math.Round(p.Percent))} %"));

    private static string Ena(CoreReading core) => core.EnaIrqs.Count == 0 ? "" : $"; ENA IRQs: {string.Join(", ", core.EnaIrqs)}";

    private static string Why(string? detail) => string.IsNullOrEmpty(detail) ? "" : $" ({detail})";

    /// <summary>"24 h", "9 d", "40 min", "12 s".</summary>
    public static string Duration(double seconds) => seconds switch
    {
        >= 2 * 86400 => $"{F(Math.Round(seconds / 86400))} d",
        >= 2 * 3600 => $"{F(Math.Round(seconds / 3600))} h",
        >= 120 => $"{F(Math.Round(seconds / 60))} min",
        _ => $"{F(Math.Round(seconds))} s",
    };

    private static string N(long v) => v.ToString("N0", Inv);

    private static string F(double v) => v.ToString("0.##", Inv);
}
