using System.Globalization;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// Runs after every evidence collector: turns what the logs said into the ordinary facts policies and the
/// diff already judge — a unit's <c>restartsPerHour</c>/<c>failuresInWindow</c>/<c>nRestarts</c>, the ecs-agent
/// container's recreation rate (added as a container when the node no longer has one on disk), <c>probes.ena</c>
/// from the kernel log, <c>bootstrap.cloudInit</c> when only the logs tell how cloud-init ended — and writes the
/// timeline: the story in time order, a run of the same event folded into one entry with its count.
/// Live fields already present (a live collection) are never overwritten.
/// </summary>
public sealed class EvidenceSummaryCollector : ICollector
{
    public string Name => "evidence-summary";
    public int Order => 90;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        if (snapshot.Evidence is not { } e) return snapshot;
        var limits = context.EvidenceLimits ?? new EvidenceLimits();
        snapshot = Units(snapshot, e);
        snapshot = Containers(snapshot, e);
        snapshot = Ena(snapshot, e);
        snapshot = CloudInit(snapshot, e);
        var timeline = Timeline(e, limits.MaxEvents, out var dropped);
        if (dropped > 0)
            context.Fs.Note(Name, "timeline-capped", $"the timeline keeps the last {limits.MaxEvents} entries; {dropped} earlier ones were left out", null, "info");
        // Sorted like a serialised snapshot, so collector output is deterministic before it is written too.
        return SnapshotNormalizer.Normalize(snapshot with { Evidence = e with { Timeline = timeline } });
    }

    private static Snapshot Units(Snapshot s, EvidenceFacts e)
    {
        var byName = e.Units.Where(u => !u.UserManager).ToDictionary(u => u.Name, StringComparer.Ordinal);
        if (byName.Count == 0) return s;
        return s with
        {
            Systemd = s.Systemd with
            {
                Units = [.. s.Systemd.Units.Select(u => byName.TryGetValue(u.Name, out var ev) && u.RestartsPerHour is null
                    ? u with
                    {
                        RestartsPerHour = ev.RestartsPerHour ?? 0,
                        FailuresInWindow = ev.Failures,
                        NRestarts = u.NRestarts ?? ev.RestartCounter,
                        Result = u.Result ?? ev.LastResult,
                    }
                    : u)],
            },
        };
    }

    private static Snapshot Containers(Snapshot s, EvidenceFacts e)
    {
        if (e.Ecs is not { AgentStarts: > 0 } ecs) return s;
        var owner = s.Systemd.Units.Any(u => u.Name == "ecs.service") ? "ecs.service" : null;
        var why = $"{Path(ecs.Sources)}: {N(ecs.AgentStarts)} \"Starting Amazon Elastic Container Service Agent\" (ecs-init removes and recreates the container each time)";
        var containers = s.Containers.ToList();
        var i = containers.FindIndex(c => c.Name.TrimStart('/') == "ecs-agent");
        if (i >= 0)
        {
            var c = containers[i];
            if (c.RestartsPerHour is null)
                containers[i] = c with
                {
                    RestartsPerHour = ecs.RecreatesPerHour,
                    RecreatesInWindow = ecs.AgentStarts,
                    OwnerUnit = c.OwnerUnit ?? owner,
                    OwnerUnitEvidence = c.OwnerUnitEvidence ?? why,
                };
        }
        else
        {
            containers.Add(new ContainerFact
            {
                Name = "ecs-agent",
                Image = "amazon/amazon-ecs-agent",
                Source = ecs.Sources.LastOrDefault(),
                RestartsPerHour = ecs.RecreatesPerHour,
                RecreatesInWindow = ecs.AgentStarts,
                OwnerUnit = owner,
                OwnerUnitEvidence = why,
            });
        }
        return s with { Containers = containers };
    }

    private static Snapshot Ena(Snapshot s, EvidenceFacts e)
    {
        if (s.Probes?.Ena is not null || e.Kernel is not { Ena.Count: > 0 } k) return s;
        var probe = new EnaProbe
        {
            Status = EnaReader.StatusOf(k.Ena),
            Interfaces = k.Ena,
            KernelLogSource = "root:" + string.Join(",", k.Sources),
            KernelLogSpanSeconds = k.First is { } f && k.Last is { } l ? Math.Round((l - f).TotalSeconds, 3) : null,
            Detail = "read from the kernel logs the node left on its root",
        };
        return s with { Probes = (s.Probes ?? new ProbeFacts()) with { Ena = probe } };
    }

    private static Snapshot CloudInit(Snapshot s, EvidenceFacts e)
    {
        if (e.CloudInit is not { } ci || s.Bootstrap.CloudInit is { Status: not ("not-run" or "unknown") }) return s;
        var failed = ci.FailedScript is not null;
        if (!failed && ci.FinishedAt is null) return s;
        var outcome = new CloudInitOutcome
        {
            Status = failed ? "error" : "done",
            Errors = failed ? [$"{ci.FailedScript} failed{(ci.ExitStatus is { } x ? $" with exit status {x}" : "")}{(ci.FailingCommand is { } c ? $": {c}" : "")}"] : [],
            Source = ci.Sources.FirstOrDefault(),
        };
        return s with { Bootstrap = s.Bootstrap with { CloudInit = outcome } };
    }

    internal static List<TimelineEntry> Timeline(EvidenceFacts e, int max, out int dropped)
    {
        var entries = new List<TimelineEntry>();
        foreach (var u in e.Units.Where(u => u.First is not null))
        {
            var source = u.Sources.FirstOrDefault() == "journal" ? "journal" : "syslog";
            var name = u.UserManager ? u.Name + " (user)" : u.Name;
            if (u.Restarts > 0)
                entries.Add(new TimelineEntry
                {
                    Time = u.First!.Value, Until = u.Last, Source = source, Subject = name, Count = u.Restarts,
                    Event = $"restarted {N(u.Restarts)} times ({Rate(u.RestartsPerHour)}/h){(u.LastExit is { } x ? $"; last exit {x}" : "")}{(u.LastResult is { } r ? $", result '{r}'" : "")}",
                });
            else if (u.Failures > 0)
                entries.Add(new TimelineEntry
                {
                    Time = u.First!.Value, Until = u.Last, Source = source, Subject = name, Count = u.Failures,
                    Event = $"failed {N(u.Failures)} time(s){(u.LastResult is { } r ? $", result '{r}'" : "")}{(u.LastExit is { } x ? $"; last exit {x}" : "")}",
                });
            if (u.StartLimitHits > 0 && u.Last is { } last)
                entries.Add(new TimelineEntry { Time = last, Source = source, Subject = name, Count = u.StartLimitHits, Event = "start request repeated too quickly: systemd stopped restarting it" });
        }
        if (e.Ecs is { First: { } ef } ecs && ecs.AgentStarts + ecs.AgentExits + ecs.Errors > 0)
        {
            var codes = string.Join(", ", ecs.ExitCodes.Select(kv => $"code {kv.Key} ×{N(kv.Value)}"));
            entries.Add(new TimelineEntry
            {
                Time = ef, Until = ecs.Last, Source = "ecs-init", Subject = "ecs-agent", Count = Math.Max(1, ecs.AgentStarts),
                Event = $"agent container created {N(ecs.AgentStarts)} times ({Rate(ecs.RecreatesPerHour)}/h){(codes.Length > 0 ? "; exits " + codes : "")}{(ecs.TerminalExits > 0 ? $"; {N(ecs.TerminalExits)} terminal exit(s)" : "")}{(ecs.TopErrors.Count > 0 ? "; " + ecs.TopErrors[0] : "")}",
            });
        }
        if (e.Kernel is { } k)
        {
            // Fold runs of one kind on one subject (resets every minute) into a single entry.
            TimelineEntry? run = null;
            foreach (var ev in k.Events.Where(x => x.Time is not null))
            {
                var text = ev.Kind switch
                {
                    "ena-reset" => "ENA device reset" + (ev.Detail is { } d ? $" ({d})" : ""),
                    "ena-implied-reset" => "ENA device reset, implied" + (ev.Detail is { } d2 ? $" ({d2}; no reset line in the log)" : ""),
                    "ena-reset-failed" => "ENA device reset FAILED" + (ev.Detail is { } d3 ? $" ({d3})" : ""),
                    _ => $"{ev.Kind.Replace('-', ' ')}: {ev.Detail}",
                };
                if (run is not null && run.Subject == ev.Subject && run.Event == text)
                {
                    run = run with { Until = ev.Time, Count = run.Count + 1 };
                    entries[^1] = run;
                    continue;
                }
                run = new TimelineEntry { Time = ev.Time!.Value, Source = "kernel", Subject = ev.Subject, Event = text };
                entries.Add(run);
            }
        }
        foreach (var c in e.Containers)
        {
            if (c.Created is { } created)
                entries.Add(new TimelineEntry { Time = created, Source = "docker", Subject = c.Name, Event = $"container created ({c.Image ?? "?"})" });
            if (c.LastTime is { } lt && c.LastLines.Count > 0)
                entries.Add(new TimelineEntry { Time = lt, Source = "docker", Subject = c.Name, Event = "last log line: " + c.LastLines[^1] });
        }
        if (e.CloudInit is { FinishedAt: { } fin } ci)
            entries.Add(new TimelineEntry
            {
                Time = fin, Source = "cloud-init", Subject = "cloud-init",
                Event = ci.FailedScript is null ? "finished" : $"finished with a failure: {ci.FailedScript}{(ci.ExitStatus is { } x ? $" exit {x}" : "")}{(ci.FailingCommand is { } cmd ? $" — {cmd}" : "")}",
            });
        var sorted = entries.OrderBy(x => x.Time).ThenBy(x => x.Source, StringComparer.Ordinal).ThenBy(x => x.Subject, StringComparer.Ordinal)
            .ThenBy(x => x.Event, StringComparer.Ordinal).ToList();
        dropped = Math.Max(0, sorted.Count - max);
        return dropped > 0 ? sorted[^max..] : sorted;
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
    private static string Rate(double? r) => (r ?? 0).ToString("0.##", CultureInfo.InvariantCulture);
    private static string Path(List<string> sources) => sources.Count == 0 ? "logs" : sources[^1];
}
