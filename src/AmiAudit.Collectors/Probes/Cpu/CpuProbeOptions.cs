namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>How the CPU probe samples. Time is injected so tests replay fixture sequences without sleeping.</summary>
public sealed class CpuProbeOptions
{
    /// <summary>0 = one instantaneous read: no percentages, Status "not-sampled".</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>USER_HZ (sysconf(_SC_CLK_TCK)); 100 on every Linux architecture AWS runs.</summary>
    public int ClockTicks { get; init; } = 100;
    public int TopPerCore { get; init; } = 3;
    /// <summary>A second counts as saturated at sys+irq+soft ≥ this percentage.</summary>
    public double SaturationPercent { get; init; } = 90;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>Blocks for the given time; tests swap fixture files here and advance a fake clock.</summary>
    public Action<TimeSpan> Sleep { get; init; } = Thread.Sleep;
}
