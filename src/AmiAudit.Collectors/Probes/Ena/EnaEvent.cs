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
    FwUnresponsive,
    TriggerReset,
    Resetting,
    ResetCompleted,
    ResetFailed,
    DeviceRequestedReset,
    NetdevWatchdog,
}

/// <summary>One ENA-related kernel message. Bdf is null only for the old NETDEV WATCHDOG shape.</summary>
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
}
