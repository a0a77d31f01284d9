namespace AmiAudit.Collectors.Docker.Api;

/// <summary>
/// The slice of the Docker Engine API the collector needs, in our own types (the port). The one
/// implementation, <see cref="DockerDotNetEngineApi"/>, is the only code that sees Docker.DotNet;
/// tests give the collector a fake socket or a real dockerd, never a fake of this interface.
/// Failures — transport, HTTP, or a body the models refuse — surface as <see cref="DockerEngineUnavailableException"/>.
/// </summary>
public interface IDockerEngineApi : IDisposable
{
    /// <summary>GET /_ping → "OK". Bounded by the connect timeout: the availability check.</summary>
    Task<string> PingAsync(CancellationToken cancellationToken);
    Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken);
    /// <summary>GET /containers/json?all=1</summary>
    Task<IReadOnlyList<EngineContainerSummary>> ListContainersAsync(CancellationToken cancellationToken);
    /// <summary>GET /containers/{id}/json; null when the container went away meanwhile (404).</summary>
    Task<EngineContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken);
    /// <summary>GET /events?since=…&amp;until=… (all types: the count tells whether the daemon's ring buffer overflowed).</summary>
    Task<EngineEventPage> GetEventsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>The socket is missing, refuses, times out, or answers with an error or junk.</summary>
public sealed class DockerEngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
