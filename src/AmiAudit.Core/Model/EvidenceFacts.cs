namespace AmiAudit.Core.Model;

/// <summary>
/// What a node left behind on its root volume: the persistent journal, syslog-format text logs
/// (rotated and gzipped ones too), the ECS init/agent logs, kernel logs, Docker container logs and
/// cloud-init's logs — read offline for a post-mortem (<c>scan/collect --root /mnt/dead-node</c>).
/// Null when the root holds no such evidence. Every list is sorted (see <see cref="SnapshotNormalizer"/>),
/// every free text redacted. The same findings also fill the ordinary facts (unit restart rates,
/// container recreations, <c>probes.ena</c>, <c>bootstrap.cloudInit</c>) so existing policies and the
/// diff judge them unchanged; this section keeps the timestamps and the detail.
/// </summary>
public sealed record EvidenceFacts
{
    /// <summary>The time bounds applied (<c>--since/--until</c>); null = unbounded.</summary>
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>Time zone syslog-format stamps (which carry none) were read in: from the root's /etc/timezone or /etc/localtime link, else UTC.</summary>
    public string? TimeZone { get; init; }
    /// <summary>Every file or journal read (or skipped), with what came of it.</summary>
    public List<EvidenceSource> Sources { get; init; } = [];
    /// <summary>The persistent journal as systemd's own reader (journalctl) saw it.</summary>
    public JournalEvidence? Journal { get; init; }
    /// <summary>Per systemd unit: starts, stops, failures, restarts, from the journal and syslog text.</summary>
    public List<UnitEvidence> Units { get; init; } = [];
    /// <summary>amazon-ecs-init / ECS agent: agent container (re)creations, exits, errors.</summary>
    public EcsEvidence? Ecs { get; init; }
    /// <summary>ENA events, netdev watchdogs, soft lockups, hung tasks, OOM kills from kernel logs.</summary>
    public KernelEvidence? Kernel { get; init; }
    /// <summary>Docker json-file container logs and create times.</summary>
    public List<ContainerLogEvidence> Containers { get; init; } = [];
    /// <summary>cloud-init's logs: the failing script, command and exit status.</summary>
    public CloudInitEvidence? CloudInit { get; init; }
    /// <summary>The story in time order (capped; repeated events folded into one entry with a count).</summary>
    public List<TimelineEntry> Timeline { get; init; } = [];
}

public sealed record EvidenceSource
{
    /// <summary>Path inside the root (for the journal: the journal directory).</summary>
    public string Path { get; init; } = "";
    /// <summary>journal | syslog | kernel | ecs-init | ecs-agent | docker | cloud-init | cloud-init-output</summary>
    public string Kind { get; init; } = "";
    /// <summary>read | capped | skipped | unreadable | unavailable</summary>
    public string Status { get; init; } = "read";
    /// <summary>Bytes read (decompressed for .gz).</summary>
    public long Bytes { get; init; }
    public long Lines { get; init; }
    /// <summary>First and last timestamp seen in the file (within the bounds).</summary>
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
    public string? Detail { get; init; }
}

public sealed record JournalEvidence
{
    /// <summary>read | unavailable | volatile-only | absent</summary>
    public string Status { get; init; } = "absent";
    /// <summary>Why it is not read, or what was capped.</summary>
    public string? Reason { get; init; }
    /// <summary>Journal files handed to journalctl (paths inside the root).</summary>
    public List<string> Files { get; init; } = [];
    public long Records { get; init; }
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
}

/// <summary>One systemd unit's lifecycle as its logs tell it.</summary>
public sealed record UnitEvidence
{
    /// <summary>Unit name (for "Started &lt;Description&gt;" lines: mapped back by description; "description:…" when no unit has it).</summary>
    public string Name { get; init; } = "";
    /// <summary>True when a user manager (systemd --user), not PID 1, logged it.</summary>
    public bool UserManager { get; init; }
    public long Starts { get; init; }
    public long Stops { get; init; }
    /// <summary>"Failed with result" / "entered failed state" / "Failed to start".</summary>
    public long Failures { get; init; }
    /// <summary>"Scheduled restart job" / "hold-off time over, scheduling restart" (MESSAGE_ID 5eb03494… in the journal).</summary>
    public long Restarts { get; init; }
    /// <summary>"Start request repeated too quickly": systemd gave up (start-limit-hit).</summary>
    public long StartLimitHits { get; init; }
    /// <summary>"Main process exited" / "Control process exited" lines.</summary>
    public long ProcessExits { get; init; }
    /// <summary>Highest "restart counter is at N" / N_RESTARTS seen.</summary>
    public long? RestartCounter { get; init; }
    /// <summary>e.g. "code=exited, status=5/NOTINSTALLED" from the last exit line.</summary>
    public string? LastExit { get; init; }
    /// <summary>e.g. "exit-code", "start-limit-hit" from the last "Failed with result".</summary>
    public string? LastResult { get; init; }
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
    /// <summary>Restarts per hour between the first and last restart (at least one hour counted).</summary>
    public double? RestartsPerHour { get; init; }
    /// <summary>journal | syslog paths the counts came from.</summary>
    public List<string> Sources { get; init; } = [];
}

public sealed record EcsEvidence
{
    /// <summary>"Starting Amazon Elastic Container Service Agent": ecs-init removes and recreates the agent container each time.</summary>
    public long AgentStarts { get; init; }
    /// <summary>"Agent exited with code N" lines.</summary>
    public long AgentExits { get; init; }
    /// <summary>Exit code → count.</summary>
    public SortedDictionary<string, long> ExitCodes { get; init; } = new(StringComparer.Ordinal);
    /// <summary>"agent exited with terminal exit code" (ecs-init itself exits 5).</summary>
    public long TerminalExits { get; init; }
    /// <summary>Error-level lines (ecs-init and agent logs).</summary>
    public long Errors { get; init; }
    /// <summary>Distinct error messages, most frequent first, redacted (≤ 10).</summary>
    public List<string> TopErrors { get; init; } = [];
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
    /// <summary>Agent container (re)creations per hour between the first and last start (at least one hour counted).</summary>
    public double? RecreatesPerHour { get; init; }
    public List<string> Sources { get; init; } = [];
}

public sealed record KernelEvidence
{
    public List<string> Sources { get; init; } = [];
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
    /// <summary>ENA driver version from probe banners or reset lines (v2.11.0g …).</summary>
    public string? EnaDriverVersion { get; init; }
    /// <summary>ENA interfaces as the log tells them (the same shape as the live probe's).</summary>
    public List<EnaInterface> Ena { get; init; } = [];
    public long NetdevWatchdogs { get; init; }
    public long SoftLockups { get; init; }
    public long HungTasks { get; init; }
    public long OomKills { get; init; }
    /// <summary>Notable events with their time (capped; see Detail of the source when more were seen).</summary>
    public List<KernelEvent> Events { get; init; } = [];
}

public sealed record KernelEvent
{
    public DateTimeOffset? Time { get; init; }
    /// <summary>Seconds since boot, when the line carried a dmesg stamp.</summary>
    public double? Uptime { get; init; }
    /// <summary>ena-reset | ena-implied-reset | ena-reset-failed | netdev-watchdog | soft-lockup | hung-task | oom-kill</summary>
    public string Kind { get; init; } = "";
    /// <summary>Interface, CPU or process the event is about.</summary>
    public string Subject { get; init; } = "";
    public string? Detail { get; init; }
    /// <summary>"path:line" inside the root.</summary>
    public string? Source { get; init; }
}

public sealed record ContainerLogEvidence
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Image { get; init; }
    /// <summary>config.v2.json "Created": for a recreate loop, seconds before the node died.</summary>
    public DateTimeOffset? Created { get; init; }
    /// <summary>Total size of the container's json-file log (with rotated -json.log.N).</summary>
    public long LogBytes { get; init; }
    /// <summary>The last few log lines (stream-prefixed, redacted).</summary>
    public List<string> LastLines { get; init; } = [];
    public DateTimeOffset? LastTime { get; init; }
    public string? Source { get; init; }
}

public sealed record CloudInitEvidence
{
    /// <summary>The script or module that failed (e.g. /var/lib/cloud/instance/scripts/part-001, scripts_user).</summary>
    public string? FailedScript { get; init; }
    /// <summary>The command that failed inside it (xtrace "+ cmd" before the failure, or the shell's error line), redacted.</summary>
    public string? FailingCommand { get; init; }
    public int? ExitStatus { get; init; }
    /// <summary>Error lines (redacted, ≤ 20), in file order.</summary>
    public List<string> Errors { get; init; } = [];
    /// <summary>"Cloud-init v. … finished at …" time.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Version { get; init; }
    public List<string> Sources { get; init; } = [];
}

public sealed record TimelineEntry
{
    public DateTimeOffset Time { get; init; }
    /// <summary>End of a folded run of the same event (null for a single one).</summary>
    public DateTimeOffset? Until { get; init; }
    /// <summary>journal | syslog | kernel | ecs-init | docker | cloud-init</summary>
    public string Source { get; init; } = "";
    /// <summary>Unit, interface, container or process.</summary>
    public string Subject { get; init; } = "";
    public string Event { get; init; } = "";
    /// <summary>How many events this entry folds (1 for a single one).</summary>
    public long Count { get; init; } = 1;
}
