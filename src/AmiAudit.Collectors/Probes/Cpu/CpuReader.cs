using AmiAudit.Collectors.Probes.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>
/// Per-core CPU probe: samples /proc/stat at 1 Hz over the window and computes mpstat's columns per
/// core and interval; window averages are first-vs-last sample (mpstat's "Average:" line). Hot cores
/// are attributed to processes from per-thread utime+stime deltas, placed on the CPU of field 39 at
/// the end of the window. NET_RX softirq deltas and ENA IRQ placement complete the picture: a core
/// saturated in %soft with an ENA Tx-Rx vector on it is NAPI, not a user process.
/// </summary>
public static class CpuReader
{
    public static CpuProbe Read(HostPaths host, CpuProbeOptions options)
    {
        try
        {
            return ReadCore(host, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CpuProbe { Status = "unavailable", Detail = $"cpu probe failed: {e.GetType().Name}: {e.Message}" };
        }
    }

    private static CpuProbe ReadCore(HostPaths host, CpuProbeOptions options)
    {
        var problems = new List<string>();
        var first = ReadStat(host, problems);
        if (first is null || first.Count == 0)
            return new CpuProbe { Status = "unavailable", Detail = problems.Count > 0 ? string.Join("; ", problems) : "proc/stat has no cpuN lines" };
        var softStart = ReadNetRx(host);
        var irqs = EnaIrqPlacement.Read(host);

        if (options.Window <= TimeSpan.Zero || options.Interval <= TimeSpan.Zero)
        {
            // No window: the window columns stay null (unknown, not 0); since-boot shares are what one read can say.
            var single = first.Keys.Select(cpu => new CoreReading
            {
                Cpu = cpu,
                SinceBoot = SinceBoot(first[cpu]),
                NetRxSoftirqs = softStart?.GetValueOrDefault(cpu),
                EnaIrqs = irqs.GetValueOrDefault(cpu) ?? [],
            }).ToList();
            return new CpuProbe { Status = "not-sampled", WindowSeconds = 0, Samples = 1, Cores = single, Detail = Detail(problems) };
        }

        var tasksStart = TaskScanner.Scan(host);
        var samples = new List<(DateTimeOffset At, SortedDictionary<int, CpuTimes> Cpus)> { (options.Clock.GetUtcNow(), first) };
        var start = samples[0].At;
        var steps = Math.Max(1, (int)Math.Round(options.Window / options.Interval));
        for (var i = 1; i <= steps; i++)
        {
            // Sleep to absolute targets so the window does not drift by the cost of each read.
            var wait = start + options.Interval * i - options.Clock.GetUtcNow();
            if (wait > TimeSpan.Zero) options.Sleep(wait);
            var next = ReadStat(host, problems);
            if (next is not null) samples.Add((options.Clock.GetUtcNow(), next));
        }
        var tasksEnd = TaskScanner.Scan(host);
        var softEnd = ReadNetRx(host);
        var windowSeconds = (samples[^1].At - samples[0].At).TotalSeconds;

        var cores = new List<CoreReading>();
        var shares = ProcessShares(tasksStart, tasksEnd, options.ClockTicks, windowSeconds);
        foreach (var cpu in first.Keys)
        {
            double saturated = 0, busy = 0;
            for (var i = 1; i < samples.Count; i++)
            {
                if (!samples[i - 1].Cpus.TryGetValue(cpu, out var a) || !samples[i].Cpus.TryGetValue(cpu, out var b)) continue;
                var pct = MpstatMath.Interval(a, b);
                var seconds = (samples[i].At - samples[i - 1].At).TotalSeconds;
                if (pct.SystemSide >= options.SaturationPercent) saturated += seconds;
                if (pct.Busy >= options.SaturationPercent) busy += seconds;
            }
            var last = samples.LastOrDefault(s => s.Cpus.ContainsKey(cpu)).Cpus;
            var avg = last is null ? new CpuPercent(0, 0, 0, 0, 0, 0, 0, 100) : MpstatMath.Interval(first[cpu], last[cpu]);
            var hot = saturated > 0 || avg.Busy >= options.SaturationPercent;
            cores.Add(new CoreReading
            {
                Cpu = cpu,
                Usr = Round(avg.Usr), Nice = Round(avg.Nice), Sys = Round(avg.Sys), Iowait = Round(avg.Iowait),
                Irq = Round(avg.Irq), Soft = Round(avg.Soft), Steal = Round(avg.Steal), Idle = Round(avg.Idle),
                SaturatedSeconds = Round(saturated),
                BusySeconds = Round(busy),
                Hot = hot,
                TopProcesses = hot ? [.. (shares.GetValueOrDefault(cpu) ?? []).Take(options.TopPerCore)] : [],
                NetRxSoftirqs = softStart is not null && softEnd is not null && softStart.TryGetValue(cpu, out var s0) && softEnd.TryGetValue(cpu, out var s1)
                    ? Math.Max(0, s1 - s0) : null,
                EnaIrqs = irqs.GetValueOrDefault(cpu) ?? [],
            });
        }
        var status = cores.Any(c => c.SaturatedSeconds > 0) ? "problem" : "ok";
        return new CpuProbe { Status = status, WindowSeconds = Round(windowSeconds), Samples = samples.Count, Cores = cores, Detail = Detail(problems) };
    }

    /// <summary>mpstat's arithmetic from boot (all counters against zero); null for a CPU with no ticks yet.</summary>
    internal static CpuShares? SinceBoot(CpuTimes t)
    {
        if (t.User + t.Nice + t.System + t.Idle + t.Iowait + t.Irq + t.Softirq + t.Steal == 0) return null;
        var p = MpstatMath.Interval(default, t);
        return new CpuShares
        {
            Usr = Round(p.Usr), Nice = Round(p.Nice), Sys = Round(p.Sys), Iowait = Round(p.Iowait),
            Irq = Round(p.Irq), Soft = Round(p.Soft), Steal = Round(p.Steal), Idle = Round(p.Idle),
        };
    }

    /// <summary>cpu → processes by share of that core, highest first (ties by pid).</summary>
    internal static Dictionary<int, List<ProcessShare>> ProcessShares(
        Dictionary<int, TaskScanner.TaskSample> start, Dictionary<int, TaskScanner.TaskSample> end, int hz, double windowSeconds)
    {
        var perCpuPid = new Dictionary<(int Cpu, int Pid), ulong>();
        var names = new Dictionary<int, string>();
        foreach (var (tid, e) in end)
        {
            ulong before = 0;
            // A tid seen at the start with the same starttime is the same thread; otherwise all its time is new.
            if (start.TryGetValue(tid, out var s) && s.Stat.StartTime == e.Stat.StartTime) before = s.Stat.Utime + s.Stat.Stime;
            var now = e.Stat.Utime + e.Stat.Stime;
            if (now <= before) continue;
            var key = (e.Stat.Processor, e.Pid);
            perCpuPid[key] = perCpuPid.GetValueOrDefault(key) + (now - before);
            if (tid == e.Pid || !names.ContainsKey(e.Pid)) names[e.Pid] = e.Stat.Comm;
        }
        var result = new Dictionary<int, List<ProcessShare>>();
        if (windowSeconds <= 0) return result;
        foreach (var group in perCpuPid.GroupBy(kv => kv.Key.Cpu))
        {
            result[group.Key] = group
                .Select(kv => new ProcessShare { Pid = kv.Key.Pid, Comm = names[kv.Key.Pid], Percent = Round(kv.Value / (double)hz / windowSeconds * 100) })
                .OrderByDescending(p => p.Percent).ThenBy(p => p.Pid).ToList();
        }
        return result;
    }

    private static SortedDictionary<int, CpuTimes>? ReadStat(HostPaths host, List<string> problems)
    {
        var text = BoundedReader.ReadText(host.Resolve("proc/stat"), "proc/stat");
        if (!text.Ok) { AddOnce(problems, text.Error!); return null; }
        var (cpus, errors) = ProcStatParser.Parse(text.Text!);
        foreach (var e in errors) AddOnce(problems, e);
        return cpus;
    }

    private static SortedDictionary<int, long>? ReadNetRx(HostPaths host)
    {
        var text = BoundedReader.ReadText(host.Resolve("proc/softirqs"), "proc/softirqs");
        return text.Ok && SoftirqsParser.Parse(text.Text!).TryGetValue("NET_RX", out var row) ? row : null;
    }

    private static void AddOnce(List<string> problems, string p)
    {
        if (!problems.Contains(p) && problems.Count < 20) problems.Add(p);
    }

    private static string? Detail(List<string> problems) => problems.Count > 0 ? string.Join("; ", problems) : null;

    private static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);
}
