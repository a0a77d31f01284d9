using AmiAudit.Collectors.Docker.Api;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Docker;

/// <summary>
/// Live containers from the Docker Engine API (unix socket; DOCKER_HOST honoured): state, exit
/// code, RestartCount, policy, times — and /events over the window counted per container *name*,
/// which is what exposes the ecs-init loop (the container is force-removed and recreated, so its
/// RestartCount stays 0 and it always looks "Up 10 seconds"). Merged with the containers the
/// on-disk collector found, by ID then name. No socket / refused / silent → "unavailable".
/// </summary>
public sealed class DockerEngineCollector : ICollector
{
    public const string Source = "docker-engine";
    /// <summary>Events look-back when the collection has no window.</summary>
    public static readonly TimeSpan DefaultEventWindow = TimeSpan.FromHours(1);
    /// <summary>Names seen only in events (no container now) are kept when created this often — a loop.</summary>
    public const int MinCreatesForEventOnlyName = 2;
    /// <summary>Whole-collection ceiling; each request has its own, shorter, budget.</summary>
    public static readonly TimeSpan TotalBudget = TimeSpan.FromSeconds(60);

    private readonly Func<string, IDockerEngineApi> _connect;

    public DockerEngineCollector() : this(path => new DockerDotNetEngineApi(path)) { }

    public DockerEngineCollector(Func<string, IDockerEngineApi> connect) => _connect = connect;

    public string Name => Source;
    public int Order => 25;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.Live;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var endpoint = DockerEndpoint.Resolve(context.Environment, context.HostRoot);
        if (endpoint.SocketPath is not { } socket)
            return WithDiagnostics(snapshot, [Unavailable(endpoint.Problem ?? "no Docker endpoint")]);
        if (!File.Exists(socket) && !Directory.Exists(socket))
            return WithDiagnostics(snapshot, [Unavailable($"{socket}: no such socket (Docker not running)")]);

        using var api = _connect(socket);
        using var budget = new CancellationTokenSource(TotalBudget);
        try
        {
            return CollectAsync(api, socket, context, snapshot, budget.Token).GetAwaiter().GetResult();
        }
        catch (DockerEngineUnavailableException e)
        {
            return WithDiagnostics(snapshot, [Unavailable(e.Message)]);
        }
        catch (OperationCanceledException)
        {
            return WithDiagnostics(snapshot, [Unavailable($"{socket}: collection exceeded {TotalBudget.TotalSeconds:0} s")]);
        }
    }

    private static async Task<Snapshot> CollectAsync(IDockerEngineApi api, string socket, CollectionContext context, Snapshot snapshot, CancellationToken ct)
    {
        var diagnostics = new List<Diagnostic>();
        var ping = await api.PingAsync(ct).ConfigureAwait(false);
        if (!string.Equals(ping, "OK", StringComparison.Ordinal))
            return WithDiagnostics(snapshot, [Unavailable($"{socket}: /_ping answered '{Short(ping)}', not OK")]);
        try
        {
            var v = await api.GetVersionAsync(ct).ConfigureAwait(false);
            diagnostics.Add(new Diagnostic { Source = Source, Level = "info", Code = "engine-version", Message = $"Docker Engine {v.Version} (API {v.ApiVersion}) at {socket}" });
        }
        catch (DockerEngineUnavailableException e) { diagnostics.Add(Warning("engine-version", e.Message)); }

        var summaries = await api.ListContainersAsync(ct).ConfigureAwait(false);
        var live = new List<ContainerFact>();
        foreach (var s in summaries.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            EngineContainerDetails? d = null;
            try { d = await api.InspectContainerAsync(s.Id, ct).ConfigureAwait(false); }
            catch (DockerEngineUnavailableException e) { diagnostics.Add(Warning("inspect-failed", e.Message)); }
            live.Add(ToFact(s, d));
        }

        var until = context.Clock.GetUtcNow();
        var since = until - (context.Window > TimeSpan.Zero ? context.Window : DefaultEventWindow);
        EngineEventSummary? events = null;
        try
        {
            var page = await api.GetEventsAsync(since, until, ct).ConfigureAwait(false);
            var nameById = live.Where(c => c.Id is not null).ToDictionary(c => c.Id!, c => c.Name, StringComparer.Ordinal);
            events = EngineEventSummary.Summarize(page, since, until, nameById);
            if (events.Truncated)
                diagnostics.Add(new Diagnostic
                {
                    Source = Source, Level = "info", Code = "events-truncated",
                    Message = $"dockerd replays only its last {EngineEventSummary.DaemonEventBuffer} events: rates cover {(until - events.Since).TotalSeconds:0} s, not the {(until - since).TotalSeconds:0} s window",
                });
            if (page.LinesSkipped > 0) diagnostics.Add(Warning("events-lines-skipped", $"{page.LinesSkipped} /events lines were not event records"));
        }
        catch (DockerEngineUnavailableException e) { diagnostics.Add(Warning("events-unavailable", "restart rates unknown: " + e.Message)); }

        var merged = Merge(snapshot.Containers, live, events, snapshot.Systemd.Units);
        return WithDiagnostics(snapshot with { Containers = merged }, diagnostics);
    }

    private static ContainerFact ToFact(EngineContainerSummary s, EngineContainerDetails? d) => new()
    {
        Name = d?.Name is { Length: > 0 } n ? n : s.Names.FirstOrDefault() ?? s.Id,
        Id = s.Id,
        Image = ContainerSecrets.Image(d?.Image ?? s.Image),
        RestartPolicy = d?.RestartPolicy ?? "no",
        MaximumRetryCount = d?.MaximumRetryCount,
        Labels = ContainerSecrets.Labels(d?.Labels ?? s.Labels),
        State = d?.State ?? s.State,
        ExitCode = d?.ExitCode,
        RestartCount = d?.RestartCount,
        Created = d?.Created ?? (s.Created is long sec ? DateTimeOffset.FromUnixTimeSeconds(sec) : null),
        StartedAt = d?.StartedAt,
    };

    /// <summary>Live facts onto the on-disk ones (matched by ID, then name), rates by name, owner units.</summary>
    public static List<ContainerFact> Merge(IReadOnlyList<ContainerFact> disk, IReadOnlyList<ContainerFact> live,
        EngineEventSummary? events, IReadOnlyList<UnitFact> units)
    {
        var result = disk.ToList();
        foreach (var l in live)
        {
            var i = result.FindIndex(c => c.Id is not null && c.Id == l.Id);
            if (i < 0) i = result.FindIndex(c => c.Name == l.Name);
            if (i < 0) { result.Add(l); continue; }
            var d = result[i];
            result[i] = d with
            {
                Id = l.Id, Name = l.Name, Image = l.Image ?? d.Image, RestartPolicy = l.RestartPolicy,
                MaximumRetryCount = l.MaximumRetryCount ?? d.MaximumRetryCount,
                Labels = l.Labels.Count > 0 ? l.Labels : d.Labels,
                State = l.State, ExitCode = l.ExitCode, RestartCount = l.RestartCount, Created = l.Created, StartedAt = l.StartedAt,
            };
        }
        if (events is not null)
        {
            var liveNames = live.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < result.Count; i++)
            {
                if (!liveNames.Contains(result[i].Name)) continue;
                events.ByName.TryGetValue(result[i].Name, out var c);
                result[i] = result[i] with { RestartsPerHour = Rate(c?.Dies ?? 0, events), RecreatesInWindow = c?.Creates ?? 0 };
            }
            // The loop's earlier incarnations are gone, and at the moment we look the current one
            // may be too: the name alone still carries the evidence.
            foreach (var c in events.ByName.Values)
                if (!liveNames.Contains(c.Name) && c.Creates >= MinCreatesForEventOnlyName && result.All(r => r.Name != c.Name))
                    result.Add(new ContainerFact { Name = c.Name, Image = ContainerSecrets.Image(c.Image), State = "removed", RestartsPerHour = Rate(c.Dies, events), RecreatesInWindow = c.Creates });
        }
        for (var i = 0; i < result.Count; i++)
            if (result[i].OwnerUnit is null && EngineOwnerUnits.Find(result[i].Name, units) is var (unit, evidence))
                result[i] = result[i] with { OwnerUnit = unit, OwnerUnitEvidence = evidence };
        return [.. result.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static double Rate(long count, EngineEventSummary events) => Math.Round(count / events.Hours, 3, MidpointRounding.AwayFromZero);

    private static Diagnostic Unavailable(string message) => new() { Source = Source, Level = "unavailable", Code = "unavailable", Message = message };
    private static Diagnostic Warning(string code, string message) => new() { Source = Source, Level = "warning", Code = code, Message = message };
    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static Snapshot WithDiagnostics(Snapshot s, IEnumerable<Diagnostic> d) => s with { Diagnostics = [.. s.Diagnostics, .. d] };
}
