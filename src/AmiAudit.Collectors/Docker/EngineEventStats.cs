using AmiAudit.Collectors.Docker.Api;

namespace AmiAudit.Collectors.Docker;

/// <summary>Container lifecycle events of one container *name* (all its IDs) in the window.</summary>
public sealed record ContainerEventCounts
{
    public string Name { get; init; } = "";
    public long Creates { get; init; }
    public long Starts { get; init; }
    public long Dies { get; init; }
    public long Destroys { get; init; }
    public string? Image { get; init; }
    /// <summary>Distinct container IDs that carried this name: &gt; 1 means delete + recreate.</summary>
    public int DistinctIds { get; init; }
}

/// <summary>
/// Per-name counts over the span the events really cover. dockerd keeps only its last
/// <see cref="DaemonEventBuffer"/> events in memory (moby daemon/events: eventsLimit = 256) and
/// /events?since= replays from that ring: when the daemon sent that many, older events were lost,
/// so the span starts at the oldest event received, not at "since" — otherwise a busy loop would
/// be divided by the whole window and look slow.
/// </summary>
public sealed record EngineEventSummary(
    IReadOnlyDictionary<string, ContainerEventCounts> ByName, DateTimeOffset Since, DateTimeOffset Until, bool Truncated)
{
    public const int DaemonEventBuffer = 256;

    /// <summary>Hours covered (never below one second, so a rate is always finite).</summary>
    public double Hours => Math.Max((Until - Since).TotalSeconds, 1) / 3600.0;

    public static EngineEventSummary Summarize(EngineEventPage page, DateTimeOffset since, DateTimeOffset until,
        IReadOnlyDictionary<string, string> nameById)
    {
        var truncated = page.RecordsReceived >= DaemonEventBuffer && page.Events.Count > 0;
        var effectiveSince = truncated ? page.Events.Min(e => e.Time) : since;
        var counts = new Dictionary<string, (ContainerEventCounts C, HashSet<string> Ids)>(StringComparer.Ordinal);
        foreach (var e in page.Events)
        {
            if (e.Type != "container" || e.Time < since || e.Time > until) continue;
            var name = e.Name ?? (e.ActorId is { } id ? NameOf(id, nameById) : null);
            if (string.IsNullOrEmpty(name)) continue;
            if (!counts.TryGetValue(name, out var entry)) entry = (new ContainerEventCounts { Name = name }, new HashSet<string>(StringComparer.Ordinal));
            var c = entry.C;
            // "die" is the one event every exit produces (restart policy or not); "start" also counts
            // the first start, "destroy" only removals — the names of the actions are the API's.
            c = e.Action switch
            {
                "create" => c with { Creates = c.Creates + 1 },
                "start" => c with { Starts = c.Starts + 1 },
                "die" => c with { Dies = c.Dies + 1 },
                "destroy" => c with { Destroys = c.Destroys + 1 },
                _ => c,
            };
            if (e.Attributes.TryGetValue("image", out var image)) c = c with { Image = image };
            if (e.ActorId is { Length: > 0 } actor) entry.Ids.Add(actor);
            counts[name] = (c with { DistinctIds = entry.Ids.Count }, entry.Ids);
        }
        var byName = new SortedDictionary<string, ContainerEventCounts>(StringComparer.Ordinal);
        foreach (var (k, v) in counts) byName[k] = v.C;
        return new EngineEventSummary(byName, effectiveSince, until, truncated);
    }

    private static string? NameOf(string id, IReadOnlyDictionary<string, string> nameById)
    {
        if (nameById.TryGetValue(id, out var n)) return n;
        foreach (var (full, name) in nameById)
            if (full.StartsWith(id, StringComparison.Ordinal)) return name;
        return null;
    }
}
