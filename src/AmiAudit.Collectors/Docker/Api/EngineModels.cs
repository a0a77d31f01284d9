namespace AmiAudit.Collectors.Docker.Api;

public sealed record EngineVersion(string? Version, string? ApiVersion, string? Os, string? KernelVersion);

/// <summary>One row of GET /containers/json (node-facts 6: Created is Unix seconds, Names carry "/").</summary>
public sealed record EngineContainerSummary
{
    public string Id { get; init; } = "";
    public IReadOnlyList<string> Names { get; init; } = [];
    public string? Image { get; init; }
    public long? Created { get; init; }
    public string? State { get; init; }
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>GET /containers/{id}/json (node-facts 6: Created is RFC 3339 with nanoseconds).</summary>
public sealed record EngineContainerDetails
{
    public string Id { get; init; } = "";
    /// <summary>Without the leading "/".</summary>
    public string Name { get; init; } = "";
    public string? Image { get; init; }
    public DateTimeOffset? Created { get; init; }
    public string? State { get; init; }
    public int? ExitCode { get; init; }
    public int? Pid { get; init; }
    /// <summary>Null for never-started ("0001-01-01T00:00:00Z").</summary>
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? RestartCount { get; init; }
    public string? RestartPolicy { get; init; }
    public int? MaximumRetryCount { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>One /events record. Name comes from Actor.Attributes.name.</summary>
public sealed record EngineEvent(string Type, string Action, string? ActorId, string? Name, DateTimeOffset Time, IReadOnlyDictionary<string, string> Attributes);

/// <summary>The events of a window plus how many records the daemon sent (of every type) and how many lines were junk.</summary>
public sealed record EngineEventPage(IReadOnlyList<EngineEvent> Events, int RecordsReceived, int LinesSkipped);
