namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>One cpuN line of /proc/stat, in USER_HZ ticks (proc(5) field order).</summary>
public readonly record struct CpuTimes(
    ulong User, ulong Nice, ulong System, ulong Idle, ulong Iowait,
    ulong Irq, ulong Softirq, ulong Steal, ulong Guest, ulong GuestNice);

/// <summary>mpstat's per-interval percentages for one CPU.</summary>
public readonly record struct CpuPercent(
    double Usr, double Nice, double Sys, double Iowait, double Irq, double Soft, double Steal, double Idle)
{
    /// <summary>The kernel-side share that starves NAPI/kubelet: %sys + %irq + %soft.</summary>
    public double SystemSide => Sys + Irq + Soft;

    /// <summary>Everything but idle and iowait.</summary>
    public double Busy => Math.Max(0, 100 - Idle - Iowait);
}
