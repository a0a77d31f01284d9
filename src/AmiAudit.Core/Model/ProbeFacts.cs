namespace AmiAudit.Core.Model;

/// <summary>Readings from the live health probes. Each probe is null when it did not run and carries
/// Status = ok | problem | critical | unavailable | not-applicable (| not-sampled for cpu with no window) when it did.</summary>
public sealed record ProbeFacts
{
    public MemcgProbe? Memcg { get; init; }
    public EnaProbe? Ena { get; init; }
    public CpuProbe? Cpu { get; init; }
}

public sealed record MemcgProbe
{
    public string Status { get; init; } = "ok";
    /// <summary>v1 | v2</summary>
    public string? CgroupVersion { get; init; }
    /// <summary>Memory cgroups the kernel tracks (v1: /proc/cgroups num_cgroups).</summary>
    public long? Tracked { get; init; }
    /// <summary>Memory cgroups with a directory (v1) / live descendants (v2).</summary>
    public long? Live { get; init; }
    /// <summary>Tracked − live (v1) or nr_dying_descendants (v2).</summary>
    public long? Dying { get; init; }
    public string? Detail { get; init; }
}

public sealed record EnaProbe
{
    public string Status { get; init; } = "not-applicable";
    public List<EnaInterface> Interfaces { get; init; } = [];
    public string? Detail { get; init; }
    /// <summary>Where the kernel log came from: file:&lt;path&gt; | /dev/kmsg | journalctl | none.</summary>
    public string? KernelLogSource { get; init; }
    /// <summary>Seconds between the first and last timestamped kernel-log line read (null when unknown).</summary>
    public double? KernelLogSpanSeconds { get; init; }
}

public sealed record EnaInterface
{
    public string Name { get; init; } = "";
    public string? PciAddress { get; init; }
    public string? DriverVersion { get; init; }
    /// <summary>Resets seen in the kernel log window (implied ones included).</summary>
    public long Resets { get; init; }
    /// <summary>Reset-threshold crossings with no trigger or completion line after them in the log read: counted in
    /// <see cref="Resets"/> because the driver resets after every one, marked here because the log does not show it.</summary>
    public long ImpliedResets { get; init; }
    public long TxTimeouts { get; init; }
    public long MissingTxCompletions { get; init; }
    public long KeepAliveTimeouts { get; init; }
    /// <summary>"Device reset failed", "Reset attempt failed", "Restore attempt failed", completion with status ≠ 0.</summary>
    public long ResetFailures { get; init; }
    /// <summary>Admin queue errors (not running, missing completion/interrupt, …).</summary>
    public long AdminQueueErrors { get; init; }
    /// <summary>Kernel "NETDEV WATCHDOG … transmit queue N timed out" lines for this interface.</summary>
    public long NetdevWatchdogs { get; init; }
    /// <summary>"TX q 5 paused", "napi not scheduled", … (short, deduplicated).</summary>
    public List<string> Reasons { get; init; } = [];
    /// <summary>ethtool -S counters of interest (total_resets, *_allowance_exceeded, …).</summary>
    public SortedDictionary<string, long> Counters { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Missed TX completions per queue (per-packet "TX hasn't completed, qid N" lines; "[1/2] N new missed" adds N).</summary>
    public SortedDictionary<string, long> MissedTxByQueue { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Lines whose "time since last napi" reached the threshold they name (or the 5 s default): NAPI starved.</summary>
    public long NapiStarvedEvents { get; init; }
    /// <summary>Longest "time since last napi" read, in milliseconds.</summary>
    public double? MaxNapiDelayMs { get; init; }
    /// <summary><see cref="MaxNapiDelayMs"/> over the threshold of the same line (≥ 1 = starved).</summary>
    public double? NapiStarvationRatio { get; init; }
    /// <summary>The driver's own stats dump at its last reset ("wd_expired: 0", "interface_up: 18", "reset_fail: 0" …):
    /// counters of the reset, never events. Global counters only (no per-queue ones).</summary>
    public SortedDictionary<string, long> ResetCounters { get; init; } = new(StringComparer.Ordinal);
}

public sealed record CpuProbe
{
    public string Status { get; init; } = "ok";
    public double WindowSeconds { get; init; }
    /// <summary>/proc/stat samples taken (window/interval + 1; 1 when not sampled).</summary>
    public int Samples { get; init; }
    public string? Detail { get; init; }
    public List<CoreReading> Cores { get; init; } = [];
}

/// <summary>One core. The window percentages (mpstat's columns) are null when the probe did not sample
/// (window 0): a share that was not measured is unknown, never 0 — <see cref="SinceBoot"/> says what /proc/stat alone can.</summary>
public sealed record CoreReading
{
    public int Cpu { get; init; }
    public double? Usr { get; init; }
    public double? Sys { get; init; }
    public double? Irq { get; init; }
    public double? Soft { get; init; }
    public double? Idle { get; init; }
    public double? Nice { get; init; }
    public double? Iowait { get; init; }
    public double? Steal { get; init; }
    /// <summary>Shares of the core's time since boot (one /proc/stat read, mpstat's arithmetic against zero).</summary>
    public CpuShares? SinceBoot { get; init; }
    /// <summary>Seconds in the window with 100 − idle − iowait ≥ 90 % (user time counts: a spinning process).</summary>
    public double BusySeconds { get; init; }
    /// <summary>Flagged: any saturated second, or busy on average ≥ 90 % over the window.</summary>
    public bool Hot { get; init; }
    /// <summary>Seconds in the window with sys+irq+soft ≥ 90 %.</summary>
    public double SaturatedSeconds { get; init; }
    public List<ProcessShare> TopProcesses { get; init; } = [];
    public long? NetRxSoftirqs { get; init; }
    public List<string> EnaIrqs { get; init; } = [];
}

public sealed record ProcessShare
{
    public int Pid { get; init; }
    public string Comm { get; init; } = "";
    /// <summary>Percent of one core over the window.</summary>
    public double Percent { get; init; }
}

/// <summary>mpstat-style percentages of one core over some interval.</summary>
public sealed record CpuShares
{
    public double Usr { get; init; }
    public double Nice { get; init; }
    public double Sys { get; init; }
    public double Iowait { get; init; }
    public double Irq { get; init; }
    public double Soft { get; init; }
    public double Steal { get; init; }
    public double Idle { get; init; }
}
