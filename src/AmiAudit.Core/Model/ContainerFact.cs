namespace AmiAudit.Core.Model;

/// <summary>A Docker container, from disk (<c>/var/lib/docker/containers</c>) or the Engine API.</summary>
public sealed record ContainerFact
{
    public string Name { get; init; } = "";
    public string? Id { get; init; }
    public string? Image { get; init; }
    /// <summary>no | always | unless-stopped | on-failure</summary>
    public string RestartPolicy { get; init; } = "no";
    public int? MaximumRetryCount { get; init; }
    /// <summary>Path inside the root of config.v2.json (offline).</summary>
    public string? Source { get; init; }
    public SortedDictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);

    // Live-only
    /// <summary>created | running | paused | restarting | exited | removing | dead</summary>
    public string? State { get; init; }
    public int? ExitCode { get; init; }
    public long? RestartCount { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>die events for this container *name* per hour (counts delete+recreate loops too).</summary>
    public double? RestartsPerHour { get; init; }
    /// <summary>create events for this name in the window (ecs-init style recreate loop).</summary>
    public long? RecreatesInWindow { get; init; }
    /// <summary>systemd unit whose process tree / cgroup owns the container's creator, when known.</summary>
    public string? OwnerUnit { get; init; }
    /// <summary>How OwnerUnit was found (it is a heuristic, e.g. "name ecs-agent; ExecStart of ecs.service runs amazon-ecs-init").</summary>
    public string? OwnerUnitEvidence { get; init; }
}
