namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>
/// Exactly what `mpstat -P ALL` computes per CPU and interval (sysstat rd_stats.c
/// get_per_cpu_interval, mpstat.c write_cpu_stats): the interval is Δ(user+nice+system+iowait+idle+
/// steal+irq+softirq) — guest fields excluded because user/nice already include them — widened when
/// user−guest or nice−guest_nice went backwards; each column is Δ/interval·100, 0 when its counter
/// went backwards; %usr uses user−guest. A zero interval (tickless/offline CPU) is 100 % idle.
/// </summary>
public static class MpstatMath
{
    public static CpuPercent Interval(CpuTimes prev, CpuTimes curr)
    {
        var deltot = PerCpuInterval(prev, curr);
        if (deltot == 0) return new CpuPercent(0, 0, 0, 0, 0, 0, 0, 100);
        double d = deltot;
        var usrPrev = prev.User - Math.Min(prev.User, prev.Guest);
        var usrCurr = curr.User - Math.Min(curr.User, curr.Guest);
        var nicePrev = prev.Nice - Math.Min(prev.Nice, prev.GuestNice);
        var niceCurr = curr.Nice - Math.Min(curr.Nice, curr.GuestNice);
        return new CpuPercent(
            Usr: Sp(usrPrev, usrCurr, d),
            Nice: Sp(nicePrev, niceCurr, d),
            Sys: Sp(prev.System, curr.System, d),
            Iowait: Sp(prev.Iowait, curr.Iowait, d),
            Irq: Sp(prev.Irq, curr.Irq, d),
            Soft: Sp(prev.Softirq, curr.Softirq, d),
            Steal: Sp(prev.Steal, curr.Steal, d),
            Idle: Sp(prev.Idle, curr.Idle, d));
    }

    /// <summary>sysstat get_per_cpu_interval; a total that went backwards (CPU hot-plug) counts as 0.</summary>
    public static ulong PerCpuInterval(CpuTimes p, CpuTimes c)
    {
        ulong ishift = 0;
        var uc = c.User - Math.Min(c.User, c.Guest);
        var up = p.User - Math.Min(p.User, p.Guest);
        if (uc < up) ishift += up - uc;
        var nc = c.Nice - Math.Min(c.Nice, c.GuestNice);
        var np = p.Nice - Math.Min(p.Nice, p.GuestNice);
        if (nc < np) ishift += np - nc;
        var tc = Total(c);
        var tp = Total(p);
        if (tc == 0) return 0; // offline CPU
        return tc + ishift < tp ? 0 : tc + ishift - tp;
    }

    private static ulong Total(CpuTimes t) => t.User + t.Nice + t.System + t.Iowait + t.Idle + t.Steal + t.Irq + t.Softirq;

    // sysstat ll_sp_value: 0 when the counter went backwards.
    private static double Sp(ulong prev, ulong curr, double interval) => curr < prev ? 0 : (curr - prev) / interval * 100;
}
