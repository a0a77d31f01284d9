using System.Net.Sockets;
using System.Text;

namespace AmiAudit.Collectors.Tests.DockerEngine;

/// <summary>
/// A real unix-socket HTTP/1.1 server (one response per connection) serving canned Engine API
/// answers, or — in silent mode — accepting connections and never answering, the failure a hung
/// dockerd produces. Socket paths are kept short (sun_path is 108 bytes).
/// </summary>
public sealed class FakeEngineServer : IDisposable
{
    private readonly Socket _listener;
    private readonly DirectoryInfo _dir;
    private readonly Func<string, (int Status, string Body)?> _answer;
    private readonly bool _silent;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private readonly List<string> _paths = [];

    public FakeEngineServer(Func<string, (int Status, string Body)?> answer, bool silent = false)
    {
        _answer = answer;
        _silent = silent;
        _dir = Directory.CreateTempSubdirectory("aae");
        SocketPath = Path.Combine(_dir.FullName, "d.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoop);
    }

    public static FakeEngineServer Silent() => new(_ => null, silent: true);

    public string SocketPath { get; }

    public IReadOnlyList<string> Paths { get { lock (_paths) return [.. _paths]; } }

    /// <summary>The resource a request names, without an API version prefix ("/v1.41") or query:
    /// what a route matches on, whichever version the client asked for.</summary>
    public static string Route(string target)
    {
        var path = target.Split('?')[0];
        if (path.StartsWith("/v", StringComparison.Ordinal) && path.IndexOf('/', 1) is > 0 and var slash
            && path[2..slash].All(ch => char.IsAsciiDigit(ch) || ch == '.'))
            path = path[slash..];
        return path;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_silent) { lock (_held) _held.Add(client); continue; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        using (client)
        {
            var request = new StringBuilder();
            var buffer = new byte[8192];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var target = request.ToString().Split(' ')[1];
            lock (_paths) _paths.Add(target);
            var (status, body) = _answer(Uri.UnescapeDataString(target)) ?? (404, """{"message":"page not found"}""");
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
            await client.SendAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray(), SocketFlags.None);
            client.Shutdown(SocketShutdown.Both);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_held) foreach (var s in _held) s.Dispose();
        _dir.Delete(recursive: true);
    }
}
