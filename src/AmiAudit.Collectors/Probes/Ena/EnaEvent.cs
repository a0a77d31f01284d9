namespace AmiAudit.Collectors.Probes.Ena;

public enum EnaEventKind
{
    TxPaused,
    NapiStarved,
    TxTimeoutInvalidQueue,
    TransmitTimeout,
    MissingTxPacket,
    MissingTxThreshold,
    NoCompletionDescriptors,
    CompletionDescriptorsFound,
    KeepAliveTimeout,
    MsixIssue,
    AdminQueueError,
    /// <summary>"ENA admin queue is not in running state!": the timer resets the device for it.</summary>
    AdminQueueDown,
    FwUnresponsive,
    TriggerReset,
    Resetting,
    ResetCompleted,
    ResetFailed,
    DeviceRequestedReset,
    NetdevWatchdog,
    /// <summary>"Elastic Network Adapter (ENA) v2.11.0g" probe banner: carries the driver version, not an incident.</summary>
    DriverBanner,
    /// <summary>One "name: number" line of the driver's stats dump at a reset: a counter, never an event.</summary>
    StatsCounter,
}

/// <summary>One ENA-related kernel message. Bdf is null for the old NETDEV WATCHDOG shape and for bodies quoted
/// without the "ena &lt;bdf&gt;" prefix; Interface is null for dev_err lines (and quoted bodies) until attributed.</summary>
public sealed record EnaEvent
{
    public EnaEventKind Kind { get; init; }
    public string? Bdf { get; init; }
    public string? Interface { get; init; }
    public int? Queue { get; init; }
    public bool? NapiScheduled { get; init; }
    /// <summary>Reset completion status (2.14+ "status: %d"); 0 for the "successfully" forms.</summary>
    public int? Status { get; init; }
    public string? DriverVersion { get; init; }
    public double? Seconds { get; init; }
    public LogTimeKind TimeKind { get; init; }
    /// <summary>"Time since last napi" / "msecs since napi" on the line, in milliseconds.</summary>
    public double? NapiDelayMs { get; init; }
    /// <summary>The threshold the same line names (TX watchdog threshold, missing-TX timeout), in milliseconds.</summary>
    public double? ThresholdMs { get; init; }
    /// <summary>"[1/2] N new missed TX completions": N; the lost-completion count of a threshold line.</summary>
    public long? Count { get; init; }
    /// <summary>For <see cref="EnaEventKind.StatsCounter"/>: the counter's name and value.</summary>
    public string? CounterName { get; init; }
    public long? CounterValue { get; init; }
}
