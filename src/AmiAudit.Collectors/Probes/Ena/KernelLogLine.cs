namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>How a kernel-log timestamp counts: seconds since boot, or Unix seconds (wall clock).</summary>
public enum LogTimeKind
{
    None,
    Monotonic,
    Wall,
    /// <summary>A syslog stamp ("Mar  3 12:00:01") has no year: <see cref="KernelLogLine.Seconds"/> counts from
    /// 2000-01-01 (a nominal leap year, so Feb 29 fits); <see cref="LogClock"/> places it in a real year.</summary>
    WallNoYear,
}

/// <summary>A kernel-log message with its outer prefixes (dmesg, journal, syslog, kmsg) stripped.</summary>
public sealed record KernelLogLine(string Message, double? Seconds = null, LogTimeKind TimeKind = LogTimeKind.None)
{
    /// <summary>The wall stamp carried no zone (syslog, dmesg -T, ISO without offset): it is the node's local time.</summary>
    public bool Local { get; init; }
    /// <summary>The dmesg "[sec.usec]" stamp when an outer wall stamp was read first (rsyslog "kernel: [123.4]").</summary>
    public double? Uptime { get; init; }
    /// <summary>Syslog identifier ("kernel", "systemd", "amazon-ecs-init"), when the line had a syslog/journal prefix.</summary>
    public string? Ident { get; init; }
    /// <summary>The identifier's PID ("systemd[1]" → 1).</summary>
    public int? Pid { get; init; }
}
