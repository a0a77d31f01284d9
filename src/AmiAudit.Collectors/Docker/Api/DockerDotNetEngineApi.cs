using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AmiAudit.Collectors.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace AmiAudit.Collectors.Docker.Api;

/// <summary>
/// <see cref="IDockerEngineApi"/> over Docker.DotNet (the Docker.DotNet.Enhanced fork: its models are
/// read by a source-generated System.Text.Json context, so it runs under NativeAOT). The only file
/// that sees the SDK's types. Two things the SDK does not do for us are done here:
/// <list type="bullet">
/// <item>every request, connect included, has one budget (<see cref="DefaultRequestTimeout"/>), so a
/// socket that accepts and never answers costs at most that long;</item>
/// <item>whatever the daemon sends — HTTP errors, junk, JSON the models refuse (an unpaired
/// surrogate escape, a string where a number belongs) — surfaces as
/// <see cref="DockerEngineUnavailableException"/>, never as an exception the collector does not
/// expect: a hostile Engine answer makes the collector "unavailable", it does not crash the run.</item>
/// </list>
/// Paths are the SDK's; it does not pin an API version, so the daemon answers with its own (old
/// daemons keep working, dockerd 20.10 / API 1.41 is tested for real in RealParts).
/// </summary>
public sealed class DockerDotNetEngineApi : IDockerEngineApi
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(4);

    private readonly DockerClient _client;
    private readonly TimeSpan _timeout;

    public DockerDotNetEngineApi(string socketPath, TimeSpan? requestTimeout = null)
    {
        SocketPath = socketPath;
        _timeout = requestTimeout ?? DefaultRequestTimeout;
        _client = new DockerClientBuilder()
            .WithEndpoint(new Uri("unix://" + socketPath))
            .WithTimeout(_timeout)
            .Build();
    }

    public string SocketPath { get; }

    public async Task<string> PingAsync(CancellationToken cancellationToken)
    {
        // The SDK throws unless the daemon answered 2xx; its body ("OK") is not handed out.
        await Call("_ping", ct => _client.System.PingAsync(ct), cancellationToken).ConfigureAwait(false);
        return "OK";
    }

    public async Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken)
    {
        var v = await Call("version", ct => _client.System.GetVersionAsync(ct), cancellationToken).ConfigureAwait(false);
        return new EngineVersion(v?.Version, v?.APIVersion, v?.Os, v?.KernelVersion);
    }

    public async Task<IReadOnlyList<EngineContainerSummary>> ListContainersAsync(CancellationToken cancellationToken)
    {
        var rows = await Call("containers/json", ct => _client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct), cancellationToken)
            .ConfigureAwait(false);
        return [.. (rows ?? []).Where(r => r is not null).Select(ToSummary)];
    }

    public async Task<EngineContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var d = await Call("containers/{id}/json", ct => _client.Containers.InspectContainerAsync(id, ct), cancellationToken).ConfigureAwait(false);
            return d is null ? null : ToDetails(d);
        }
        catch (DockerEngineUnavailableException e) when (e.InnerException is DockerContainerNotFoundException)
        {
            return null; // removed between list and inspect
        }
    }

    public async Task<EngineEventPage> GetEventsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // "until" in the past makes the daemon replay its buffer and close the stream instead of following it.
        var parameters = new ContainerEventsParameters { Since = Seconds(since), Until = Seconds(until) };
        var sink = new EventSink();
        try
        {
            await Call("events", ct => _client.System.MonitorEventsAsync(parameters, sink, ct), cancellationToken).ConfigureAwait(false);
            return new EngineEventPage(sink.Events, sink.Records, sink.Skipped);
        }
        catch (DockerEngineUnavailableException e) when (e.InnerException is JsonException && sink.Records > 0)
        {
            // A record the models refuse ends the SDK's read of the stream: keep what came before it,
            // and say one record was not read (the collector reports skipped lines as a warning).
            return new EngineEventPage(sink.Events, sink.Records, sink.Skipped + 1);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>One SDK call under the request budget; every failure but the caller's own cancellation becomes ours.</summary>
    private async Task<T> Call<T>(string path, Func<CancellationToken, Task<T>> call, CancellationToken outer)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(outer);
        budget.CancelAfter(_timeout);
        try
        {
            // WaitAsync as well: a transport that ignores the token between connect and headers still ends on time.
            return await call(budget.Token).WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, path, budget, outer) is { } translated) { throw translated; }
    }

    private Task Call(string path, Func<CancellationToken, Task> call, CancellationToken outer) =>
        Call(path, async ct => { await call(ct).ConfigureAwait(false); return true; }, outer);

    /// <summary>Maps SDK, transport and parse failures to one exception type with a message a user can act on.</summary>
    private Exception? Translate(Exception e, string path, CancellationTokenSource budget, CancellationToken outer)
    {
        if (e is OperationCanceledException or TimeoutException && budget.IsCancellationRequested && !outer.IsCancellationRequested)
            return new DockerEngineUnavailableException($"{SocketPath}: no answer to GET /{path} within {_timeout.TotalSeconds:0.#} s", e);
        if (e is OperationCanceledException) return outer.IsCancellationRequested ? null
            : new DockerEngineUnavailableException($"{SocketPath}: GET /{path} was cut off: {e.Message}", e);
        if (e is DockerApiException api)
            return new DockerEngineUnavailableException($"GET /{path}: HTTP {(int)api.StatusCode}{DaemonMessage(api.ResponseBody)}", e);
        if (e is JsonException or InvalidOperationException or FormatException or NotSupportedException or OverflowException or ArgumentException
            && Chain(e).OfType<SocketException>().FirstOrDefault() is null)
            return new DockerEngineUnavailableException($"invalid JSON from {path}: {e.Message}", e);
        if (!File.Exists(SocketPath) && !Directory.Exists(SocketPath))
            return new DockerEngineUnavailableException($"{SocketPath}: no such socket", e);
        return Chain(e).OfType<SocketException>().FirstOrDefault()?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new DockerEngineUnavailableException($"{SocketPath}: connection refused (no daemon listening)", e),
            SocketError.AccessDenied => new DockerEngineUnavailableException($"{SocketPath}: permission denied", e),
            // Anything else the SDK or its transport throws is still the daemon's doing, not ours:
            // unavailable with what happened, never an internal error of the whole run.
            _ => new DockerEngineUnavailableException($"{SocketPath}: GET /{path} failed: {Innermost(e).Message}", e),
        };
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    private static Exception Innermost(Exception e) => Chain(e).Last();

    /// <summary>The daemon's own explanation ({"message": …}) of an HTTP error, when it gave one.</summary>
    private static string DaemonMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? ": " + JsonStrings.Get(m) : "";
        }
        catch (JsonException) { return ""; }
    }

    private static EngineContainerSummary ToSummary(ContainerListResponse c) => new()
    {
        Id = c.ID ?? "",
        Names = [.. (c.Names ?? []).Where(n => n is not null).Select(n => n.TrimStart('/'))],
        Image = c.Image,
        // The list answers Unix seconds; the SDK hands them over as a DateTime (default: absent).
        Created = Utc(c.Created)?.ToUnixTimeSeconds(),
        State = c.State,
        Status = c.Status,
        Labels = Sorted(c.Labels),
    };

    private static EngineContainerDetails ToDetails(ContainerInspectResponse d)
    {
        var policy = d.HostConfig?.RestartPolicy;
        return new EngineContainerDetails
        {
            Id = d.ID ?? "",
            Name = (d.Name ?? "").TrimStart('/'),
            Image = d.Config?.Image ?? d.Image,
            Created = Utc(d.Created),
            State = d.State?.Status,
            ExitCode = d.State is null ? null : Int(d.State.ExitCode),
            Pid = d.State is null ? null : Int(d.State.Pid),
            StartedAt = EngineTime.Parse(d.State?.StartedAt),
            FinishedAt = EngineTime.Parse(d.State?.FinishedAt),
            RestartCount = d.RestartCount,
            RestartPolicy = policy is null ? null : RestartPolicyName(policy.Name),
            MaximumRetryCount = policy is null ? null : Int(policy.MaximumRetryCount),
            Labels = Sorted(d.Config?.Labels),
        };
    }

    /// <summary>The API's spelling of the policy; the daemon stores "no" as an empty name.</summary>
    private static string RestartPolicyName(RestartPolicyKind kind) => kind switch
    {
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.OnFailure => "on-failure",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        _ => "no",
    };

    /// <summary>The SDK's DateTime as an instant; its default means the field was absent.</summary>
    private static DateTimeOffset? Utc(DateTime t) => t == default ? null
        : new DateTimeOffset(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private static int? Int(long v) => v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    private static SortedDictionary<string, string> Sorted(IDictionary<string, string>? labels)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
            if (k is not null && v is not null) d[k] = v;
        return d;
    }

    private static string Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Collects /events records synchronously, in order (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class EventSink : IProgress<Message>
    {
        public List<EngineEvent> Events { get; } = [];
        public int Records { get; private set; }
        public int Skipped { get; private set; }

        public void Report(Message value)
        {
            if (value is null) { Skipped++; return; }
            Records++;
            if (ToEvent(value) is { } e) Events.Add(e);
            else Skipped++;
        }

        /// <summary>Null for a record without an action or a time. Name comes from Actor.Attributes.name.</summary>
        private static EngineEvent? ToEvent(Message m)
        {
            if (string.IsNullOrEmpty(m.Action)) return null;
            DateTimeOffset time;
            if (m.TimeNano is long ns and > 0) time = DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
            else if (m.Time is long sec and > 0 && sec < 253402300800) time = DateTimeOffset.FromUnixTimeSeconds(sec);
            else return null;
            var attributes = Sorted(m.Actor?.Attributes);
            attributes.TryGetValue("name", out var name);
            return new EngineEvent(string.IsNullOrEmpty(m.Type) ? "container" : m.Type, m.Action, m.Actor?.ID, name, time, attributes);
        }
    }
}

/// <summary>Engine timestamps: RFC 3339 with up to 9 fractional digits; Go's zero time means "never".</summary>
public static class EngineTime
{
    public static DateTimeOffset? Parse(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.StartsWith("0001-01-01", StringComparison.Ordinal)) return null;
        // .NET parses at most 7 fractional digits: cut nanoseconds to ticks.
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            if (end - dot - 1 > 7) s = s[..(dot + 8)] + s[end..];
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }
}
