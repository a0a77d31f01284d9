using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AmiAudit.Collectors.Docker.Api;

/// <summary>
/// Docker Engine API over a unix socket with plain <see cref="HttpClient"/>: a
/// <see cref="SocketsHttpHandler.ConnectCallback"/> connects to a <see cref="UnixDomainSocketEndPoint"/>
/// instead of TCP. The only file that knows the transport (Docker.DotNet is not on our feed).
/// Every request — connect included — is bounded by one timeout, so a socket that accepts and
/// never answers costs at most that long; response bodies and event lines are size-capped.
/// Paths are unversioned: the daemon answers with its own API version, which keeps old daemons working.
/// </summary>
public sealed class DockerEngineClient : IDockerEngineApi
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(4);
    public const int MaxResponseBytes = 32 * 1024 * 1024;
    public const int MaxEventLineBytes = 1024 * 1024;

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public DockerEngineClient(string socketPath, TimeSpan? requestTimeout = null)
    {
        SocketPath = socketPath;
        _timeout = requestTimeout ?? DefaultRequestTimeout;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            ConnectTimeout = _timeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxResponseHeadersLength = 64,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri("http://docker/"),
            Timeout = Timeout.InfiniteTimeSpan, // enforced per request below, connect included
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
    }

    public string SocketPath { get; }

    public async Task<string> PingAsync(CancellationToken cancellationToken) =>
        (await GetStringAsync("_ping", cancellationToken).ConfigureAwait(false) ?? "").Trim();

    public async Task<EngineVersion> GetVersionAsync(CancellationToken cancellationToken) =>
        Parse("version", await GetStringAsync("version", cancellationToken).ConfigureAwait(false) ?? "{}", EngineJson.ParseVersion);

    public async Task<IReadOnlyList<EngineContainerSummary>> ListContainersAsync(CancellationToken cancellationToken) =>
        Parse("containers/json", await GetStringAsync("containers/json?all=1", cancellationToken).ConfigureAwait(false) ?? "[]", EngineJson.ParseContainerList);

    public async Task<EngineContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        var body = await GetStringAsync($"containers/{Uri.EscapeDataString(id)}/json", cancellationToken, notFoundIsNull: true).ConfigureAwait(false);
        return body is null ? null : Parse("containers/{id}/json", body, EngineJson.ParseContainerDetails);
    }

    public async Task<EngineEventPage> GetEventsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // "until" in the past makes the daemon replay its buffer and close the stream instead of following it.
        var path = "events?since=" + Seconds(since) + "&until=" + Seconds(until);
        using var cts = Budget(cancellationToken);
        try
        {
            using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            await EnsureOk(response, path, cts.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            var events = new List<EngineEvent>();
            int records = 0, skipped = 0;
            await foreach (var line in ReadLinesAsync(stream, cts.Token).ConfigureAwait(false))
            {
                if (line is null) { skipped++; continue; } // over-long line
                if (line.Length == 0) continue;
                try
                {
                    var e = EngineJson.ParseEvent(line);
                    if (e is null) { skipped++; continue; }
                    records++;
                    events.Add(e);
                }
                catch (JsonException) { skipped++; }
            }
            return new EngineEventPage(events, records, skipped);
        }
        catch (Exception e) when (Translate(e, path, cts, cancellationToken) is { } translated) { throw translated; }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string?> GetStringAsync(string path, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        using var cts = Budget(cancellationToken);
        try
        {
            using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound) return null;
            await EnsureOk(response, path, cts.Token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, path, cts, cancellationToken) is { } translated) { throw translated; }
    }

    private CancellationTokenSource Budget(CancellationToken outer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        cts.CancelAfter(_timeout);
        return cts;
    }

    private static async Task EnsureOk(HttpResponseMessage response, string path, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = "";
        try { body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false); } catch (HttpRequestException) { }
        string? message = null;
        try { using var doc = JsonDocument.Parse(body); message = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? AmiAudit.Collectors.Json.JsonStrings.Get(m) : null; }
        catch (JsonException) { }
        throw new DockerEngineUnavailableException($"GET /{path}: HTTP {(int)response.StatusCode}{(message is null ? "" : ": " + message)}");
    }

    /// <summary>Maps transport failures to one exception type with a message a user can act on.</summary>
    private Exception? Translate(Exception e, string path, CancellationTokenSource budget, CancellationToken outer)
    {
        if (e is DockerEngineUnavailableException) return null; // already ours: rethrow as is
        if (e is OperationCanceledException && budget.IsCancellationRequested && !outer.IsCancellationRequested)
            return new DockerEngineUnavailableException($"{SocketPath}: no answer to GET /{path} within {_timeout.TotalSeconds:0.#} s", e);
        if (e is OperationCanceledException) return null; // the caller cancelled: let it propagate
        if (e is HttpRequestException or IOException or SocketException && !File.Exists(SocketPath))
            return new DockerEngineUnavailableException($"{SocketPath}: no such socket", e);
        var socketError = (e as SocketException ?? e.InnerException as SocketException)?.SocketErrorCode;
        return socketError switch
        {
            SocketError.ConnectionRefused => new DockerEngineUnavailableException($"{SocketPath}: connection refused (no daemon listening)", e),
            SocketError.AccessDenied => new DockerEngineUnavailableException($"{SocketPath}: permission denied", e),
            _ when e is HttpRequestException or IOException or SocketException =>
                new DockerEngineUnavailableException($"{SocketPath}: GET /{path} failed: {(e.InnerException ?? e).Message}", e),
            _ => null,
        };
    }

    private static T Parse<T>(string what, string body, Func<string, T> parse)
    {
        try { return parse(body); }
        catch (JsonException e) { throw new DockerEngineUnavailableException($"invalid JSON from {what}: {e.Message}", e); }
    }

    /// <summary>NDJSON lines; a line longer than the cap is yielded as null (and skipped) instead of buffered.</summary>
    private static async IAsyncEnumerable<string?> ReadLinesAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        var overlong = false;
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                Append(buffer, start, i - start);
                yield return overlong ? null : Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');
                line.SetLength(0);
                overlong = false;
                start = i + 1;
            }
            Append(buffer, start, n - start);
        }
        if (line.Length > 0 || overlong) yield return overlong ? null : Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);

        void Append(byte[] b, int offset, int count)
        {
            if (overlong || count <= 0) return;
            if (line.Length + count > MaxEventLineBytes) { overlong = true; line.SetLength(0); return; }
            line.Write(b, offset, count);
        }
    }

    private static string Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
