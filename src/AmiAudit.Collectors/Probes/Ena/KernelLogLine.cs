namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>How a kernel-log timestamp counts: seconds since boot, or Unix seconds (wall clock).</summary>
public enum LogTimeKind
{
    None,
    Monotonic,
    Wall,
}

/// <summary>A kernel-log message with its outer prefixes (dmesg, journal, syslog, kmsg) stripped.</summary>
public sealed record KernelLogLine(string Message, double? Seconds = null, LogTimeKind TimeKind = LogTimeKind.None);
